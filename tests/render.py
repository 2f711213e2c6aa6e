"""Print canonical records the way the official forms lay them out (a test helper).

``render(record, fmt)`` gives one table as extracted text in ``fmt`` — ``tsv``,
``markdown``, ``html``, ``cells`` or ``layout`` — following the layouts of
the seed files for the three forms:

* ``project_self_evaluation`` — 9 columns: 项目名称 / 主管部门·实施单位, the
  money block ``项目资金 (元)`` with 年初预算数 全年预算数 全年执行数 分值 执行率
  得分 (``其中：`` before the second item, ``—`` for a missing 分值 below the
  first row), the goals (年度总体目标 | 预期目标 | 实际完成情况), the indicators
  under a ``绩效指标`` label and the 总分 row;
* ``project_target`` — 5 columns: 项目名称 / 项目类别 (☑/☐), 主管部门 / 实施单位,
  计划开始日期 / 计划完成日期, two label/value pairs of money, 项目总目标 /
  年度总体目标, and the indicators with 年度指标值;
* ``department_self_evaluation`` — 9 columns: 单位名称, 整体支出规模（元） with
  资金来源 and 资金结构 rows, 年初设定目标 / 全年完成情况, 分解目标自评, and
  the indicators with the 一级 weight beside each 一级 label.

Merged cells are real spans in ``html`` (``rowspan``/``colspan``) and appear
once, at their top-left position, in the other forms (empty cells below and
to the right; ``|`` lines in ``cells``). 一级/二级 labels are printed on the
first row of their run only. ``layout`` imitates ``pdftotext -layout``: text
left-aligned at column starts, numbers right-aligned in one-column cells,
long texts wrapped under their row, titles centred. Output is deterministic.

``render_many(records, fmt)`` joins tables with a page break and a short
narrative (``附件2：`` …) between them. ``expected_rows(record)`` gives the
printed grid as lists of cell texts (one-item lists for the title lines).
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jixiao.readers.layout import display_width

FORMATS = ("tsv", "markdown", "html", "cells", "layout")
KINDS = ("专项资金", "经常性项目", "一次性项目")
CHECKED, UNCHECKED = "☑", "☐"

_GAP = 2  # spaces between layout columns
_INDENT = 2  # left margin of layout pages
_WRAP = 24  # display width at which long one-column texts wrap in layout
_MIN_SPAN = 24  # narrowest spanning text cell in layout


@dataclass
class G:
    """One printed cell of the form."""

    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    wrap: bool = False  # layout: a long text that wraps inside its column(s)
    right: bool = False  # layout: right-aligned (numbers)
    markup: str | None = None  # html: inner markup instead of the escaped text


@dataclass
class Para:
    text: str
    kind: str  # "title", "year" or "text"


@dataclass
class Grid:
    ncols: int
    rows: list[list[tuple[int, G]]]  # per row: (column, cell) of the cells starting there

    def matrix(self) -> list[list[tuple[G, bool] | None]]:
        """Every position: (cell covering it, is it the origin), or None."""
        out: list[list[tuple[G, bool] | None]] = [[None] * self.ncols for _ in self.rows]
        for r, row in enumerate(self.rows):
            for c, g in row:
                for rr in range(r, min(r + g.rowspan, len(self.rows))):
                    for cc in range(c, c + g.colspan):
                        out[rr][cc] = (g, rr == r and cc == c)
        return out

    def texts(self) -> list[list[str]]:
        return [[p[0].text if p and p[1] else "" for p in row] for row in self.matrix()]


@dataclass
class Break:
    """A page break between tables (render_many)."""

    number: int


Block = Para | Grid | Break


class _Builder:
    """Places cells left to right, skipping positions covered from rows above."""

    def __init__(self, ncols: int) -> None:
        self.ncols = ncols
        self.rows: list[list[tuple[int, G]]] = []
        self.covered: dict[int, set[int]] = {}

    def row(self, *cells: G) -> None:
        r = len(self.rows)
        covered = self.covered.get(r, set())
        placed: list[tuple[int, G]] = []
        col = 0
        for g in cells:
            while col in covered:
                col += 1
            placed.append((col, g))
            for rr in range(r + 1, r + g.rowspan):
                self.covered.setdefault(rr, set()).update(range(col, col + g.colspan))
            col += g.colspan
        while col in covered:
            col += 1
        if col != self.ncols:
            raise ValueError(f"row {r} fills {col} of {self.ncols} columns")
        self.rows.append(placed)

    def grid(self) -> Grid:
        return Grid(self.ncols, self.rows)


# ---------------------------------------------------------------------------
# Printing values as the forms do.


def _s(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _num(value: float | None, fixed: bool = False) -> str:
    """Weights and scores: ``5``, ``4.9`` (project forms) or ``0.50`` (department)."""
    if value is None:
        return ""
    if fixed:
        return f"{value:.2f}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _money(value: float | None, unit: str) -> str:
    """``12,690,000.00``; 万元 keeps up to four decimals (``3.50``, ``1.2345``)."""
    if value is None:
        return ""
    if unit == "万元":
        text = f"{value:,.4f}"
        while text.endswith("0") and len(text.split(".")[1]) > 2:
            text = text[:-1]
        return text
    return f"{value:,.2f}"


def _date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def _n(text: str) -> G:
    return G(text, right=True)


def _runs(values: list[Any]) -> list[int]:
    """Length of the run starting at each index (0 inside a run)."""
    out = [0] * len(values)
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        out[i] = j - i + 1
        i = j + 1
    return out


def _label_spans(indicators: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """Rowspans of the 一级 and 二级 labels (0 where a label is not printed)."""
    l1 = _runs([ind.get("level1") for ind in indicators])
    l2 = [0] * len(indicators)
    for i, n in enumerate(l1):
        if n:
            l2[i : i + n] = _runs([ind.get("level2") for ind in indicators[i : i + n]])
    return l1, l2


def _kinds(kind: str | None) -> tuple[str, str]:
    text = " ".join(f"{k} {CHECKED if k == kind else UNCHECKED}" for k in KINDS)
    markup = " ".join(
        f'{k} <input type="checkbox"{" checked" if k == kind else ""}>' for k in KINDS
    )
    return text, markup


# ---------------------------------------------------------------------------
# The three forms.


def _self_evaluation(rec: dict[str, Any]) -> list[Block]:
    unit = rec.get("money_unit") or "元"
    b = _Builder(9)
    if rec.get("project_kind"):
        text, markup = _kinds(rec["project_kind"])
        b.row(
            G("项目名称"),
            G(_s(rec.get("project")), colspan=3, wrap=True),
            G("项目类别"),
            G(text, colspan=4, markup=markup),
        )
    else:
        b.row(G("项目名称"), G(_s(rec.get("project")), colspan=8, wrap=True))
    b.row(
        G("主管部门"),
        G(_s(rec.get("department")), colspan=3, wrap=True),
        G("实施单位"),
        G(_s(rec.get("unit_name")), colspan=4, wrap=True),
    )
    if rec.get("period"):
        start, end = rec["period"]
        b.row(
            G("计划开始日期"),
            G(_date(start), colspan=3),
            G("计划完成日期"),
            G(_date(end), colspan=4),
        )
    funds = rec.get("funds") or []
    b.row(
        G(f"项目资金 ({unit})", rowspan=len(funds) + 1),
        G(),
        G("年初预算数"),
        G("全年预算数"),
        G("全年执行数"),
        G("分值"),
        G("执行率"),
        G("得分"),
        G(),
    )
    for i, f in enumerate(funds):
        item = f"其中：{f['item']}" if i == 1 else f["item"]
        weight = _num(f.get("weight")) or ("—" if i else "")
        rate = "" if f.get("rate") is None else f"{f['rate']:.2f}%"
        b.row(
            G(item),
            _n(_money(f.get("initial_budget"), unit)),
            _n(_money(f.get("budget"), unit)),
            _n(_money(f.get("executed"), unit)),
            _n(weight),
            _n(rate),
            _n(_num(f.get("score"))),
            G(),
        )
    goals = rec.get("goals") or {}
    b.row(G("年度总体目标", rowspan=2), G("预期目标", colspan=3), G("实际完成情况", colspan=5))
    b.row(
        G(_s(goals.get("annual")), colspan=3, wrap=True),
        G(_s(goals.get("achieved")), colspan=5, wrap=True),
    )
    inds = rec.get("indicators") or []
    b.row(
        G("绩效指标", rowspan=len(inds) + 1),
        G("一级指标"),
        G("二级指标"),
        G("三级指标"),
        G("年度指标值"),
        G("实际完成值"),
        G("分值"),
        G("得分"),
        G("偏差原因分析及改进措施"),
    )
    l1, l2 = _label_spans(inds)
    for i, ind in enumerate(inds):
        cells = []
        if l1[i]:
            cells.append(G(_s(ind.get("level1")), rowspan=l1[i]))
        if l2[i]:
            cells.append(G(_s(ind.get("level2")), rowspan=l2[i]))
        cells += [
            G(_s(ind.get("name")), wrap=True),
            G(_s(ind.get("target")), wrap=True),
            G(_s(ind.get("actual")), wrap=True),
            _n(_num(ind.get("weight"))),
            _n(_num(ind.get("score"))),
            G(_s(ind.get("deviation")), wrap=True),
        ]
        b.row(*cells)
    total = rec.get("total")
    if total:
        b.row(
            G("总分", colspan=6), _n(_num(total.get("weight"))), _n(_num(total.get("score"))), G()
        )
    title = _s(rec.get("title")) or "财政项目支出绩效自评表"
    return [Para(title, "title"), Para(f"({rec.get('year')}年度)", "year"), b.grid()]


_TARGET_LEFT = ("项目资金总额", "财政资金", "其他资金")
_TARGET_RIGHT = ("年度资金申请总额", "当年财政拨款", "上年结转资金")


def _target(rec: dict[str, Any]) -> list[Block]:
    unit = rec.get("money_unit") or "万元"
    b = _Builder(5)
    text, markup = _kinds(rec.get("project_kind"))
    b.row(
        G("项目名称"),
        G(_s(rec.get("project")), wrap=True),
        G("项目类别"),
        G(text, colspan=2, markup=markup),
    )
    b.row(
        G("主管部门"),
        G(_s(rec.get("department")), wrap=True),
        G("实施单位"),
        G(_s(rec.get("unit_name")), colspan=2, wrap=True),
    )
    period = rec.get("period")
    if period:
        b.row(
            G("计划开始日期"),
            G(_date(period[0])),
            G("计划完成日期"),
            G(_date(period[1]), colspan=2),
        )
    funds = rec.get("funds") or []
    label = f"项目资金 ({unit})"
    if funds and all(f["item"] in _TARGET_LEFT + _TARGET_RIGHT for f in funds):
        left = [f for f in funds if f["item"] in _TARGET_LEFT]
        right = [f for f in funds if f["item"] in _TARGET_RIGHT]
        n = max(len(left), len(right))
        for i in range(n):
            cells = [G(label, rowspan=n)] if i == 0 else []
            for side in (left, right):
                if i < len(side):
                    item = side[i]["item"]
                    item = f"其中：{item}" if item in ("财政资金", "当年财政拨款") else item
                    cells += [G(item), _n(_money(side[i].get("budget"), unit))]
                else:
                    cells += [G(), G()]
            b.row(*cells)
    else:
        for i, f in enumerate(funds):
            cells = [G(label, rowspan=len(funds))] if i == 0 else []
            b.row(*cells, G(f["item"]), _n(_money(f.get("budget"), unit)), G(), G())
    goals = rec.get("goals") or {}
    years = [p[:4] for p in period] if period else [str(rec.get("year"))] * 2
    b.row(
        G("项目绩效目标", rowspan=2),
        G(f"项目总目标 ({years[0]}年-{years[1]}年)", colspan=2),
        G("年度总体目标", colspan=2),
    )
    b.row(
        G(_s(goals.get("overall")), colspan=2, wrap=True),
        G(_s(goals.get("annual")), colspan=2, wrap=True),
    )
    inds = rec.get("indicators") or []
    b.row(
        G("绩效指标", rowspan=len(inds) + 1),
        G("一级指标"),
        G("二级指标"),
        G("三级指标"),
        G("年度指标值"),
    )
    l1, l2 = _label_spans(inds)
    for i, ind in enumerate(inds):
        cells = []
        if l1[i]:
            cells.append(G(_s(ind.get("level1")), rowspan=l1[i]))
        if l2[i]:
            cells.append(G(_s(ind.get("level2")), rowspan=l2[i]))
        b.row(*cells, G(_s(ind.get("name")), wrap=True), G(_s(ind.get("target"))))
    title = _s(rec.get("title")) or "财政项目支出绩效目标表"
    return [Para(title, "title"), Para(f"({rec.get('year')}年度)", "year"), b.grid()]


def _department(rec: dict[str, Any]) -> list[Block]:
    unit = rec.get("money_unit") or "元"
    b = _Builder(9)
    b.row(G("单位名称", colspan=2), G(_s(rec.get("unit_name")), colspan=7, wrap=True))
    if rec.get("department"):
        b.row(G("主管部门", colspan=2), G(_s(rec["department"]), colspan=7, wrap=True))
    funds = rec.get("funds") or []
    b.row(
        G(f"整体支出规模（{unit}）", rowspan=len(funds) + 1, colspan=2),
        G(),
        G("全年预算数", colspan=2),
        G("全年执行数", colspan=2),
        G("执行率(%)", colspan=2),
    )
    seen: dict[Any, int] = {}
    for f in funds:
        group = f.get("group")
        seen[group] = seen.get(group, 0) + 1
        k = seen[group]
        item = f["item"] if group is None else f"（{k}）{f['item']}"
        if group is not None and k == 1:
            item = f"{group}：{item}"
        rate = "" if f.get("rate") is None else f"{f['rate']:.2f}"
        b.row(
            G(item),
            G(_money(f.get("budget"), unit), colspan=2),
            G(_money(f.get("executed"), unit), colspan=2),
            G(rate, colspan=2),
        )
    goals = rec.get("goals") or {}
    b.row(G("年度总体目标", rowspan=2), G("年初设定目标", colspan=4), G("全年完成情况", colspan=4))
    b.row(
        G(_s(goals.get("annual")), colspan=4, wrap=True),
        G(_s(goals.get("achieved")), colspan=4, wrap=True),
    )
    b.row(G("分解目标自评", colspan=9))
    b.row(
        G("一级指标"),
        G("权重"),
        G("二级指标"),
        G("三级指标"),
        G("年度指标值"),
        G("全年完成值"),
        G("分值"),
        G("得分"),
        G("偏差及原因分析"),
    )
    inds = rec.get("indicators") or []
    weights = rec.get("level1_weights") or {}
    l1, l2 = _label_spans(inds)
    notes = _runs([ind.get("note") for ind in inds])
    for i, ind in enumerate(inds):
        cells = []
        if l1[i]:
            level1 = _s(ind.get("level1"))
            cells += [G(level1, rowspan=l1[i]), G(_num(weights.get(level1)), rowspan=l1[i])]
        if l2[i]:
            cells.append(G(_s(ind.get("level2")), rowspan=l2[i]))
        if ind.get("note"):
            if notes[i]:
                cells.append(G(_s(ind["note"]), rowspan=notes[i], wrap=True))
        else:
            cells.append(G(_s(ind.get("name")), wrap=True))
        cells += [
            G(_s(ind.get("target")), wrap=True),
            G(_s(ind.get("actual")), wrap=True),
            _n(_num(ind.get("weight"), fixed=True)),
            _n(_num(ind.get("score"), fixed=True)),
            G(_s(ind.get("deviation")), wrap=True),
        ]
        b.row(*cells)
    total = rec.get("total")
    if total:
        b.row(
            G("总分", colspan=6),
            _n(_num(total.get("weight"), fixed=True)),
            _n(_num(total.get("score"), fixed=True)),
            G(),
        )
    title = _s(rec.get("title")) or "部门（单位）整体支出绩效自评表"
    return [Para(f"《{title}》", "title"), Para(f"（{rec.get('year')}年度）", "year"), b.grid()]


def blocks(record: dict[str, Any]) -> list[Block]:
    form = record.get("form")
    if form == "project_target":
        return _target(record)
    if form == "department_self_evaluation":
        return _department(record)
    if form == "project_self_evaluation":
        return _self_evaluation(record)
    raise ValueError(f"unknown form {form!r}")


def _many(records: Iterable[dict[str, Any]]) -> list[Block]:
    out: list[Block] = []
    for i, rec in enumerate(records):
        if i:
            name = rec.get("project") or rec.get("unit_name") or ""
            out += [
                Break(i + 1),
                Para(f"附件{i + 1}：", "text"),
                Para(f"{rec.get('year')}年度{name}绩效情况如下。", "text"),
            ]
        out += blocks(rec)
    return out


# ---------------------------------------------------------------------------
# Serialisers.


def _tsv(parts: list[Block]) -> str:
    lines: list[str] = []
    for part in parts:
        if isinstance(part, Break):
            lines.append("")
        elif isinstance(part, Para):
            lines.append(part.text)
        else:
            lines += ["\t".join(row) for row in part.texts()]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown(parts: list[Block]) -> str:
    chunks: list[str] = []
    for part in parts:
        if isinstance(part, Break):
            chunks.append("---")
        elif isinstance(part, Para):
            chunks.append(f"# {part.text}" if part.kind == "title" else part.text)
        else:
            rows = part.texts()
            lines = ["| " + " | ".join(_md_cell(t) for t in rows[0]) + " |"]
            lines.append("|" + "---|" * part.ncols)
            lines += ["| " + " | ".join(_md_cell(t) for t in row) + " |" for row in rows[1:]]
            chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + "\n"


def _html_doc(parts: list[Block]) -> str:
    out = ["<!DOCTYPE html>", "<html>", '<head><meta charset="utf-8"></head>', "<body>"]
    for part in parts:
        if isinstance(part, Break):
            out.append('<div style="page-break-before: always"></div>')
        elif isinstance(part, Para):
            tag = "h3" if part.kind == "title" else "p"
            out.append(f"<{tag}>{_html.escape(part.text)}</{tag}>")
        else:
            out.append('<table border="1">')
            for row in part.rows:
                tds = []
                for _, g in row:
                    attrs = (f' rowspan="{g.rowspan}"' if g.rowspan > 1 else "") + (
                        f' colspan="{g.colspan}"' if g.colspan > 1 else ""
                    )
                    inner = g.markup if g.markup is not None else _html.escape(g.text, quote=False)
                    tds.append(f"<td{attrs}>{inner}</td>")
                if any(len(g.text) > 30 for _, g in row):
                    out += ["<tr>", *tds, "</tr>"]  # long rows: one cell per line
                else:
                    out.append("<tr>" + "".join(tds) + "</tr>")
            out.append("</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _cells(parts: list[Block]) -> str:
    chunks: list[str] = []
    for part in parts:
        if isinstance(part, Break):
            chunks.append(f"-{part.number - 1}-")
        elif isinstance(part, Para):
            chunks.append(part.text)
        else:
            for row in part.texts():
                while row and not row[-1]:
                    row = row[:-1]
                chunks.append("\n".join(f"{t}|" for t in row))
    return "\n\n".join(chunks) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    """Break a text into lines of at most ``width`` columns (not inside ASCII words)."""
    if display_width(text) <= width:
        return [text] if text else []
    lines: list[str] = []
    cur = ""
    cur_w = 0
    for ch in text:
        w = display_width(ch)
        if cur and cur_w + w > width:
            cut = len(cur)
            if ch.isascii() and ch.isalnum():
                j = cut
                while j > 0 and cur[j - 1].isascii() and cur[j - 1].isalnum():
                    j -= 1
                if j > 0:
                    cut = j
            lines.append(cur[:cut].rstrip())
            cur = cur[cut:].lstrip()
            cur_w = display_width(cur)
        if not cur and ch == " ":
            continue
        cur += ch
        cur_w += w
    if cur.strip():
        lines.append(cur.strip())
    return lines


def _layout_widths(grid: Grid) -> list[int]:
    widths = [2] * grid.ncols
    cells = [(c, g) for row in grid.rows for c, g in row]
    for c, g in cells:
        if g.colspan == 1:
            w = display_width(g.text)
            widths[c] = max(widths[c], min(w, _WRAP) if g.wrap else w)
    for c, g in cells:
        if g.colspan > 1:
            have = sum(widths[c : c + g.colspan]) + _GAP * (g.colspan - 1)
            need = display_width(g.text)
            if g.wrap:
                need = min(need, _MIN_SPAN)
            if need > have:
                widths[c + g.colspan - 1] += need - have
    return widths


def _compose(pieces: list[tuple[int, str]]) -> str:
    line = ""
    pos = 0
    for x, text in sorted(pieces):
        line += " " * (x - pos) + text
        pos = x + display_width(text)
    return line.rstrip()


def _layout(parts: list[Block]) -> str:
    lines: list[str] = []
    grids = [p for p in parts if isinstance(p, Grid)]
    feed = False
    for part in parts:
        if isinstance(part, Break):
            feed = True
            continue
        if isinstance(part, Para):
            nxt = next((g for g in grids if parts.index(g) > parts.index(part)), None)
            total = sum(_layout_widths(nxt)) + _GAP * (nxt.ncols - 1) if nxt else 0
            pad = max(0, (total - display_width(part.text)) // 2) if part.kind != "text" else 0
            lines.append(("\f" if feed else "") + " " * (_INDENT + pad) + part.text)
            feed = False
            continue
        widths = _layout_widths(part)
        xs = [_INDENT + sum(widths[:c]) + _GAP * c for c in range(part.ncols)]
        for row in part.rows:
            wrapped: list[tuple[int, G, list[str]]] = []
            for c, g in row:
                span = sum(widths[c : c + g.colspan]) + _GAP * (g.colspan - 1)
                wrapped.append(
                    (c, g, _wrap(g.text, span) if g.wrap else ([g.text] if g.text else []))
                )
            height = max([len(w) for _, _, w in wrapped] + [1])
            for k in range(height):
                pieces = []
                for c, g, texts in wrapped:
                    if k < len(texts):
                        x = xs[c]
                        if g.right and g.colspan == 1:
                            x += widths[c] - display_width(texts[k])
                        pieces.append((x, texts[k]))
                lines.append(_compose(pieces))
    return "\n".join(lines) + "\n"


_SERIALISERS = {
    "tsv": _tsv,
    "markdown": _markdown,
    "html": _html_doc,
    "cells": _cells,
    "layout": _layout,
}


def render(record: dict[str, Any], fmt: str) -> str:
    """One canonical record printed as extracted text in ``fmt``."""
    return _SERIALISERS[fmt](blocks(record))


def render_many(records: Iterable[dict[str, Any]], fmt: str) -> str:
    """Several tables in one text, a page break and a short narrative between them."""
    return _SERIALISERS[fmt](_many(records))


def expected_rows(record: dict[str, Any]) -> list[list[str]]:
    """The printed grid: title lines as one-item lists, then every table row."""
    out: list[list[str]] = []
    for part in blocks(record):
        if isinstance(part, Para):
            out.append([part.text])
        elif isinstance(part, Grid):
            out += part.texts()
    return out


# ---------------------------------------------------------------------------
# Example records, one per form (invented; not taken from the seeds).


def _fund(item: str, budget: float | None, **more: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(("group", "initial_budget", "executed", "rate"))
    row.update(weight=None, score=None)
    row.update(item=item, budget=budget, **more)
    return row


def _ind(l1: str, l2: str, name: str | None, target: str | None, *rest: Any) -> dict[str, Any]:
    actual, weight, score, deviation = (*rest, None, None, None, None)[:4]
    return {
        "level1": l1,
        "level2": l2,
        "name": name,
        "target": target,
        "actual": actual,
        "weight": weight,
        "score": score,
        "deviation": deviation,
    }


SELF_EVALUATION: dict[str, Any] = {
    "form": "project_self_evaluation",
    "title": "财政项目支出绩效自评表",
    "year": 2022,
    "project": "老旧小区加装电梯补贴",
    "project_kind": None,
    "department": "某区住房保障局",
    "unit_name": "某区房屋管理事务中心",
    "period": None,
    "money_unit": "元",
    "funds": [
        _fund(
            "年度资金总额",
            3450000.0,
            initial_budget=3600000.0,
            executed=3312000.0,
            rate=96.0,
            weight=10.0,
            score=9.6,
        ),
        _fund("当年财政拨款", 3450000.0, initial_budget=3600000.0, executed=3312000.0),
        _fund("上年结转资金", 0.0, initial_budget=0.0),
        _fund("其他资金", 0.0, initial_budget=0.0),
    ],
    "goals": {
        "overall": None,
        "annual": "完成既有多层住宅加装电梯补贴发放，全年新开工加装电梯不少于40台，"
        "竣工交付不少于30台，改善老年居民出行条件。",
        "achieved": "全年新开工45台，竣工交付32台，补贴按时足额发放。",
    },
    "level1_weights": {},
    "indicators": [
        _ind("产出指标", "数量指标", "新开工加装电梯数量", "≥40台", "45台", 20.0, 20.0),
        _ind("产出指标", "数量指标", "竣工交付电梯数量", "≥30台", "32台", 10.0, 10.0),
        _ind(
            "产出指标",
            "质量指标",
            "电梯安装验收一次性合格率",
            "=100%",
            "97%",
            10.0,
            9.7,
            "两台电梯因井道尺寸偏差需整改后复验，已督促施工单位加强现场测量与交底。",
        ),
        _ind("产出指标", "时效指标", "补贴资金发放及时率", "≥95%", "100%", 10.0, 10.0),
        _ind(
            "效益指标",
            "社会效益指标",
            "受益老年居民出行便利程度",
            "明显改善",
            "明显改善",
            15.0,
            15.0,
        ),
        _ind(
            "效益指标",
            "可持续影响指标",
            "电梯维保责任落实率",
            "=100%",
            "100%",
            15.0,
            14.0,
            "个别小区维保合同签订滞后",
        ),
        _ind("满意度指标", "服务对象满意度指标", "加装电梯住户满意度", "≥90%", "93%", 10.0, 10.0),
    ],
    "total": {"weight": 100.0, "score": 98.3},
}

TARGET: dict[str, Any] = {
    "form": "project_target",
    "title": "财政项目支出绩效目标表",
    "year": 2024,
    "project": "社区长者食堂运营补助",
    "project_kind": "经常性项目",
    "department": "某街道办事处",
    "unit_name": "某街道社区服务中心",
    "period": ["2024-01-01", "2024-12-31"],
    "money_unit": "万元",
    "funds": [
        _fund("项目资金总额", 86.4),
        _fund("财政资金", 80.0),
        _fund("其他资金", 6.4),
        _fund("年度资金申请总额", 86.4),
        _fund("当年财政拨款", 80.0),
        _fund("上年结转资金", None),
    ],
    "goals": {
        "overall": "建成覆盖全街道的长者助餐服务网络，让辖区老年人就近吃上放心餐、实惠餐。",
        "annual": "保障6家社区长者食堂全年正常运营，日均服务老年人就餐不少于735人次。",
        "achieved": None,
    },
    "level1_weights": {},
    "indicators": [
        _ind("产出指标", "数量指标", "运营社区长者食堂数量", "≥6家"),
        _ind("产出指标", "质量指标", "食品安全抽检合格率", "=100%"),
        _ind("产出指标", "成本指标", "每餐补助标准", "≤5元/人次"),
        _ind("效益指标", "社会效益指标", "日均服务老年人就餐人次", "≥735人次"),
        _ind("效益指标", "可持续影响指标", "食堂持续运营年限", "≥3年"),
        _ind("满意度指标", "服务对象满意度指标", "就餐老年人满意度", "≥90%"),
    ],
    "total": None,
}

_NOTE = "按年度部门整体支出绩效评价指标体系设置三级指标和指标值"

DEPARTMENT: dict[str, Any] = {
    "form": "department_self_evaluation",
    "title": "部门（单位）整体支出绩效自评表",
    "year": 2023,
    "project": None,
    "project_kind": None,
    "department": None,
    "unit_name": "某区图书馆",
    "period": None,
    "money_unit": "元",
    "funds": [
        _fund("财政拨款", 8235400.0, group="资金来源", executed=8001228.45, rate=97.16),
        _fund("其他资金", 120000.0, group="资金来源", executed=118500.0, rate=98.75),
        _fund("基本支出", 5100000.0, group="资金结构", executed=5050000.0, rate=99.02),
        _fund("项目支出", 3255400.0, group="资金结构", executed=3069728.45, rate=94.30),
    ],
    "goals": {
        "overall": None,
        "annual": "围绕全民阅读推广，全年举办阅读活动不少于120场，到馆读者不少于50万人次。",
        "achieved": "全年举办阅读活动136场，到馆读者46.2万人次，数字资源访问量增长12.4%。",
    },
    "level1_weights": {
        "投入管理指标": 30.0,
        "产出指标": 30.0,
        "效益指标": 30.0,
        "满意度指标": 10.0,
    },
    "indicators": [
        {**_ind("投入管理指标", "预算编审管理", None, None, None, 10.0, 10.0), "note": _NOTE},
        {**_ind("投入管理指标", "预算执行管理", None, None, None, 12.0, 12.0), "note": _NOTE},
        {**_ind("投入管理指标", "资产管理", None, None, None, 8.0, 8.0), "note": _NOTE},
        _ind("产出指标", "数量指标", "全年举办阅读推广活动场次", "≥120场", "136场", 10.0, 10.0),
        _ind("产出指标", "质量指标", "图书外借差错率", "≤0.5%", "0.3%", 10.0, 10.0),
        _ind("产出指标", "时效指标", "新书上架周期", "≤15天", "12天", 10.0, 10.0),
        _ind(
            "效益指标",
            "社会效益指标",
            "年度到馆读者人次",
            "≥50万人次",
            "46.2万人次",
            15.0,
            13.5,
            "上半年馆舍改造闭馆一个月，到馆人次未达预期",
        ),
        _ind("效益指标", "可持续影响指标", "数字资源年访问量增长率", "≥10%", "12.4%", 15.0, 15.0),
        _ind("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%", "95.1%", 10.0, 10.0),
    ],
    "total": {"weight": 100.0, "score": 98.5},
}

SAMPLES: dict[str, dict[str, Any]] = {
    "project_self_evaluation": SELF_EVALUATION,
    "project_target": TARGET,
    "department_self_evaluation": DEPARTMENT,
}
