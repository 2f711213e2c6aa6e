"""The Excel readers: openpyxl for .xlsx, calamine for .xls, content sniffing, limits."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font

from jixiao.errors import UnreadableFileError
from jixiao.models import Cell, Sheet
from jixiao.readers import read_bytes, read_sheets, sniff
from jixiao.readers import xlsx as xlsx_reader
from jixiao.readers.xlsx import format_number, format_value, percent_decimals, read_xlsx

from render_office import (
    assert_reads_as_gold,
    gold_cases,
    gold_file_cases,
    gold_records,
    gold_to_xls,
    gold_to_xlsx,
    ole2_file,
    xls_file,
)

# ---------------------------------------------------------------------------
# helpers


def workbook_bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """The zip ``data`` with members replaced (bytes), removed (None) or added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in change:
                continue
            dst.writestr(info, src.read(info))
        for name, content in change.items():
            if content is not None:
                dst.writestr(name, content)
    return out.getvalue()


def cell_at(sheet: Sheet, ref: str) -> Cell:
    for row in sheet.rows:
        for cell in row.cells:
            if cell.ref == ref:
                return cell
    raise AssertionError(f"no cell {ref} in the grid")


def texts(sheet: Sheet) -> list[list[str]]:
    return [row.texts() for row in sheet.rows]


def simple_form() -> Any:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws["A1"] = "财政项目支出绩效自评表"
    ws.merge_cells("A1:E1")
    ws["A2"] = "(2023年度)"
    ws.merge_cells("A2:E2")
    ws["A3"] = "一级指标"
    ws["B3"] = "二级指标"
    ws["C3"] = "三级指标"
    ws["D3"] = "分值"
    ws["E3"] = "得分"
    ws["A4"] = "产出指标"
    ws.merge_cells("A4:A6")
    ws["B4"] = "数量指标"
    ws.merge_cells("B4:B5")
    for row, name in ((4, "指标一"), (5, "指标二"), (6, "指标三")):
        ws.cell(row, 3, name)
        ws.cell(row, 4, 5)
        ws.cell(row, 5, 4.5)
    ws["B6"] = "质量指标"
    return wb


# ---------------------------------------------------------------------------
# grid


def test_merged_ranges_become_spans_with_covered_positions() -> None:
    [sheet] = read_bytes(workbook_bytes(simple_form()), "form.xlsx")
    assert sheet.kind == "xlsx"
    assert sheet.name == "自评表"
    assert sheet.source == "form.xlsx"
    title = cell_at(sheet, "A1")
    assert (title.text, title.col, title.rowspan, title.colspan) == (
        "财政项目支出绩效自评表",
        0,
        1,
        5,
    )
    assert all(cell_at(sheet, ref).spanned for ref in ("B1", "C1", "D1", "E1"))
    level1 = cell_at(sheet, "A4")
    assert (level1.text, level1.rowspan, level1.colspan, level1.spanned) == (
        "产出指标",
        3,
        1,
        False,
    )
    for ref in ("A5", "A6"):
        covered = cell_at(sheet, ref)
        assert covered.spanned and covered.text == "" and covered.col == 0
    level2 = cell_at(sheet, "B4")
    assert (level2.text, level2.rowspan) == ("数量指标", 2)
    assert cell_at(sheet, "B5").spanned
    assert not cell_at(sheet, "B6").spanned and cell_at(sheet, "B6").text == "质量指标"


def test_rows_carry_spreadsheet_row_numbers_and_consistent_columns() -> None:
    [sheet] = read_bytes(workbook_bytes(simple_form()), "form.xlsx")
    assert [row.line for row in sheet.rows] == [1, 2, 3, 4, 5, 6]
    for row in sheet.rows:
        assert row.source_lines() == (row.line,)
        assert [c.col for c in row.cells] == [0, 1, 2, 3, 4]
        assert all(c.line == row.line for c in row.cells)
        assert [c.ref for c in row.cells] == [f"{col}{row.line}" for col in "ABCDE"]
    assert texts(sheet)[3] == ["产出指标", "数量指标", "指标一", "5", "4.5"]


def test_used_range_is_trimmed_but_refs_keep_real_coordinates() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C5"] = "项目名称"
    ws["D5"] = "平安办工作经费"
    ws["C9"] = "总分"
    ws["E9"] = 100
    [sheet] = read_bytes(workbook_bytes(wb), "offset.xlsx")
    assert [row.line for row in sheet.rows] == [5, 9]  # empty rows are dropped
    assert texts(sheet) == [["项目名称", "平安办工作经费", ""], ["总分", "", "100"]]
    assert cell_at(sheet, "E9").col == 2


def test_rows_covered_by_a_merged_cell_are_kept() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "年度总体目标"
    ws.merge_cells("A1:A3")
    ws["B1"] = "预期目标"
    [sheet] = read_bytes(workbook_bytes(wb), "tall.xlsx")
    assert [row.line for row in sheet.rows] == [1, 2, 3]
    assert cell_at(sheet, "A1").rowspan == 3
    assert cell_at(sheet, "A3").spanned


def test_numbers_print_as_on_paper() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 12690000.0
    ws["A1"].number_format = "#,##0.00"
    ws["B1"] = 0.5
    ws["C1"] = 1
    ws["C1"].number_format = "0.00%"
    ws["D1"] = 0.9887
    ws["D1"].number_format = "0%"
    ws["E1"] = 12814895.16
    ws["F1"] = 0.1 + 0.2
    ws["G1"] = -3
    ws["H1"] = dt.date(2023, 1, 1)
    ws["I1"] = True
    ws["J1"] = "  多余   空格 \n 换行 "
    [sheet] = read_bytes(workbook_bytes(wb), "numbers.xlsx")
    assert texts(sheet) == [
        [
            "12690000",
            "0.5",
            "100.00%",
            "99%",
            "12814895.16",
            "0.3",
            "-3",
            "2023-01-01",
            "TRUE",
            "多余 空格 换行",
        ]
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12690000.0, "12690000"),
        (0.5, "0.5"),
        (100.0, "100"),
        (-0.0, "0"),
        (1e20, "100000000000000000000"),
        (7, "7"),
    ],
)
def test_format_number(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_percent_formats() -> None:
    assert percent_decimals("0.00%") == 2
    assert percent_decimals("0%") == 0
    assert percent_decimals("#,##0.0%") == 1
    assert percent_decimals('"%"0.00') is None
    assert percent_decimals("General") is None
    assert format_value(1.0, "0.00%") == "100.00%"
    assert format_value(dt.datetime(2023, 12, 31, 8, 30), None) == "2023-12-31 08:30:00"
    assert format_value(dt.time(15, 1), None) == "15:01:00"


def test_formula_without_cached_value_is_reported_not_read_as_empty() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B1"] = "全年预算数"
    ws["B2"] = 10
    ws["B3"] = 20
    ws["D7"] = "=SUM(B2:B3)"  # openpyxl writes formulas without a cached value
    [sheet] = read_bytes(workbook_bytes(wb), "formula.xlsx")
    assert sheet.rejected == [(7, "=SUM(B2:B3)", "formula without cached value at D7")]
    assert all(cell.text == "" for row in sheet.rows for cell in row.cells if cell.ref == "D7")


def test_formula_with_cached_value_reads_the_cache() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 10
    ws["A2"] = "=A1*2"
    ws["A3"] = "=A1/10"
    ws["A3"].number_format = "0.00%"
    ws["A4"] = '=IF(A1>5,"达成","")'
    ws["A5"] = '=IF(A1>50,"x","")'
    data = workbook_bytes(wb)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet_xml = (
        sheet_xml.replace("<f>A1*2</f><v></v>", "<f>A1*2</f><v>20</v>")
        .replace("<f>A1/10</f><v></v>", "<f>A1/10</f><v>1</v>")
        .replace('<c r="A4"><f>', '<c r="A4" t="str"><f>')
        .replace('<v></v></c></row><row r="5">', '<v>达成</v></c></row><row r="5">')
        .replace('<c r="A5"><f>', '<c r="A5" t="str"><f>')  # cached empty string
    )
    data = rezip(data, {"xl/worksheets/sheet1.xml": sheet_xml.encode()})
    [sheet] = read_bytes(data, "cached.xlsx")
    assert texts(sheet) == [["10"], ["20"], ["100.00%"], ["达成"]]
    assert sheet.rejected == []


def test_every_worksheet_is_a_sheet() -> None:
    wb = simple_form()
    second = wb.create_sheet("第二张")
    second["A1"] = "项目名称"
    wb.create_sheet("空白")
    sheets = read_bytes(workbook_bytes(wb), "multi.xlsx")
    assert [s.name for s in sheets] == ["自评表", "第二张", "空白"]
    assert texts(sheets[1]) == [["项目名称"]]
    assert sheets[2].rows == []
    assert all(s.kind == "xlsx" and s.source == "multi.xlsx" for s in sheets)


def test_checkbox_glyphs_and_symbol_fonts() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "☑专项资金 □经常性项目 □一次性项目"
    ws["A2"] = "专项资金√ 经常性项目■ 一次性项目☐"
    ws["A3"] = "R"
    ws["A3"].font = Font(name="Wingdings 2")
    ws["A4"] = "£"
    ws["A4"].font = Font(name="Wingdings 2")
    ws["A5"] = "\u00b390%"
    ws["A5"].font = Font(name="Symbol")
    ws["A6"] = "R"  # an ordinary font: stays a letter
    [sheet] = read_bytes(workbook_bytes(wb), "boxes.xlsx")
    assert texts(sheet) == [
        ["☑专项资金 ☐经常性项目 ☐一次性项目"],
        ["专项资金☑ 经常性项目☑ 一次性项目☐"],
        ["☑"],
        ["☐"],
        ["≥90%"],
        ["R"],
    ]


def test_fast_read_gives_the_same_values_without_formats() -> None:
    data = workbook_bytes(simple_form())
    [slow] = read_xlsx(data, "f.xlsx")
    [fast] = read_xlsx(data, "f.xlsx", fast=True)
    assert texts(fast) == texts(slow)
    assert [(c.rowspan, c.colspan, c.spanned) for r in fast.rows for c in r.cells] == [
        (c.rowspan, c.colspan, c.spanned) for r in slow.rows for c in r.cells
    ]


def test_xls_is_read_with_calamine() -> None:
    data = xls_file(
        [
            (
                "表一",
                {(0, 0): "标题", (1, 0): "项目资金", (1, 1): 12690000.0, (2, 2): 0.5},
                [(0, 0, 0, 2)],
            ),
            ("表二", {(0, 0): "产出指标", (2, 1): "x"}, [(0, 0, 2, 0)]),
        ]
    )
    assert sniff(data, "a.xls") == "xls"
    first, second = read_bytes(data, "a.xls")
    assert (first.kind, first.name, second.name) == ("xls", "表一", "表二")
    assert texts(first) == [["标题", "", ""], ["项目资金", "12690000", ""], ["", "", "0.5"]]
    assert cell_at(first, "A1").colspan == 3
    assert cell_at(second, "A1").rowspan == 3
    assert cell_at(second, "A2").spanned and cell_at(second, "A3").spanned


# ---------------------------------------------------------------------------
# content sniffing and unreadable files


def test_reader_is_chosen_by_content_not_extension(tmp_path: Path) -> None:
    path = tmp_path / "really-a-workbook.txt"
    path.write_bytes(workbook_bytes(simple_form()))
    [sheet] = read_sheets(path)
    assert sheet.kind == "xlsx"
    text = tmp_path / "table.xlsx"
    text.write_text(
        "项目名称\t平安办工作经费\n主管部门\t淞南镇\n实施单位\t中心\n", encoding="utf-8"
    )
    [sheet] = read_sheets(text)
    assert sheet.kind == "tsv"


def test_broken_zip_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(workbook_bytes(simple_form())[:600])
    with pytest.raises(UnreadableFileError, match="broken zip") as err:
        read_sheets(path)
    assert str(path) in str(err.value)


def test_zip_bomb_ratio_is_refused() -> None:
    bomb = rezip(
        workbook_bytes(simple_form()), {"xl/media/padding.xml": b"<a>" + b" " * 8_000_000 + b"</a>"}
    )
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read_bytes(bomb, "bomb.xlsx")


def test_zip_total_size_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    import jixiao.readers as readers

    monkeypatch.setattr(readers, "MAX_UNCOMPRESSED_BYTES", 2_000)
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read_bytes(workbook_bytes(simple_form()), "big.xlsx")


def test_huge_used_range_is_refused_before_loading() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "x"
    ws["XFD1048576"] = "far away"
    with pytest.raises(UnreadableFileError, match="too large"):
        read_bytes(workbook_bytes(wb), "huge.xlsx")


def test_huge_merged_range_is_refused() -> None:
    data = workbook_bytes(simple_form())
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet_xml = sheet_xml.replace('<mergeCell ref="A1:E1"/>', '<mergeCell ref="A1:XFD1048576"/>')
    with pytest.raises(UnreadableFileError, match="too large"):
        read_bytes(rezip(data, {"xl/worksheets/sheet1.xml": sheet_xml.encode()}), "merge.xlsx")


def test_sheet_cell_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_reader, "MAX_SHEET_CELLS", 20)
    with pytest.raises(
        UnreadableFileError,
        match=r"worksheet '自评表' too large \(\d+ rows × \d+ columns; limit 20 cells\)",
    ):
        read_bytes(workbook_bytes(simple_form()), "limit.xlsx")
    monkeypatch.setattr(xlsx_reader, "MAX_SHEET_CELLS", 30)
    assert read_bytes(workbook_bytes(simple_form()), "limit.xlsx")


def test_encrypted_ooxml_is_reported_as_encrypted() -> None:
    data = ole2_file(
        {"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 60, "EncryptedPackage": b"\x00" * 600}
    )
    with pytest.raises(UnreadableFileError, match="加密文件/encrypted"):
        read_bytes(data, "locked.xlsx")


def test_corrupt_xls_is_unreadable_not_a_crash() -> None:
    with pytest.raises(UnreadableFileError, match=r"corrupt Excel 97-2003 workbook"):
        read_bytes(ole2_file({"Workbook": b"\x09\x08\x10\x00" + b"\xff" * 100}), "bad.xls")
    with pytest.raises(UnreadableFileError):
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "tiny.xls")


def test_xls_sheet_limits_and_allocation_bombs() -> None:
    big = xls_file([("s", {(0, 0): "a", (60000, 200): "far"}, [])])
    with pytest.raises(
        UnreadableFileError, match=r"worksheet 's' too large \(60001 rows × 201 columns"
    ):
        read_bytes(big, "big.xls")
    # cell coordinates calamine would size a 4-billion-cell grid for: the child
    # process running calamine dies at its memory ceiling, the caller gets an error
    bomb = xls_file([("s", {(0, 0): "a", (65535, 65000): "far"}, [])])
    with pytest.raises(UnreadableFileError, match="corrupt Excel 97-2003 workbook"):
        read_bytes(bomb, "bomb.xls")


def test_dtd_in_xml_is_refused() -> None:
    data = workbook_bytes(simple_form())
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + sheet_xml
    with pytest.raises(UnreadableFileError, match="unsafe XML"):
        read_bytes(rezip(data, {"xl/worksheets/sheet1.xml": evil}), "dtd.xlsx")


def test_other_zip_archives_are_refused_clearly() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(UnreadableFileError, match="not an Excel"):
        read_bytes(out.getvalue(), "archive.zip")


def test_mangled_workbooks_never_raise_anything_but_unreadable() -> None:
    """Broken XML, truncated members and flipped bytes: a result or a clear error."""
    base = workbook_bytes(simple_form())
    members = [n for n in zipfile.ZipFile(io.BytesIO(base)).namelist() if n.endswith(".xml")]
    rng = random.Random(20240501)
    for _ in range(60):
        if rng.random() < 0.2:
            data = bytearray(base)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            mangled = bytes(data)
        else:
            name = rng.choice(members)
            content = zipfile.ZipFile(io.BytesIO(base)).read(name)
            cut = rng.randrange(len(content))
            if rng.random() < 0.5:
                content = content[:cut]
            else:
                content = (
                    content[:cut] + bytes(rng.randrange(256) for _ in range(5)) + content[cut:]
                )
            mangled = rezip(base, {name: content})
        try:
            sheets = read_bytes(mangled, "mangled.xlsx")
        except UnreadableFileError as exc:
            assert "mangled.xlsx" in str(exc)
        else:
            assert all(isinstance(s, Sheet) for s in sheets)


# ---------------------------------------------------------------------------
# end to end: gold records rendered as workbooks read back into the same records


@pytest.mark.parametrize(("gold_path", "index"), gold_cases())
def test_gold_record_rendered_as_xlsx_reads_back(
    gold_path: Path, index: int, tmp_path: Path
) -> None:
    record = gold_records(gold_path)[index]
    path = gold_to_xlsx(record, tmp_path / f"{gold_path.stem}-{index}.xlsx")
    assert_reads_as_gold(path, [record])


@pytest.mark.parametrize("gold_path", gold_file_cases())
def test_gold_file_as_multi_sheet_workbook(gold_path: Path, tmp_path: Path) -> None:
    records = gold_records(gold_path)
    # one worksheet per record, each form starting at B2 (an empty first row and column)
    path = gold_to_xlsx(records, tmp_path / f"{gold_path.stem}.xlsx", origin=(2, 2))
    assert len(read_sheets(path)) == len(records)
    assert_reads_as_gold(path, records)


@pytest.mark.parametrize("gold_path", gold_file_cases())
def test_gold_file_as_xls(gold_path: Path, tmp_path: Path) -> None:
    records = gold_records(gold_path)
    path = gold_to_xls(records, tmp_path / f"{gold_path.stem}.xls")
    assert_reads_as_gold(path, records)
