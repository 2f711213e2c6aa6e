"""Rows of one table → a ``Table``: a small state machine over the blocks.

head (title, year, fields) → funds → goals → indicators → total → tail.
Every row is either used (its lines go to ``used_lines``) or reported in
``unparsed`` with its line and the reason.
"""

from __future__ import annotations

import re

from jixiao.models import Form, Goals, Row, Source, Table, Total, Unparsed
from jixiao.recognize import funds as fundmod
from jixiao.recognize import goals as goalmod
from jixiao.recognize import header
from jixiao.recognize.indicators import IndicatorBlock, Parsed, header_fields, merge_cells
from jixiao.recognize.rowview import RowView, view
from jixiao.recognize.textutil import find_money_unit, find_year, parse_number, tidy
from jixiao.recognize.vocab import vocabulary

_PAGE_MARK_RE = re.compile(
    r"^(?:-\s*\d+\s*-|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
)


def is_page_mark(rv: RowView) -> bool:
    return len(rv.items) == 1 and bool(_PAGE_MARK_RE.match(rv.items[0].key))


def is_frame_row(rv: RowView) -> bool:
    """A page mark or a lone block caption: used, but carries no data."""
    one = len(rv.items) == 1
    return is_page_mark(rv) or (one and rv.items[0].key in vocabulary().section_labels)


class TableBuilder:
    def __init__(self, views: list[RowView], source: str) -> None:
        self.views = views
        self.rows = [rv.row for rv in views]
        self.source = source
        self.form: Form | None = None
        self.title: str | None = None
        self.year: int | None = None
        self.fields: dict[str, str] = {}
        self.money_unit: str | None = None
        self.fund_block: fundmod.FundBlock | None = None
        self.goal_block: goalmod.GoalBlock | None = None
        self.ind_block: IndicatorBlock | None = None
        self.total: Total | None = None
        self.state = "head"
        self.used: list[int] = []
        self.unparsed: list[Unparsed] = []
        self.fund_sources: list[Source] = []

    # -- driving -------------------------------------------------------------

    def build(self) -> Table | None:
        i = 0
        views = self.views
        while i < len(views):
            rv = views[i]
            row = rv.row
            if not rv.items:
                i += 1
                continue
            if self.state == "indicators" and self.ind_block is not None:
                i = self._indicator_row(i, rv)
                continue
            if not self._row(rv):
                self._reject(row, self._reason())
            i += 1
        return self._table()

    def _use(self, row: Row) -> None:
        self.used.extend(row.source_lines())

    def _reject(self, row: Row, reason: str) -> None:
        text = " | ".join(c.text for c in row.cells if c.text)
        for n, line in enumerate(row.source_lines()):
            self.unparsed.append(
                Unparsed(line=line, text=text if n == 0 else "", reason=reason, page=row.page)
            )

    def _reason(self) -> str:
        if self.state == "tail":
            return "text after the table's 总分 row"
        if self.form is None and self.state == "head":
            return "text outside any recognised table"
        return f"row not understood in the {self.state} block"

    # -- rows outside the indicator block ---------------------------------------

    def _row(self, rv: RowView) -> bool:
        row = rv.row
        first = rv.items[0]
        if is_frame_row(rv):
            self._use(row)
            return True
        if self.title is None:
            for it in rv.items:
                tf = header.title_form(it.text)
                if tf:
                    self.title, self.form = tf
                    self.year = self.year or find_year(it.text)
                    self._use(row)
                    return True
        if header.is_year_row(rv):
            if self.year is None:
                self.year = find_year(first.text)
            self._use(row)
            return True
        if first.key in vocabulary().totals:
            return self._total(rv)
        if self.state == "tail":
            return False
        cols = header_fields(rv)
        if cols is not None:
            self.ind_block = IndicatorBlock(cols)
            self.state = "indicators"
            self._use(row)
            return True
        goal_cols = goalmod.header_columns(rv)
        if goal_cols is not None and (self.goal_block is None or not self.goal_block.texts):
            self.goal_block = goalmod.GoalBlock(goal_cols)
            self.state = "goals"
            self._use(row)
            return True
        inline_goal = goalmod.goal_column(first.key)
        in_goal_block = self.goal_block is not None and bool(self.goal_block.columns)
        if (
            inline_goal is not None
            and len(rv.items) >= 2
            and goal_cols is None
            and not in_goal_block
        ):
            # 年度绩效目标 | text…: a caption and its text on one row
            block = self.goal_block or goalmod.GoalBlock()
            self.goal_block = block
            text = " ".join(it.text for it in rv.items[1:])
            block.texts[inline_goal] = text
            self._use(row)
            return True
        if fundmod.is_block_label(first.key) or self._fund_headers(rv) >= 2:
            self.fund_block = fundmod.FundBlock()
            self.fund_block.start(rv)
            self.money_unit = self.money_unit or self.fund_block.money_unit
            self.state = "funds"
            self._use(row)
            return True
        if self.state in ("head", "funds") and header.is_field_row(rv):
            for f, value, _ in header.read_fields(rv):
                self.fields.setdefault(f, value)
            unit = find_money_unit(" ".join(it.text for it in rv.items))
            self.money_unit = self.money_unit or unit
            self._use(row)
            return True
        unit = find_money_unit(" ".join(it.text for it in rv.items))
        if unit and len(rv.items) == 1 and len(first.key) <= 12:
            self.money_unit = self.money_unit or unit
            self._use(row)
            return True
        if self.state == "funds" and self.fund_block is not None:
            if self.fund_block.add_row(rv):
                self.fund_sources.append(Source(file=self.source, page=row.page, line=row.line))
                self._use(row)
                return True
            return False
        if self.state == "goals" and self.goal_block is not None:
            if self.goal_block.add_row(rv):
                self._use(row)
                return True
            return False
        return False

    def _fund_headers(self, rv: RowView) -> int:
        return sum(1 for it in rv.items if fundmod.fund_column(it.key) is not None)

    def _total(self, rv: RowView) -> bool:
        numbers = [parse_number(it.text) for it in rv.items[1:]]
        values = [n for n in numbers if n is not None]
        if len(values) >= 2:
            self.total = Total(weight=values[0], score=values[1])
        elif len(values) == 1:
            self.total = self._single_total(rv, values[0])
        else:
            self.total = Total()
        self.state = "tail"
        self._use(rv.row)
        return True

    def _single_total(self, rv: RowView, value: float) -> Total:
        block = self.ind_block
        it = next(it for it in rv.items[1:] if parse_number(it.text) is not None)
        if block and "score" in block.columns and "weight" in block.columns:
            to_score = abs(it.col - block.columns["score"] - block.shift)
            to_weight = abs(it.col - block.columns["weight"] - block.shift)
            if to_score < to_weight:
                return Total(score=value)
        return Total(weight=value)

    # -- the indicator block -----------------------------------------------------

    def _indicator_row(self, i: int, rv: RowView) -> int:
        block = self.ind_block
        assert block is not None
        row = rv.row
        first = rv.items[0]
        if first.key in vocabulary().totals:
            self._total(rv)
            return i + 1
        if is_frame_row(rv):
            self._use(row)
            return i + 1
        if header_fields(rv) is not None:  # the header repeated on a new page
            self._use(row)
            return i + 1
        shift = block.shift
        level1, level2 = block.level1, block.level2
        p = block.read(rv)
        if block.is_fragment(p):
            j = self._next_row(i)
            nxt = self.rows[j] if j is not None else None
            prev_page = block.parsed[-1].row.page if block.parsed else None
            after_break = prev_page is not None and prev_page != row.page
            before_break = nxt is not None and nxt.page != row.page
            # A row with a name of its own is an unscored row (a template's
            # 指标1), unless it sits at a page break, where rows are cut.
            cut = "name" not in p.texts or after_break or before_break
            if cut and nxt is not None and (before_break or not block.parsed) and not after_break:
                # the top piece of a row whose numbers are on the next page
                block.shift, block.level1, block.level2 = shift, level1, level2
                merged = merge_cells(row, nxt)
                self._add(block, block.read(view(merged)), merged)
                assert j is not None
                return j + 1
            if cut and block.merge_into_previous(p):
                self._use(row)
                return i + 1
        lone = p.stray_name and len(p.texts) == 1 and not (p.has_anchor or p.has_labels)
        if lone and len(rv.items) == 1:
            # one cell of text left of the indicator columns: prose after the table
            block.shift, block.level1, block.level2 = shift, level1, level2
            self.state = "tail"
            self._reject(row, "text after the indicator block")
            return i + 1
        if not (p.texts or p.weight is not None or p.score is not None or p.has_labels):
            self._reject(row, "row not understood in the indicator block")
            return i + 1
        self._add(block, p, row)
        return i + 1

    def _add(self, block: IndicatorBlock, p: Parsed, row: Row) -> None:
        block.add(p)
        self._use(row)

    def _next_row(self, i: int) -> int | None:
        for j in range(i + 1, len(self.views)):
            if self.views[j].items:
                return j
        return None

    # -- the record --------------------------------------------------------------

    def _table(self) -> Table | None:
        has_content = bool(
            self.fields or self.ind_block or self.fund_block or self.goal_block or self.total
        )
        if not has_content:
            return None
        form = self.form or self._guess_form()
        funds = self.fund_block.funds() if self.fund_block else []
        if self.fund_block and self.fund_block.columnar:
            for fund, src in zip(funds, self.fund_sources, strict=False):
                fund.source = src
        goals = Goals()
        if self.goal_block:
            self.goal_block.apply(goals)
        indicators = self.ind_block.indicators(self.source) if self.ind_block else []
        period = None
        start = header.period_value(self.fields.get("period_start", ""))
        end = header.period_value(self.fields.get("period_end", ""))
        if start or end:
            period = (start or "", end or "")
        kind = self.fields.get("project_kind")
        unit = self.money_unit
        lines = sorted(set(self.used))
        return Table(
            form=form,
            title=self.title,
            year=self.year,
            project=tidy(self.fields.get("project", ""))
            if form != "department_self_evaluation"
            else None,
            project_kind=header.project_kind(kind) if kind else None,
            department=tidy(self.fields.get("department", "")),
            unit_name=tidy(self.fields.get("unit_name", "")),
            period=period,
            money_unit=unit if unit in ("元", "万元") else None,
            funds=funds,
            goals=goals,
            level1_weights=self.ind_block.level1_weights if self.ind_block else {},
            indicators=indicators,
            total=self.total,
            source=Source(
                file=self.source, line=lines[0] if lines else None, page=self.rows[0].page
            ),
            unparsed=self.unparsed,
            used_lines=lines,
        )

    def _guess_form(self) -> Form:
        block = self.ind_block
        if block and "actual" in block.columns:
            if "project" not in self.fields and "unit_name" in self.fields:
                return "department_self_evaluation"
            return "project_self_evaluation"
        return "project_target"


__all__ = ["TableBuilder"]
