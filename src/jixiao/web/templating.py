"""Jinja2 templates and the filters the pages use."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from jixiao import __version__
from jixiao.store.auth import aware
from jixiao.store.domain import (
    FINDING_STATES,
    FORM_LABELS,
    ROLE_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
)
from jixiao.store.queries import Page, TableSummary
from jixiao.store.tables import field_label
from jixiao.web.views import CellView, DetailView

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
HTMX = "htmx-2.0.11.min.js"
CHARTJS = "chart-4.6.1.umd.min.js"


def money(x: Any) -> str:
    """``12,814,895.16``; up to 4 decimals; ``—`` for none."""
    if x is None or x == "":
        return "—"
    v = float(x)
    if v == int(v):
        return f"{int(v):,}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def num(x: Any, decimals: int = 2) -> str:
    if x is None or x == "":
        return "—"
    v = round(float(x), decimals)
    if v == int(v):
        return str(int(v))
    return f"{v:.{decimals}f}".rstrip("0").rstrip(".")


def pct(x: Any) -> str:
    return "—" if x is None else f"{float(x):.2f}%"


LOCAL_TZ = datetime.now().astimezone().tzinfo  # the server's zone, looked up once


def local_time(x: datetime | None, seconds: bool = False) -> str:
    if x is None:
        return "—"
    return (
        aware(x).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    )


def to_json(x: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block (``</`` escaped)."""
    text = json.dumps(x, ensure_ascii=False, default=str).replace("</", "<\\/")
    return Markup(text)


def static_url(name: str) -> str:
    """Own assets carry the package version; vendored ones have it in their file name."""
    return f"/static/{name}?v={__version__}"


def query(base: dict[str, Any], **changes: Any) -> str:
    """A query string: ``base`` with ``changes`` (None removes a key)."""
    merged = {k: v for k, v in {**base, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else ""


def change_field(field: str | None, record: dict[str, Any] | None = None) -> str:
    """A change-log field in words: ``年度资金总额·全年执行数``, ``发现：vague-target``."""
    if not field:
        return ""
    if field.startswith("finding:"):
        return "发现 " + field.split(":", 1)[1]
    if field == "recomputed_total":
        return "重算总分"
    if field == "status":
        return "状态"
    return field_label(field, record)


def show(c: CellView) -> Markup:
    """A cell's value as printed: money with separators, numbers trimmed, ``—`` when empty."""
    v = c.value
    if v is None or v == "":
        return Markup('<span class="muted">—</span>')
    if c.kind == "money":
        return Markup(escape(money(v)))
    if c.kind == "number":
        return Markup(escape(num(v)))
    if c.kind == "percent":
        return Markup(escape(num(v)) + "%")
    return escape(str(v))


def cell_html(v: DetailView, c: CellView, cls: str = "") -> Markup:
    """One editable cell of the form (built in Python: pages have hundreds of them)."""
    classes = f"cell k-{c.kind}{' corrected' if c.corrected else ''}{' ' + cls if cls else ''}"
    title = ""
    if c.corrected:
        before = "（空）" if c.original is None else str(c.original)
        title = f' title="已更正；原值：{escape(before)}"'
    edit = ""
    if v.can_edit:
        # Field paths are ASCII ([a-z_.0-9]) but for level1_weights.<name>.
        field = c.field if c.field.isascii() and c.field.isprintable() else quote(c.field)
        edit = (
            f'<button class="edit" type="button" title="更正" aria-label="更正" '
            f'hx-get="/tables/{v.st.id}/edit?field={escape(field)}&amp;version={v.st.version}" '
            f'hx-target="closest td" hx-swap="innerHTML">✎</button>'
        )
    return Markup(
        f'<td class="{classes}" data-field="{escape(c.field)}"{title}>'
        f'<span class="val">{show(c)}</span>{edit}</td>'
    )


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


def list_head_html(q: dict[str, Any], sort: str, order: str) -> Markup:
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


def list_rows_html(items: list[TableSummary]) -> Markup:
    rows = []
    for t in items:
        name = escape(t.project or t.unit_name or "（未命名）")
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
        rows.append(
            f'<tr><td class="num muted">{t.id}</td>'
            f'<td class="name"><a href="/tables/{t.id}">{name}</a>'
            f'<div class="sub">{FORM_LABELS.get(t.form, t.form)}</div></td>'
            f'<td class="unit">{escape(t.owner_unit or "—")}</td>'
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
    return Markup("".join(rows))


def pager_html(q: dict[str, Any], page: Page) -> Markup:
    if page.pages <= 1:
        return Markup("")
    n, last = page.page, page.pages
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
        cell=cell_html,
        list_head=list_head_html,
        list_rows=list_rows_html,
        pager=pager_html,
        show=show,
        query=query,
        HTMX=HTMX,
        CHARTJS=CHARTJS,
        version=__version__,
    )
    env.auto_reload = False  # templates are package data: no mtime check per render
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates
