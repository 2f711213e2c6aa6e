"""Audit reports for people and machines: terminal (rich), JSON, HTML."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from jixiao.audit.model import (
    FORM_LABELS,
    SEVERITIES,
    SEVERITY_LABELS,
    STATUS_LABELS,
    Finding,
    Report,
)
from jixiao.audit.registry import CHECKS

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_MARKS = {"error": "✗", "warning": "!", "info": "i"}


def _value(x: str | float | None) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:g}" if abs(x) < 1e15 else str(x)
    return x


def _where(f: Finding) -> str:
    src = f.location.source()
    return f"{f.location.where()}（{src}）" if src else f.location.where()


def overall_summary(reports: Sequence[Report]) -> str:
    n = len(reports)
    errors = sum(1 for r in reports if r.count("error"))
    warnings = sum(1 for r in reports if r.count("warning") and not r.count("error"))
    clean = sum(1 for r in reports if not r.findings)
    return (
        f"共 {n} 张表：{errors} 张有错误，{warnings} 张仅有警告，{clean} 张未发现问题；"
        f"合计 {sum(r.count('error') for r in reports)} 个错误、"
        f"{sum(r.count('warning') for r in reports)} 个警告、"
        f"{sum(r.count('info') for r in reports)} 条提示"
    )


# ---------------------------------------------------------------------------
# Terminal


def render_terminal(reports: Sequence[Report], console: Console) -> None:
    """A readable report grouped by table and severity, one summary line per table."""
    for n, r in enumerate(reports, start=1):
        head = Text()
        head.append(f"[{n}/{len(reports)}] ", style="dim")
        head.append(r.label, style="bold")
        head.append(f" · {FORM_LABELS[r.form]}", style="dim")
        if r.file:
            head.append(f" · {Path(r.file).name}", style="dim")
        console.rule(head, align="left")
        summary = Text(r.summary())
        if r.count("error"):
            summary.stylize("bold red", 0, summary.plain.index("个错误") + 3)
        console.print(summary, highlight=False)
        for severity in SEVERITIES:
            items = [f for f in r.findings if f.severity == severity]
            if not items:
                continue
            label = Text(
                f"{SEVERITY_LABELS[severity]}（{len(items)}）", style=SEVERITY_STYLES[severity]
            )
            console.print(label)
            grid = RichTable.grid(padding=(0, 1))
            grid.add_column(width=1, no_wrap=True)
            grid.add_column(ratio=1, overflow="fold")
            for f in items:
                mark = Text(SEVERITY_MARKS[severity], style=SEVERITY_STYLES[severity])
                body = Text()
                body.append(f.title, style="bold")
                body.append(f"  {f.code}", style="dim")
                body.append(f"\n{_where(f)}", style="dim")
                body.append(f"\n{f.message}")
                extra = f"期望：{_value(f.expected)}　实际：{_value(f.found)}"
                if f.tolerance is not None:
                    extra += f"　容差：{f.tolerance:g}"
                body.append(f"\n{extra}", style="dim")
                grid.add_row(mark, body)
            console.print(Padding(grid, (0, 0, 0, 2)))
        if not r.findings:
            console.print(Text("未发现问题", style="green"))
        console.print()
    console.print(Text(overall_summary(reports), style="bold"), highlight=False)


# ---------------------------------------------------------------------------
# JSON


def render_json(reports: Sequence[Report]) -> str:
    """An array, one object per table (``form``, ``project``, ``year``, ``findings``, ``checks``)."""
    return json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------------------
# HTML

_CSS = """
:root { --err:#b42318; --warn:#b54708; --info:#175cd3; --ok:#067647; --line:#d0d5dd;
  --muted:#667085; --bg-err:#fef3f2; --bg-warn:#fffaeb; --bg-info:#eff8ff; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; color:#101828; margin:0;
  background:#fff; line-height:1.55; font-size:14px; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0; }
.muted { color: var(--muted); }
.summary { margin: 6px 0 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left;
  vertical-align: top; }
th { font-weight: 600; background: #f9fafb; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.overview { margin: 18px 0 28px; }
.overview td.e { color: var(--err); font-weight: 600; }
.overview td.w { color: var(--warn); font-weight: 600; }
section.tbl { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 22px;
  padding: 14px 16px; break-inside: auto; }
section.tbl > header { border-bottom: 1px solid var(--line); padding-bottom: 8px;
  margin-bottom: 10px; break-after: avoid; }
h3 { font-size: 14px; margin: 14px 0 6px; }
h3.error { color: var(--err); } h3.warning { color: var(--warn); } h3.info { color: var(--info); }
.findings td.code { white-space: nowrap; font-family: ui-monospace, "DejaVu Sans Mono", monospace;
  font-size: 12px; color: var(--muted); }
.findings tr.error td:first-child { border-left: 4px solid var(--err); }
.findings tr.warning td:first-child { border-left: 4px solid var(--warn); }
.findings tr.info td:first-child { border-left: 4px solid var(--info); }
.findings tr { break-inside: avoid; }
.title { font-weight: 600; }
.where { color: var(--muted); font-size: 12.5px; }
.ef { font-size: 12.5px; color: #344054; }
.ef b { font-weight: 600; color: var(--muted); }
.cause { font-size: 12.5px; }
.clean { color: var(--ok); font-weight: 600; }
details.checks { margin-top: 12px; }
details.checks summary { cursor: pointer; color: var(--muted); font-size: 12.5px; }
ul.status { list-style: none; padding: 0; margin: 8px 0 0; display: grid;
  grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 2px 12px;
  font-size: 12px; }
ul.status li { display: flex; justify-content: space-between; border-bottom: 1px dotted var(--line); }
ul.status code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.s-pass { color: var(--ok); } .s-fail { color: var(--err); font-weight: 600; }
.s-not_applicable, .s-insufficient_data { color: var(--muted); }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
  font-weight: 600; margin-right: 4px; }
.badge.error { background: var(--bg-err); color: var(--err); }
.badge.warning { background: var(--bg-warn); color: var(--warn); }
.badge.info { background: var(--bg-info); color: var(--info); }
footer { margin-top: 30px; font-size: 12px; color: var(--muted); }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 11pt; }
  section.tbl { border: none; border-top: 2px solid #101828; border-radius: 0; padding: 8px 0; }
  details.checks > summary { display: none; }
  details.checks ul.status { display: grid; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 16mm 14mm; }
"""


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _badges(r: Report) -> str:
    out = []
    for s in SEVERITIES:
        n = r.count(s)
        if n:
            out.append(f'<span class="badge {s}">{n} 个{SEVERITY_LABELS[s]}</span>')
    return "".join(out) or '<span class="clean">未发现问题</span>'


def _finding_row(f: Finding) -> str:
    ef = f"<b>期望</b> {_e(_value(f.expected))}　<b>实际</b> {_e(_value(f.found))}"
    if f.tolerance is not None:
        ef += f"　<b>容差</b> {_e(f'{f.tolerance:g}')}"
    return (
        f'<tr class="{f.severity}">'
        f'<td><div class="title">{_e(f.title)}</div><div class="where">{_e(_where(f))}</div></td>'
        f'<td>{_e(f.message)}<div class="ef">{ef}</div></td>'
        f'<td class="code">{_e(f.code)}</td></tr>'
    )


def _section(n: int, r: Report) -> str:
    parts = [f'<section class="tbl" id="t{n}"><header>']
    parts.append(f"<h2>{n}. {_e(r.label)}</h2>")
    meta = [FORM_LABELS[r.form]]
    if r.unit_name and r.unit_name != r.label:
        meta.append(r.unit_name)
    if r.file:
        meta.append(Path(r.file).name)
    meta.append(f"规则 {r.rules}")
    parts.append(f'<div class="muted">{_e(" · ".join(meta))}</div>')
    parts.append(
        f'<div class="summary">{_badges(r)} <span class="muted">{_e(r.summary())}</span></div>'
    )
    parts.append("</header>")
    for s in SEVERITIES:
        items = [f for f in r.findings if f.severity == s]
        if not items:
            continue
        parts.append(f'<h3 class="{s}">{SEVERITY_LABELS[s]}（{len(items)}）</h3>')
        parts.append(
            '<table class="findings"><colgroup><col style="width:30%"><col>'
            '<col style="width:12%"></colgroup><tbody>'
        )
        parts.extend(_finding_row(f) for f in items)
        parts.append("</tbody></table>")
    if not r.findings:
        parts.append('<p class="clean">全部检查通过或不适用，未发现问题。</p>')
    parts.append('<details class="checks"><summary>各项检查状态</summary><ul class="status">')
    for code, status in r.checks.items():
        title = CHECKS[code].title if code in CHECKS else code
        parts.append(
            f'<li><span title="{_e(title)}"><code>{_e(code)}</code></span>'
            f'<span class="s-{status}">{STATUS_LABELS[status]}</span></li>'
        )
    parts.append("</ul></details></section>")
    return "".join(parts)


def render_html(reports: Sequence[Report], title: str = "绩效表审核报告") -> str:
    """A self-contained page (no external resources) to open in a browser and print."""
    rows = []
    for n, r in enumerate(reports, start=1):
        e, w, i = (r.count(s) for s in SEVERITIES)
        rows.append(
            f'<tr><td class="num">{n}</td><td><a href="#t{n}">{_e(r.label)}</a></td>'
            f"<td>{_e(FORM_LABELS[r.form])}</td>"
            f'<td class="num{" e" if e else ""}">{e}</td>'
            f'<td class="num{" w" if w else ""}">{w}</td><td class="num">{i}</td></tr>'
        )
    files = sorted({Path(r.file).name for r in reports if r.file})
    body = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        f'<div class="muted">{_e("、".join(files))}</div>' if files else "",
        f'<p class="summary">{_e(overall_summary(reports))}</p>',
        '<table class="overview"><thead><tr><th>#</th><th>表</th><th>类型</th>'
        "<th>错误</th><th>警告</th><th>提示</th></tr></thead><tbody>",
        *rows,
        "</tbody></table>",
        *(_section(n, r) for n, r in enumerate(reports, start=1)),
        "<footer>由 jixiao 生成。错误：数字有误；警告：很可能有误或不合规则；提示：值得一看。"
        "各检查的规则与容差见 docs/checks.md。</footer>",
        "</main></body></html>",
    ]
    return "\n".join(b for b in body if b) + "\n"
