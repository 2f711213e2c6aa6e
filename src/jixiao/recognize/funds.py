"""The money block: columnar (self-evaluations) or label/value pairs (targets)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.models import Fund
from jixiao.recognize.rowview import Item, RowView
from jixiao.recognize.textutil import find_money_unit, key, parse_number, strip_parenthetical
from jixiao.recognize.vocab import vocabulary

_ENUM_RE = re.compile(r"^[(（]\s*[0-9一二三四五六七八九十]+\s*[)）]\s*")
_GROUP_RE = re.compile(r"^([^:：()（）]{2,8})[:：]\s*(.+)$")
_INLINE_VALUE_RE = re.compile(r"^(.+?)[:：]?\s*([+-]?[\d,]+(?:\.\d+)?)$")


def fund_column(k: str) -> str | None:
    cols = vocabulary().fund_columns
    return cols.get(k) or cols.get(strip_parenthetical(k))


def is_block_label(k: str) -> bool:
    voc = vocabulary()
    if k in voc.fund_items or key(split_item(k)[1]) in voc.fund_items:
        return False
    return any(k.startswith(b) for b in voc.fund_blocks) and len(k) <= 16


def is_null_mark(k: str) -> bool:
    return k in vocabulary().null_marks


def split_item(text: str) -> tuple[str | None, str]:
    """``资金来源：（1）财政拨款`` → ("资金来源", "财政拨款"); ``其中：x`` → (None, "x")."""
    t = text.strip()
    for p in vocabulary().fund_prefixes:
        k = key(t)
        if k.startswith(p) and len(k) > len(p):
            # drop the prefix as printed (it may contain spaces or a full-width colon)
            n = 0
            consumed = 0
            while consumed < len(p) and n < len(t):
                if not t[n].isspace():
                    consumed += 1
                n += 1
            t = t[n:].lstrip(":： ")
            break
    group = None
    m = _GROUP_RE.match(t)
    if m and not _ENUM_RE.match(t):
        group, t = m.group(1).strip(), m.group(2).strip()
    t = _ENUM_RE.sub("", t).strip()
    return group, t


def is_item_text(it: Item) -> bool:
    if parse_number(it.text) is not None or is_null_mark(it.key):
        return False
    _, item = split_item(it.text)
    return key(item) in vocabulary().fund_items or any(ch >= "\u4e00" for ch in item)


@dataclass
class FundBlock:
    """State of one money block while its rows are read."""

    columns: dict[str, int] = field(default_factory=dict)  # fund field → col
    label_col: int = 0
    money_unit: str | None = None
    group: str | None = None
    pairs: list[tuple[int, int, Fund]] = field(default_factory=list)  # (anchor, order, fund)
    anchors: list[int] = field(default_factory=list)
    rows: list[Fund] = field(default_factory=list)

    @property
    def columnar(self) -> bool:
        return len(self.columns) >= 2

    def start(self, rv: RowView) -> None:
        """The block's first row: its label (with the unit) and column headers."""
        for it in rv.items:
            self.money_unit = self.money_unit or find_money_unit(it.text)
            f = fund_column(it.key)
            if f and f not in self.columns:
                self.columns[f] = it.col
        if self.columnar:
            self.label_col = min(self.columns.values()) - 1
        else:
            rest = [it for it in rv.items if not is_block_label(it.key)]
            self.add_pairs(rest, first=True)

    def add_row(self, rv: RowView) -> bool:
        """Read one row of the block; False when it holds no money row."""
        items = rv.items
        if self.columnar:
            return self._columnar_row(items)
        return self.add_pairs(items, first=False)

    def _columnar_row(self, items: list[Item]) -> bool:
        label = next((it for it in items if is_item_text(it)), None)
        if label is None:
            return False
        group, name = split_item(label.text)
        values = [it for it in items if it.col > label.col]
        if key(name) in vocabulary().fund_rate_rows and self.rows:
            return self._rate_row(values)
        if group:
            self.group = group
        fund = Fund(item=name, group=group or self.group)
        shift = label.col - self.label_col
        by_col = {it.col: it for it in values}
        aligned = all((it.col - shift) in self.columns.values() for it in values)
        if aligned:
            for f, col in self.columns.items():
                it = by_col.get(col + shift)
                if it is not None:
                    setattr(fund, f, parse_number(it.text))
        else:  # columns shifted unevenly: take the values in order
            order = sorted(self.columns.items(), key=lambda kv: kv[1])
            for (f, _), it in zip(order, values, strict=False):
                setattr(fund, f, parse_number(it.text))
        self.rows.append(fund)
        return True

    def _rate_row(self, values: list[Item]) -> bool:
        """``预算执行率 | 10 | 98.31% | 9.83``: the block's rate, weight and score."""
        total = self.rows[0]
        plain: list[float] = []
        for it in values:
            number = parse_number(it.text)
            if number is None:
                continue
            if it.key.endswith("%"):
                total.rate = total.rate if total.rate is not None else number
            else:
                plain.append(number)
        if len(plain) >= 2:
            total.weight = total.weight if total.weight is not None else plain[0]
            total.score = total.score if total.score is not None else plain[-1]
        elif len(plain) == 1 and total.weight is None:
            total.weight = plain[0]
        return True

    def add_pairs(self, items: list[Item], first: bool) -> bool:
        found = False
        i = 0
        while i < len(items):
            it = items[i]
            inline = _INLINE_VALUE_RE.match(it.text)
            if inline and parse_number(it.text) is None and key(inline.group(1)):
                name, value = inline.group(1), parse_number(inline.group(2))
                self._pair(it.col, name, value, first)
                found = True
                i += 1
                continue
            if not is_item_text(it):
                i += 1
                continue
            value = None
            if i + 1 < len(items):
                nxt = items[i + 1]
                if parse_number(nxt.text) is not None or is_null_mark(nxt.key):
                    value = parse_number(nxt.text)
                    i += 1
            self._pair(it.col, it.text, value, first)
            found = True
            i += 1
        return found

    def _pair(self, col: int, text: str, value: float | None, first: bool) -> None:
        _, name = split_item(text)
        if first and col not in self.anchors:
            self.anchors.append(col)
        anchor = min(self.anchors, key=lambda a: (abs(a - col), a)) if self.anchors else col
        self.pairs.append((anchor, len(self.pairs), Fund(item=name, budget=value)))

    def funds(self) -> list[Fund]:
        if self.columnar:
            return self.rows
        out: list[Fund] = []
        seen: dict[str, Fund] = {}
        for _, _, fund in sorted(self.pairs, key=lambda p: (p[0], p[1])):
            k = key(fund.item)
            if k in seen:  # an item printed in both columns is one row
                if seen[k].budget is None:
                    seen[k].budget = fund.budget
                continue
            seen[k] = fund
            out.append(fund)
        return out
