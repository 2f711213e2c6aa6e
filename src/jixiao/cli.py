"""The command line: a thin layer over the Python API."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from jixiao.api import read
from jixiao.errors import JixiaoError, NoTableFoundError
from jixiao.models import CANONICAL_INDICATOR_KEYS, Table

app = typer.Typer(
    help="jixiao 绩效: 读取、计分、审核预算绩效表 (read, score and check performance tables).",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

LOOKED_FOR = (
    "a 项目支出绩效目标表, 项目支出绩效自评表 or 部门（单位）整体支出绩效自评表 "
    "(a title, 项目名称/单位名称 fields, or an indicator header 一级指标/二级指标/三级指标)"
)


@app.callback()
def _root() -> None:
    """jixiao 绩效: 读取、计分、审核预算绩效表."""


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


def read_files(files: list[Path]) -> tuple[list[tuple[Path, list[Table]]], int]:
    """Read each file; report problems on stderr. Returns results and exit status."""
    results: list[tuple[Path, list[Table]]] = []
    status = 0
    with Progress(console=err, transient=True, disable=len(files) < 3) as progress:
        task = progress.add_task("读取文件", total=len(files))
        for path in files:
            status = max(status, _read_one(path, results))
            progress.advance(task)
    return results, status


def _read_one(path: Path, results: list[tuple[Path, list[Table]]]) -> int:
    try:
        tables = read(path)
        if not tables:
            raise NoTableFoundError(str(path), LOOKED_FOR)
    except JixiaoError as exc:
        err.print(f"[red]错误[/red] {exc}", highlight=False)
        return 2
    except Exception as exc:  # a bug must not lose the other files
        err.print(f"[red]内部错误[/red] {path}: {type(exc).__name__}: {exc}", highlight=False)
        return 2
    results.append((path, tables))
    return 0


CSV_TABLE_KEYS = ("file", "form", "year", "project", "unit_name", "department", "money_unit")


def _csv(results: list[tuple[Path, list[Table]]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*CSV_TABLE_KEYS, *CANONICAL_INDICATOR_KEYS, "line"])
    for path, tables in results:
        for t in tables:
            ident = [str(path), t.form, t.year, t.project, t.unit_name, t.department, t.money_unit]
            for ind in t.indicators:
                values = [getattr(ind, k) for k in CANONICAL_INDICATOR_KEYS]
                line = ind.source.line if ind.source else None
                writer.writerow([*ident, *values, line])
    return buf.getvalue()


@app.command()
def export(
    files: Annotated[list[Path], typer.Argument(help="表格文件 (files to read)")],
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="json 或 csv")] = (
        ExportFormat.json
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="写入文件 (default: stdout)")
    ] = None,
) -> None:
    """导出为标准记录 (export canonical records as JSON or CSV)."""
    results, status = read_files(files)
    if format is ExportFormat.json:
        records = [t.to_canonical() for _, tables in results for t in tables]
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    else:
        text = _csv(results)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    elif results or (format is ExportFormat.json and status == 0):
        sys.stdout.write(text)
    raise typer.Exit(status)


@app.command()
def score(
    files: Annotated[list[Path], typer.Argument(help="表格文件 (files to read)")],
    rules: Annotated[
        str, typer.Option("--rules", "-r", help="计分规则 (rule set name or file)")
    ] = ("mof-2020"),
    format: Annotated[str, typer.Option("--format", "-f", help="table 或 json")] = "table",
) -> None:
    """重新计分并与表中数字对比 (recompute scores and compare with the printed ones)."""
    from jixiao.cli_score import score_command

    raise typer.Exit(score_command(files, rules, format))


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="表格文件 (files to read)")],
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="table、json 或 html")
    ] = CheckFormat.table,
    fail_on: Annotated[
        Severity | None,
        typer.Option("--fail-on", help="有此级别（或更严重）问题时退出码为 1"),
    ] = None,
    rules: Annotated[
        str | None, typer.Option("--rules", "-r", help="计分规则 (default: by form)")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="写入文件 (default: stdout)")
    ] = None,
) -> None:
    """审核表格并报告问题 (check tables and report every problem)."""
    from jixiao.cli_check import check_command

    level = fail_on.value if fail_on is not None else None
    raise typer.Exit(check_command(files, format.value, level, rules=rules, output=output))


def _register_web() -> None:
    from jixiao.cli_web import register

    register(app)


_register_web()
