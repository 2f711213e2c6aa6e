"""The Word reader: table XML with merges, paragraphs in order, checkboxes, limits."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest

from jixiao.errors import UnreadableFileError
from jixiao.models import Cell, Sheet
from jixiao.readers import docx as docx_reader
from jixiao.readers import read_bytes, read_sheets, sniff

from render_office import (
    assert_reads_as_gold,
    gold_cases,
    gold_file_cases,
    gold_records,
    gold_to_docx,
    ole2_file,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx_bytes(body: str, document: str | None = None) -> bytes:
    """A minimal .docx whose body is ``body`` (WordprocessingML, prefix ``w:``)."""
    xml = document or (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}" xmlns:w14="{W14_NS}"><w:body>{body}</w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", PACKAGE_RELS)
        zf.writestr("word/document.xml", xml)
    return out.getvalue()


def p(text: str = "", extra: str = "") -> str:
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p>{extra}{run}</w:p>"


def tc(text: str = "", span: int = 1, vmerge: str | None = None, extra: str = "") -> str:
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    props += extra
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text)}</w:tc>"


def tbl(*rows: str, cols: int) -> str:
    grid = "".join('<w:gridCol w:w="1000"/>' for _ in range(cols))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def tr(*cells: str, props: str = "") -> str:
    return f"<w:tr><w:trPr>{props}</w:trPr>{''.join(cells)}</w:tr>"


def read_one(body: str) -> Sheet:
    [sheet] = read_bytes(docx_bytes(body), "test.docx")
    return sheet


def texts(sheet: Sheet) -> list[list[str]]:
    return [row.texts() for row in sheet.rows]


def cell(sheet: Sheet, row: int, col: int) -> Cell:
    return sheet.rows[row].cells[col]


# ---------------------------------------------------------------------------
# grid


FORM = (
    p("财政项目支出绩效自评表")
    + p()
    + p("(2023年度)")
    + tbl(
        tr(tc("项目名称"), tc("平安办工作经费", span=3)),
        tr(tc("一级指标"), tc("二级指标"), tc("三级指标"), tc("分值")),
        tr(
            tc("产出指标", vmerge="restart"),
            tc("数量指标", vmerge="restart"),
            tc("指标一"),
            tc("5"),
        ),
        tr(tc(vmerge="continue"), tc(vmerge="continue"), tc("指标二"), tc("4")),
        tr(tc(vmerge="continue"), tc("质量指标"), tc("指标三"), tc("3")),
        tr(tc("总分", span=3), tc("12")),
        cols=4,
    )
    + p("填报说明")
)


def test_paragraphs_and_table_rows_in_document_order() -> None:
    sheet = read_one(FORM)
    assert sheet.kind == "docx" and sheet.source == "test.docx"
    assert texts(sheet) == [
        ["财政项目支出绩效自评表"],
        ["(2023年度)"],
        ["项目名称", "平安办工作经费", "", ""],
        ["一级指标", "二级指标", "三级指标", "分值"],
        ["产出指标", "数量指标", "指标一", "5"],
        ["", "", "指标二", "4"],
        ["", "质量指标", "指标三", "3"],
        ["总分", "", "", "12"],
        ["填报说明"],
    ]
    # a running row counter: the empty paragraph gives no row
    assert [row.line for row in sheet.rows] == list(range(1, 10))
    assert all(c.line == row.line for row in sheet.rows for c in row.cells)


def test_grid_span_and_vertical_merge() -> None:
    sheet = read_one(FORM)
    project = cell(sheet, 2, 1)
    assert (project.col, project.colspan, project.rowspan) == (1, 3, 1)
    assert [c.spanned for c in sheet.rows[2].cells] == [False, False, True, True]
    level1 = cell(sheet, 4, 0)
    assert (level1.text, level1.rowspan, level1.colspan) == ("产出指标", 3, 1)
    assert cell(sheet, 5, 0).spanned and cell(sheet, 6, 0).spanned
    level2 = cell(sheet, 4, 1)
    assert (level2.text, level2.rowspan) == ("数量指标", 2)
    assert cell(sheet, 5, 1).spanned
    assert not cell(sheet, 6, 1).spanned
    total = cell(sheet, 7, 0)
    assert (total.text, total.colspan) == ("总分", 3)
    assert [c.col for row in sheet.rows[2:8] for c in row.cells] == [0, 1, 2, 3] * 6


def test_refs_name_table_row_and_column() -> None:
    sheet = read_one(FORM)
    assert cell(sheet, 2, 0).ref == "table 1 row 1 col 1"
    assert cell(sheet, 6, 2).ref == "table 1 row 5 col 3"
    assert sheet.rows[0].cells[0].ref == "paragraph 1"
    assert sheet.rows[8].cells[0].ref == "paragraph 4"


def test_several_tables_and_page_breaks() -> None:
    body = (
        p("表一")
        + tbl(tr(tc("a"), tc("b")), cols=2)
        + '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
        + p("表二")
        + tbl(tr(tc("c", span=2)), cols=2)
    )
    sheet = read_one(body)
    assert texts(sheet) == [["表一"], ["a", "b"], ["表二"], ["c", ""]]
    assert [row.page for row in sheet.rows] == [1, 1, 2, 2]
    assert sheet.rows[3].cells[0].ref == "table 2 row 1 col 1"


def test_legacy_hmerge_and_grid_before_after() -> None:
    body = tbl(
        tr(
            tc("合并", extra='<w:hMerge w:val="restart"/>'),
            tc("", extra='<w:hMerge w:val="continue"/>'),
            tc("c"),
        ),
        tr(tc("x"), props='<w:gridBefore w:val="2"/>'),
        tr(tc("y"), props='<w:gridAfter w:val="2"/>'),
        cols=3,
    )
    sheet = read_one(body)
    assert texts(sheet) == [["合并", "", "c"], ["", "", "x"], ["y", "", ""]]
    assert cell(sheet, 0, 0).colspan == 2 and cell(sheet, 0, 1).spanned
    assert cell(sheet, 1, 2).col == 2 and not cell(sheet, 1, 0).spanned


def test_cell_paragraphs_nested_tables_and_content_controls() -> None:
    nested = tbl(tr(tc("内"), tc("表")), cols=2)
    body = tbl(
        tr(
            f"<w:tc>{p('第一段')}{p('第二段')}</w:tc>",
            f"<w:tc>{nested}{p()}</w:tc>",
        ),
        f"<w:sdt><w:sdtPr/><w:sdtContent>{tr(tc('控件'), tc('行'))}</w:sdtContent></w:sdt>",
        cols=2,
    )
    sheet = read_one(f"<w:sdt><w:sdtContent>{body}</w:sdtContent></w:sdt>")
    assert texts(sheet) == [["第一段 第二段", "内 表"], ["控件", "行"]]


def test_run_text_rules() -> None:
    body = (
        "<w:p>"
        "<w:r><w:t>保留</w:t></w:r>"
        "<w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>插入</w:t></w:r></w:ins>"
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText> PAGE </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:tab/><w:t>后</w:t><w:br/><w:t>行</w:t></w:r>"
        "</w:p>"
    )
    assert texts(read_one(body)) == [["保留插入1 后 行"]]


def test_checkbox_glyphs() -> None:
    checkbox = (
        '<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="{v}"/></w14:checkbox></w:sdtPr>'
        "<w:sdtContent><w:r><w:t>{g}</w:t></w:r></w:sdtContent></w:sdt>"
    )
    wingdings = '<w:r><w:sym w:font="Wingdings 2" w:char="{c}"/></w:r>'
    font_run = '<w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>{t}</w:t></w:r>'
    form_box = (
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/>'
        '<w:default w:val="{d}"/></w:checkBox></w:ffData></w:fldChar></w:r>'
        "<w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )

    def run(text: str) -> str:
        return f"<w:r><w:t>{text}</w:t></w:r>"

    body = (
        p("☑专项资金 □经常性项目 √一次性项目")
        + "<w:p>"
        + run("专项资金")
        + checkbox.format(v="1", g="☒")
        + run("经常性项目")
        + checkbox.format(v="0", g="☐")
        + "</w:p>"
        + "<w:p>"
        + wingdings.format(c="F052")
        + run("专项资金")
        + wingdings.format(c="F0A3")
        + run("经常性项目")
        + "</w:p>"
        + "<w:p>"
        + font_run.format(t="þ")
        + run("专项资金")
        + font_run.format(t="¨")
        + run("经常性项目")
        + "</w:p>"
        + "<w:p>"
        + form_box.format(d="1")
        + run("专项资金")
        + form_box.format(d="0")
        + run("经常性项目")
        + "</w:p>"
    )
    assert texts(read_one(body)) == [
        ["☑专项资金 ☐经常性项目 ☑一次性项目"],
        ["专项资金☑经常性项目☐"],
        ["☑专项资金☐经常性项目"],
        ["☑专项资金☐经常性项目"],
        ["☑专项资金☐经常性项目"],
    ]


def test_symbol_font_operators() -> None:
    body = (
        "<w:p>"
        '<w:r><w:sym w:font="Symbol" w:char="F0B3"/></w:r><w:r><w:t>90%</w:t></w:r>'
        "</w:p><w:p>"
        '<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr><w:t>\u00a3</w:t></w:r>'
        "<w:r><w:t>5个</w:t></w:r>"
        "</w:p>"
    )
    assert texts(read_one(body)) == [["≥90%"], ["≤5个"]]


def test_python_docx_merges_are_read() -> None:
    document = docx.Document()
    document.add_paragraph("标题")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(2, 0)).text = "产出指标"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "横向合并"
    table.cell(1, 1).text = "b"
    out = io.BytesIO()
    document.save(out)
    [sheet] = read_bytes(out.getvalue(), "made.docx")
    assert texts(sheet) == [["标题"], ["产出指标", "横向合并", ""], ["", "b", ""], ["", "", ""]]
    assert cell(sheet, 1, 0).rowspan == 3 and cell(sheet, 1, 1).colspan == 2
    assert cell(sheet, 2, 0).spanned and cell(sheet, 3, 0).spanned


# ---------------------------------------------------------------------------
# content sniffing and unreadable files


def test_reader_is_chosen_by_content_not_extension(tmp_path: Path) -> None:
    path = tmp_path / "actually-word.xlsx"
    path.write_bytes(docx_bytes(FORM))
    [sheet] = read_sheets(path)
    assert sheet.kind == "docx"
    assert sniff(docx_bytes(FORM), "x.bin") == "docx"


def test_truncated_docx_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes(docx_bytes(FORM)[:300])
    with pytest.raises(UnreadableFileError, match="broken zip") as err:
        read_sheets(path)
    assert str(path) in str(err.value)


def test_docx_zip_bomb_is_refused() -> None:
    body = p("x" * 5_000_000)
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read_bytes(docx_bytes(body), "bomb.docx")


def test_encrypted_docx_and_legacy_doc() -> None:
    locked = ole2_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 100})
    with pytest.raises(UnreadableFileError, match="加密文件/encrypted"):
        read_bytes(locked, "locked.docx")
    legacy = ole2_file({"WordDocument": b"\xec\xa5" + b"\x00" * 100, "1Table": b"\x00" * 10})
    with pytest.raises(UnreadableFileError, match=r"legacy Word 97-2003 document \(\.doc\)"):
        read_bytes(legacy, "old.doc")


def test_dtd_in_document_is_refused() -> None:
    evil = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{p("&b;")}</w:body></w:document>'
    )
    with pytest.raises(UnreadableFileError, match="unsafe XML"):
        read_bytes(docx_bytes("", document=evil), "dtd.docx")


def test_broken_document_xml() -> None:
    broken = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>未闭合'
    with pytest.raises(UnreadableFileError, match="corrupt Word document"):
        read_bytes(docx_bytes("", document=broken), "broken.docx")


def test_table_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnreadableFileError, match="too wide"):
        read_one(tbl(tr(tc("x", span=100_000)), cols=1))
    monkeypatch.setattr(docx_reader, "MAX_TABLE_CELLS", 10)
    with pytest.raises(UnreadableFileError, match="table 1 too large"):
        read_one(tbl(*[tr(tc("a"), tc("b"), tc("c")) for _ in range(5)], cols=3))
    monkeypatch.setattr(docx_reader, "MAX_DOCUMENT_ROWS", 3)
    with pytest.raises(UnreadableFileError, match="document too large"):
        read_one(p("1") + p("2") + p("3") + p("4"))


def test_mangled_documents_never_raise_anything_but_unreadable() -> None:
    base = docx_bytes(FORM)
    xml = zipfile.ZipFile(io.BytesIO(base)).read("word/document.xml")
    rng = random.Random(20240502)
    for _ in range(60):
        if rng.random() < 0.2:
            data = bytearray(base)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            mangled = bytes(data)
        else:
            cut = rng.randrange(len(xml))
            noise = bytes(rng.randrange(256) for _ in range(rng.randint(0, 6)))
            document = (xml[:cut] + noise + xml[cut + rng.randint(0, 20) :]).decode(
                "utf-8", "replace"
            )
            mangled = docx_bytes("", document=document)
        try:
            sheets = read_bytes(mangled, "mangled.docx")
        except UnreadableFileError as exc:
            assert "mangled.docx" in str(exc)
        else:
            assert all(isinstance(s, Sheet) for s in sheets)


# ---------------------------------------------------------------------------
# end to end: gold records rendered as Word documents read back into the same records


@pytest.mark.parametrize(("gold_path", "index"), gold_cases())
def test_gold_record_rendered_as_docx_reads_back(
    gold_path: Path, index: int, tmp_path: Path
) -> None:
    record = gold_records(gold_path)[index]
    path = gold_to_docx(record, tmp_path / f"{gold_path.stem}-{index}.docx")
    assert_reads_as_gold(path, [record])


@pytest.mark.parametrize("gold_path", gold_file_cases())
def test_gold_file_as_one_document(gold_path: Path, tmp_path: Path) -> None:
    records = gold_records(gold_path)
    path = gold_to_docx(records, tmp_path / f"{gold_path.stem}.docx")
    assert_reads_as_gold(path, records)
