"""``jixiao check FILE…``: audit every table in the files and report.

Exit status: 0 when all went well; 1 with ``--fail-on SEVERITY`` when a
finding of that severity (or a more severe one) exists; 2 when an input
could not be read (the other files are still checked and reported).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from jixiao.audit import Report, audit
from jixiao.audit.model import SEVERITIES, Severity
from jixiao.audit.render import render_html, render_json, render_terminal

FORMATS = ("table", "json", "html")


def check_command(
    files: list[Path],
    fmt: str = "table",
    fail_on: str | None = None,
    rules: str | None = None,
    output: Path | None = None,
) -> int:
    """Audit the files, print the report in ``fmt``, return the exit status."""
    err = Console(stderr=True)
    if fmt not in FORMATS:
        err.print(
            f"[red]错误[/red] 未知格式 {fmt!r}（可用：{', '.join(FORMATS)}）", highlight=False
        )
        return 2
    if fail_on is not None and fail_on not in SEVERITIES:
        err.print(
            f"[red]错误[/red] 未知级别 {fail_on!r}（可用：{', '.join(SEVERITIES)}）",
            highlight=False,
        )
        return 2
    from jixiao.cli import read_files  # late: jixiao.cli imports this module

    results, status = read_files(files)
    reports: list[Report] = []
    for path, tables in results:
        for table in tables:
            try:
                reports.append(audit(table, rules))
            except Exception as exc:  # a bug must not lose the other tables
                err.print(
                    f"[red]内部错误[/red] {path}: {type(exc).__name__}: {exc}", highlight=False
                )
                status = 2
    if fmt == "json":
        _emit(render_json(reports), output)
    elif fmt == "html":
        _emit(render_html(reports), output)
    elif output is not None:
        with output.open("w", encoding="utf-8") as fh:
            render_terminal(reports, Console(file=fh, width=100, color_system=None))
    else:
        render_terminal(reports, Console(highlight=False))
    if status:
        return status
    if fail_on is not None:
        level = _severity(fail_on)
        if any(r.has(level) for r in reports):
            return 1
    return 0


def _severity(name: str) -> Severity:
    for s in SEVERITIES:
        if s == name:
            return s
    raise ValueError(name)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
