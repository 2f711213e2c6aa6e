"""Jinja2 templates and the filters the pages use."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from jixiao import __version__
from jixiao.store.domain import (
    FINDING_STATES,
    FORM_LABELS,
    GRADES,
    ROLE_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
)
from jixiao.store.queries import Facets, Page, TableFilter, TableSummary
from jixiao.web.detail_page import detail_html, finding_html, summary_html
from jixiao.web.format import change_field, esc, local_time, money, num, pct, query

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
HTMX = "htmx-2.0.11.min.js"
CHARTJS = "chart-4.6.1.umd.min.js"


def to_json(x: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block (``</`` escaped)."""
    text = json.dumps(x, ensure_ascii=False, default=str).replace("</", "<\\/")
    return Markup(text)


def static_url(name: str) -> str:
    """Own assets carry the package version; vendored ones have it in their file name."""
    return f"/static/{name}?v={__version__}"


# ---------------------------------------------------------------------------
# The tables list, built in Python: it is the busiest page (50 rows × 11 cells,
# sort links, pages) and f-strings render it several times faster than Jinja.

LIST_COLUMNS = (
    ("id", "编号"),
    ("project", "项目 / 单位"),
    ("unit", "所属单位"),
    ("year", "年度"),
    ("printed", "印制总分"),
    ("total", "重算总分"),
    ("grade", "等级"),
    ("status", "状态"),
    ("errors", "发现"),
    ("open", "待处理"),
    ("updated", "更新时间"),
)


def _link(q: dict[str, Any], text: str, **changes: Any) -> str:
    url = "/tables" + escape(query(q, **changes))
    return f'<a href="{url}" hx-get="{url}">{text}</a>'


QueryKey = tuple[tuple[str, Any], ...]


def list_head_html(q: dict[str, Any], sort: str, order: str) -> Markup:
    return _list_head(tuple(q.items()), sort, order)


@functools.lru_cache(maxsize=1024)
def _list_head(qkey: QueryKey, sort: str, order: str) -> Markup:
    # Cached: the same few sorts and filters come again and again, and the
    # links (urlencode) cost more than the rows.
    q = dict(qkey)
    cells = []
    for key, label in LIST_COLUMNS:
        is_sorted = sort == key
        next_order = "asc" if is_sorted and order == "desc" else "desc"
        arrow = f'<span class="arrow">{"↓" if order == "desc" else "↑"}</span>' if is_sorted else ""
        cls = f"col-{key}{' sorted' if is_sorted else ''}"
        link = _link(q, label + arrow, sort=key, order=next_order, page=None)
        cells.append(f'<th class="{cls}">{link}</th>')
    return Markup("<tr>" + "".join(cells) + "</tr>")


def _pill(n: int, sev: str, title: str) -> str:
    return f'<span class="pill sev-{sev}" title="{title}">{n}</span>' if n else ""


# Row HTML by the row's values: the same rows are listed again and again. Keyed
# by every value shown, so a changed table simply makes a new entry.
_ROWS: dict[tuple[Any, ...], str] = {}
MAX_CACHED_ROWS = 20_000


def list_rows_html(items: list[TableSummary]) -> Markup:
    rows = []
    for t in items:
        key = (
            t.id,
            t.form,
            t.year,
            t.project,
            t.unit_name,
            t.owner_unit,
            t.status,
            t.printed_total,
            t.recomputed_total,
            t.recomputed_grade,
            t.n_error,
            t.n_warning,
            t.n_info,
            t.n_open,
            t.updated_at,
        )
        html = _ROWS.get(key)
        if html is None:
            html = _list_row(t)
            if len(_ROWS) >= MAX_CACHED_ROWS:
                _ROWS.clear()
            _ROWS[key] = html
        rows.append(html)
    return Markup("".join(rows))


def _list_row(t: TableSummary) -> str:
    name = esc(t.project or t.unit_name or "（未命名）")
    differs = (
        t.printed_total is not None
        and t.recomputed_total is not None
        and abs(t.printed_total - t.recomputed_total) > 0.005
    )
    grade = (
        f'<span class="grade grade-{t.recomputed_grade}">{t.recomputed_grade}</span>'
        if t.recomputed_grade
        else '<span class="muted">—</span>'
    )
    findings = (
        _pill(t.n_error, "error", "错误")
        + _pill(t.n_warning, "warning", "警告")
        + _pill(t.n_info, "info", "提示")
    ) or '<span class="muted">无</span>'
    open_ = f"<b>{t.n_open}</b>" if t.n_open else '<span class="muted">0</span>'
    return (
        f'<tr><td class="num muted">{t.id}</td>'
        f'<td class="name"><a href="/tables/{t.id}">{name}</a>'
        f'<div class="sub">{FORM_LABELS.get(t.form, t.form)}</div></td>'
        f'<td class="unit">{esc(t.owner_unit or "—")}</td>'
        f'<td class="num">{t.year or "—"}</td>'
        f'<td class="num">{num(t.printed_total)}</td>'
        f'<td class="num{" differs" if differs else ""}">{num(t.recomputed_total)}</td>'
        f"<td>{grade}</td>"
        f'<td><span class="badge status-{t.status}">{STATUS_LABELS.get(t.status, t.status)}'
        f"</span></td>"
        f'<td class="counts">{findings}</td>'
        f'<td class="num">{open_}</td>'
        f'<td class="muted nowrap">{local_time(t.updated_at)}</td></tr>'
    )


def pager_html(q: dict[str, Any], page: Page) -> Markup:
    if page.pages <= 1:
        return Markup("")
    return _pager(tuple(q.items()), page.page, page.pages)


@functools.lru_cache(maxsize=4096)
def _pager(qkey: QueryKey, n: int, last: int) -> Markup:
    q = dict(qkey)
    lo, hi = max(1, n - 3), min(last, n + 3)
    parts = []
    if n > 1:
        parts.append(_link(q, "‹ 上一页", page=n - 1))
    if lo > 1:
        parts.append(_link(q, "1", page=1))
        if lo > 2:
            parts.append("<span>…</span>")
    for k in range(lo, hi + 1):
        parts.append(f'<span class="current">{k}</span>' if k == n else _link(q, str(k), page=k))
    if hi < last:
        if hi < last - 1:
            parts.append("<span>…</span>")
        parts.append(_link(q, str(last), page=last))
    if n < last:
        parts.append(_link(q, "下一页 ›", page=n + 1))
    return Markup('<nav class="pager" aria-label="分页">' + "".join(parts) + "</nav>")


SEVERITY_CHOICES = (
    ("error", "有错误"),
    ("warning", "有警告"),
    ("info", "有提示"),
    ("open", "有待处理"),
    ("none", "无发现"),
)


def _options(choices: Iterable[tuple[Any, str]], current: Any) -> str:
    return "".join(
        f'<option value="{esc(value)}"{" selected" if value == current else ""}>'
        f"{esc(label)}</option>"
        for value, label in choices
    )


def filter_selects_html(f: TableFilter, facets: Facets) -> Markup:
    """The filter menus of the tables list (units and years from the data)."""
    return _filter_selects(
        tuple(facets.units), tuple(facets.years), f.unit, f.year, f.form, f.grade, f.status,
        f.severity,
    )  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _filter_selects(
    units: tuple[str, ...],
    years: tuple[int, ...],
    unit: str | None,
    year: int | None,
    form: str | None,
    grade: str | None,
    status: str | None,
    severity: str | None,
) -> Markup:
    menus = (
        ("unit", "单位", "全部单位", [(u, u) for u in units], unit),
        ("year", "年度", "全部年度", [(y, str(y)) for y in years], year),
        ("form", "表类型", "全部表类型", FORM_LABELS.items(), form),
        ("grade", "等级", "全部等级", [*((g, g) for g in GRADES), ("none", "未评分")], grade),
        ("status", "状态", "全部状态", STATUS_LABELS.items(), status),
        ("severity", "发现", "全部发现", SEVERITY_CHOICES, severity),
    )
    return Markup(
        "".join(
            f'<select name="{name}" aria-label="{label}"><option value="">{all_}</option>'
            f"{_options(choices, current)}</select>"
            for name, label, all_, choices, current in menus
        )
    )


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters.update(money=money, num=num, pct=pct, dt=local_time, tojson_script=to_json)
    env.globals.update(
        FORM_LABELS=FORM_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        SEVERITY_LABELS=SEVERITY_LABELS,
        FINDING_STATES=FINDING_STATES,
        static=static_url,
        change_field=change_field,
        detail=detail_html,
        finding=finding_html,
        summary=summary_html,
        list_head=list_head_html,
        list_rows=list_rows_html,
        filter_selects=filter_selects_html,
        pager=pager_html,
        query=query,
        HTMX=HTMX,
        CHARTJS=CHARTJS,
        version=__version__,
    )
    env.auto_reload = False  # templates are package data: no mtime check per render
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates
