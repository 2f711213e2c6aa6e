"""A row prepared for recognition: its non-empty cells with their match keys."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.models import Cell, Row
from jixiao.recognize.textutil import key


@dataclass(slots=True)
class Item:
    col: int
    text: str
    key: str
    cell: Cell


@dataclass(slots=True)
class RowView:
    row: Row
    items: list[Item]  # non-empty, non-spanned cells, left to right
    # memo of ``indicators.header_fields`` (False: not computed yet)
    header: dict[str, int] | bool | None = False

    @property
    def keys(self) -> list[str]:
        return [it.key for it in self.items]

    def at(self, col: int) -> Item | None:
        for it in self.items:
            if it.col == col:
                return it
        return None


def view(row: Row) -> RowView:
    items = []
    for c in row.cells:
        if c.spanned or not c.text:
            continue
        k = key(c.text)
        if k:
            items.append(Item(c.col, c.text, k, c))
    return RowView(row, items)
