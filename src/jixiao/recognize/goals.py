"""The goals block: 项目总目标 / 年度总体目标 / 实际完成情况 texts."""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.models import Goals
from jixiao.recognize.rowview import Item, RowView
from jixiao.recognize.textutil import join_text, strip_parenthetical, tidy
from jixiao.recognize.vocab import vocabulary


def goal_column(k: str) -> str | None:
    cols = vocabulary().goal_columns
    return cols.get(k) or cols.get(strip_parenthetical(k))


def is_row_label(k: str) -> bool:
    """A caption such as ``年度总体目标`` or ``年 总 目 标`` (cut by the extractor)."""
    return len(k) <= 8 and set(k) <= vocabulary().goal_label_chars


def header_columns(rv: RowView) -> list[tuple[str, int]] | None:
    """(field, col) of a goals header row, or None when the row is not one."""
    found: list[tuple[str, Item]] = []
    for it in rv.items:
        f = goal_column(it.key)
        if f is not None:
            found.append((f, it))
        elif not is_row_label(it.key):
            return None
    if not found:
        return None
    annual = [it for f, it in found if f == "annual"]
    if len(annual) > 1 or (len(found) > 1 and found[0][0] == "annual" and found[0][1].col == 0):
        # the leftmost 年度总体目标 is the row caption when another header names the column
        caption = next((it for it in annual if is_row_label(it.key)), None)
        if caption is not None and len(found) > 1:
            found = [(f, it) for f, it in found if it is not caption]
    return [(f, it.col) for f, it in found]


@dataclass
class GoalBlock:
    columns: list[tuple[str, int]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    def add_row(self, rv: RowView) -> bool:
        content = [it for it in rv.items if not is_row_label(it.key)]
        if not content or not self.columns:
            return False
        if len(content) == len(self.columns):
            pairs = [(f, it) for (f, _), it in zip(self.columns, content, strict=True)]
        else:
            pairs = [
                (min(self.columns, key=lambda fc: abs(fc[1] - it.col))[0], it) for it in content
            ]
        for f, it in pairs:
            self.texts[f] = join_text(self.texts.get(f, ""), it.text)
        return True

    def apply(self, goals: Goals) -> None:
        for f, text in self.texts.items():
            setattr(goals, f, tidy(join_text(getattr(goals, f) or "", text)))
