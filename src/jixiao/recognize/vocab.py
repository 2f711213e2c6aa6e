"""The vocabulary of the forms (``vocabulary.toml``), loaded once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jixiao.recognize.textutil import key


def _keys(words: list[str]) -> frozenset[str]:
    return frozenset(key(w) for w in words)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    titles: tuple[tuple[str, tuple[str, ...]], ...]
    fields: dict[str, str]  # label key → field
    project_kinds: tuple[str, ...]
    fund_blocks: tuple[str, ...]
    fund_columns: dict[str, str]  # header key → fund field
    fund_items: frozenset[str]
    fund_rate_rows: frozenset[str]
    fund_prefixes: tuple[str, ...]
    goal_label_chars: frozenset[str]
    goal_columns: dict[str, str]  # header key → goals field
    indicator_columns: dict[str, str]  # header key → indicator field
    level1: dict[str, str]  # label key → canonical level1
    level2: dict[str, str]  # label key → canonical level2
    parent: dict[str, str]  # canonical level2 → its fixed level1
    fixed_level1: frozenset[str]  # level1 names with a fixed level2 vocabulary
    section_labels: frozenset[str]
    totals: frozenset[str]
    null_marks: frozenset[str]


@cache
def vocabulary() -> Vocabulary:
    raw = tomllib.loads(
        resources.files("jixiao.recognize").joinpath("vocabulary.toml").read_text("utf-8")
    )
    fields = {key(w): f for f, words in raw["fields"].items() for w in words}
    funds = raw["funds"]
    fund_columns = {
        key(w): f
        for f in ("initial_budget", "budget", "executed", "weight", "rate", "score")
        for w in funds[f]
    }
    goals = raw["goals"]
    goal_columns = {key(w): f for f in ("overall", "annual", "achieved") for w in goals[f]}
    indicator_columns: dict[str, str] = {}
    for f, words in raw["indicator_columns"].items():
        for w in words:
            indicator_columns.setdefault(key(w), f)
    hierarchy: dict[str, list[str]] = raw["hierarchy"]
    aliases: dict[str, str] = raw["aliases"]
    level1 = {key(l1): l1 for l1 in hierarchy}
    level1.update({key(l1): l1 for l1 in raw["level1_extra"]["values"]})
    level2: dict[str, str] = {}
    parent: dict[str, str] = {}
    for l1, l2s in hierarchy.items():
        for l2 in l2s:
            level2[key(l2)] = l2
            parent.setdefault(l2, l1)
    for alias, canonical in aliases.items():
        if canonical in hierarchy:
            level1[key(alias)] = canonical
        else:
            level2[key(alias)] = canonical
    titles = tuple((form, tuple(key(w) for w in words)) for form, words in raw["titles"].items())
    return Vocabulary(
        titles=titles,
        fields=fields,
        project_kinds=tuple(raw["project_kinds"]["values"]),
        fund_blocks=tuple(key(w) for w in funds["block"]),
        fund_columns=fund_columns,
        fund_items=_keys(funds["items"]),
        fund_rate_rows=_keys(funds["rate_rows"]),
        fund_prefixes=tuple(key(w) for w in funds["prefixes"]),
        goal_label_chars=frozenset(goals["label_chars"]),
        goal_columns=goal_columns,
        indicator_columns=indicator_columns,
        level1=level1,
        level2=level2,
        parent=parent,
        fixed_level1=frozenset(hierarchy),
        section_labels=_keys(raw["section_labels"]["values"]),
        totals=_keys(raw["totals"]["values"]),
        null_marks=_keys(raw["null_marks"]["values"]),
    )
