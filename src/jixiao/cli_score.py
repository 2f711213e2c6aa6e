"""``jixiao score``: recompute and compare a self-evaluation's numbers.

``score_command`` is wired into the typer app in ``jixiao.cli``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from jixiao.api import read
from jixiao.errors import JixiaoError, NoTableFoundError
from jixiao.scoring import IndicatorScore, RuleSet, TableScore, load_rules, score

FORMATS = ("table", "json")
FORM_LABELS = {
    "project_target": "项目支出绩效目标表",
    "project_self_evaluation": "项目支出绩效自评表",
    "department_self_evaluation": "部门（单位）整体支出绩效自评表",
}
LOOKED_FOR = "a 项目支出绩效自评表 or 部门（单位）整体支出绩效自评表"


def score_files(
    files: list[Path], rules: RuleSet, err: Console
) -> tuple[list[tuple[Path, TableScore]], int]:
    """Read and score every table in the files; report unreadable files on ``err``."""
    out: list[tuple[Path, TableScore]] = []
    status = 0
    for path in files:
        try:
            tables = read(path)
            if not tables:
                raise NoTableFoundError(str(path), LOOKED_FOR)
        except JixiaoError as exc:
            err.print(f"[red]错误[/red] {exc}", highlight=False)
            status = 2
            continue
        except Exception as exc:  # a bug must not lose the other files
            err.print(f"[red]内部错误[/red] {path}: {type(exc).__name__}: {exc}", highlight=False)
            status = 2
            continue
        out.extend((path, score(t, rules)) for t in tables)
    return out, status


def to_json(results: list[tuple[Path, TableScore]]) -> str:
    records: list[dict[str, Any]] = []
    for path, r in results:
        records.append({"file": str(path), **r.model_dump(mode="json")})
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def score_command(files: list[Path], rules: str, fmt: str) -> int:
    """Score the tables in ``files`` under ``rules``; print ``fmt`` (table or json).

    Returns the exit status: 0, or 2 when a file could not be read or the
    options are wrong. Differences between printed and recomputed numbers are
    findings, not errors.
    """
    err = Console(stderr=True)
    if fmt not in FORMATS:
        err.print(f"[red]错误[/red] 未知格式 {fmt!r}；可用: {', '.join(FORMATS)}", highlight=False)
        return 2
    try:
        rule_set = load_rules(rules)
    except JixiaoError as exc:
        err.print(f"[red]错误[/red] {exc}", highlight=False)
        return 2
    results, status = score_files(files, rule_set, err)
    if fmt == "json":
        if results or status == 0:
            sys.stdout.write(to_json(results))
        return status
    out = Console(width=None if sys.stdout.isatty() else 160, highlight=False)
    for path, r in results:
        out.print(render(r, path))
    return status


# ---------------------------------------------------------------------------
# The terminal view


def _n(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}%"


def _mark(printed: float | None, recomputed: float | None, tol: float = 0.005) -> Text:
    if printed is None or recomputed is None:
        return Text("")
    d = printed - recomputed
    if abs(d) <= tol:
        return Text("✓", style="green")
    return Text(f"{d:+.2f}", style="bold red")


def _recomputed_cell(i: IndicatorScore) -> Text:
    if i.method == "qualitative" and i.band is not None:
        close = "]" if i.band_closed else ")"
        style = "yellow" if i.difference else "cyan"
        return Text(f"[{i.band[0]:.2f}, {i.band[1]:.2f}{close}", style=style)
    if i.method == "not_scored":
        return Text("—", style="dim")
    style = "bold red" if i.difference else ""
    return Text(_n(i.recomputed_score), style=style)


def _summary(r: TableScore) -> RichTable:
    t = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    t.add_column("")
    t.add_column("填报", justify="right")
    t.add_column("重算", justify="right")
    t.add_column("差异", justify="right")
    ex = r.execution
    if ex is not None:
        t.add_row("执行率", _pct(ex.printed_rate), _pct(ex.rate), _mark(ex.printed_rate, ex.rate))
        if ex.weight is not None:
            t.add_row(
                f"执行率得分（分值 {ex.weight:g}）",
                _n(ex.printed_score),
                _n(ex.score),
                _mark(ex.printed_score, ex.score),
            )
    t.add_row(
        "总分",
        _n(r.printed_total),
        _n(r.recomputed_total),
        _mark(r.printed_total, r.recomputed_total),
    )
    if r.printed_sum is not None and r.printed_total is not None:
        t.add_row("填报得分之和", _n(r.printed_sum), "", _mark(r.printed_total, r.printed_sum))
    t.add_row("等级", r.printed_grade or "—", r.recomputed_grade or "—", "")
    return t


def _indicators(r: TableScore) -> RichTable:
    t = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    t.add_column("#", justify="right", style="dim")
    t.add_column("二级指标", max_width=10)
    t.add_column("三级指标", max_width=18)
    t.add_column("目标", max_width=14)
    t.add_column("实际", max_width=14)
    t.add_column("分值", justify="right")
    t.add_column("填报", justify="right")
    t.add_column("重算", justify="right")
    t.add_column("差异", justify="right")
    t.add_column("说明", ratio=1, min_width=30, overflow="fold")
    for i in r.indicators:
        diff = Text("")
        if i.difference:
            diff = Text(f"{i.difference:+.2f}", style="bold red")
        note = Text(i.reason, style="red" if i.difference else "dim")
        t.add_row(
            str(i.index),
            i.level2 or i.level1 or "",
            i.name or "",
            i.target or "",
            i.actual or "",
            "" if i.weight is None else f"{i.weight:g}",
            _n(i.printed_score),
            _recomputed_cell(i),
            diff,
            note,
        )
    return t


def render(r: TableScore, path: Path | None = None) -> Panel:
    """A rich panel for one scored table: summary, indicators, differences."""
    name = r.project or r.unit_name or r.title or "（未命名）"
    year = f"{r.year}年度 " if r.year else ""
    title = f"[bold]{name}[/bold]  {FORM_LABELS.get(r.form, r.form)} {year}· 规则 {r.rules}"
    parts: list[Any] = []
    if not r.scored:
        parts.append(Text("；".join(r.notes) or "不评分", style="dim"))
        return Panel(Group(*parts), title=title, subtitle=str(path or ""), title_align="left")
    parts.append(_summary(r))
    if r.consistent:
        parts.append(Text("填报总分与重算一致。", style="green"))
    elif r.printed_total is not None:
        line = Text("填报总分与重算不一致：", style="bold yellow")
        if r.explained_by:
            line.append(f"可由「{r.explained_by}」复现。", style="bold cyan")
        line.append(r.explanation or "", style="yellow")
        parts.append(line)
    parts.append(_indicators(r))
    if r.differences:
        parts.append(Text("差异", style="bold"))
        for d in r.differences:
            parts.append(Text(f"• {d.where}：{d.message}", style="yellow"))
    for note in r.notes:
        parts.append(Text(f"• {note}", style="dim"))
    return Panel(Group(*parts), title=title, subtitle=str(path or ""), title_align="left")
