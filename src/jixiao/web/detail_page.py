"""The page of one table, built in Python.

A table's page has a hundred editable cells and dozens of findings with their
review forms; built with f-strings over plain ``str`` (escaped by
:func:`~jixiao.web.format.esc`) it costs a fraction of the Jinja template it
replaces. The markup is the same: ids, classes and ``hx-*`` attributes are what
the tests, ``app.js`` and HTMX rely on.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from jixiao.store.domain import FINDING_STATES, FORM_LABELS, SEVERITY_LABELS, STATUS_LABELS
from jixiao.store.queries import Change, FindingRow
from jixiao.web.format import change_field, esc, local_time, money, num, pct
from jixiao.web.views import CellView, DetailView

EMPTY = '<span class="muted">—</span>'
METHOD_LABELS = {
    "quantitative": "定量",
    "qualitative": "定性",
    "as_printed": "按印制",
    "not_scored": "不计分",
}
GOAL_LABELS = {
    "goals.overall": "项目总目标",
    "goals.annual": "年度总体目标",
    "goals.achieved": "实际完成情况",
}
ACTION_LABELS = {
    "upload": "上传",
    "correct": "更正",
    "rescore": "重新计分",
    "status": "状态",
    "finding.confirm": "确认发现",
    "finding.dismiss": "驳回发现",
    "finding.reopen": "重新打开发现",
}


# ---------------------------------------------------------------------------
# Cells


def _show(c: CellView) -> str:
    v = c.value
    if v is None or v == "":
        return EMPTY
    if c.kind == "money":
        return esc(money(v))
    if c.kind == "number":
        return esc(num(v))
    if c.kind == "percent":
        return esc(num(v)) + "%"
    return esc(v)


def _cell(v: DetailView, c: CellView, cls: str = "") -> str:
    classes = f"cell k-{c.kind}{' corrected' if c.corrected else ''}{' ' + cls if cls else ''}"
    title = ""
    if c.corrected:
        before = "（空）" if c.original is None else str(c.original)
        title = f' title="已更正；原值：{esc(before)}"'
    edit = ""
    if v.can_edit:
        # Field paths are ASCII ([a-z_.0-9]) but for level1_weights.<name>.
        field = c.field if c.field.isascii() and c.field.isprintable() else quote(c.field)
        edit = (
            f'<button class="edit" type="button" title="更正" aria-label="更正" '
            f'hx-get="/tables/{v.st.id}/edit?field={esc(field)}&amp;version={v.st.version}" '
            f'hx-target="closest td" hx-swap="innerHTML">✎</button>'
        )
    return (
        f'<td class="{classes}" data-field="{esc(c.field)}"{title}>'
        f'<span class="val">{_show(c)}</span>{edit}</td>'
    )


# ---------------------------------------------------------------------------
# Findings


def _review_form(v: DetailView, f: FindingRow, csrf: str, action: str, inner: str) -> str:
    url = f"/tables/{v.st.id}/findings/{f.id}"
    return (
        f'<form method="post" action="{url}" hx-post="{url}" hx-target="#finding-{f.id}" '
        f'hx-swap="outerHTML"><input type="hidden" name="csrf_token" value="{esc(csrf)}">'
        f'<input type="hidden" name="action" value="{action}">'
        f'<input type="hidden" name="version" value="{f.version}">{inner}</form>'
    )


def _finding(v: DetailView, f: FindingRow, csrf: str) -> str:
    parts = [
        f'<div class="finding sev-{esc(f.severity)} state-{esc(f.state)}" '
        f'id="finding-{f.id}" data-code="{esc(f.code)}"><div class="f-head">'
        f'<span class="sev">{esc(SEVERITY_LABELS.get(f.severity, ""))}</span>'
        f'<span class="f-title">{esc(f.title)}</span>'
        f'<span class="f-state">{esc(FINDING_STATES.get(f.state, ""))}</span></div>'
        f'<div class="f-msg">{esc(f.message)}</div>'
    ]
    if f.cause:
        parts.append(f'<div class="f-cause">可能原因：{esc(f.cause)}</div>')
    reviewer = f.reviewed_by
    if f.note or reviewer:
        note = f"说明：{esc(f.note)}" if f.note else ""
        who = esc(reviewer.label) if reviewer else ""
        parts.append(
            f'<div class="f-note">{note}<span class="muted"> — {who} '
            f"{local_time(f.reviewed_at)}</span></div>"
        )
    if v.can_review:
        parts.append('<div class="f-actions">')
        if f.state != "confirmed":
            button = '<button class="btn-xs ok" type="submit">确认</button>'
            parts.append(_review_form(v, f, csrf, "confirm", button))
        if f.state != "dismissed":
            inner = (
                '<textarea name="note" rows="2" required placeholder="驳回理由（必填）" '
                'aria-label="驳回理由"></textarea>'
                '<button class="btn-xs danger" type="submit">确认驳回</button>'
            )
            parts.append(
                '<details class="dismiss"><summary class="btn-xs">驳回…</summary>'
                + _review_form(v, f, csrf, "dismiss", inner)
                + "</details>"
            )
        if f.state != "open":
            button = '<button class="btn-xs ghost" type="submit">重新打开</button>'
            parts.append(_review_form(v, f, csrf, "reopen", button))
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _findings(v: DetailView, items: list[FindingRow], csrf: str) -> str:
    return "".join([_finding(v, f, csrf) for f in items])


def _findings_cell(v: DetailView, items: list[FindingRow], csrf: str) -> str:
    return f'<td class="findings-cell">{_findings(v, items, csrf)}</td>'


def finding_html(v: DetailView, f: FindingRow, csrf: str) -> Markup:
    """One finding with its review buttons."""
    return Markup(_finding(v, f, csrf))


# ---------------------------------------------------------------------------
# The summary above the form (also sent alone, out of band, after a review)


def summary_html(v: DetailView, oob: bool = False) -> Markup:
    st, s = v.st, v.score
    swap = ' hx-swap-oob="true"' if oob else ""
    out = [f'<div id="detail-summary" class="summary"{swap}>']
    if s.scored:
        printed_sub = f"等级 {esc(s.printed_grade)}" if s.printed_grade else ""
        if s.printed_sum is not None:
            printed_sub += f" · 各项合计 {num(s.printed_sum)}"
        band = f"可接受区间 {num(s.total_band[0])}–{num(s.total_band[1])}" if s.total_band else ""
        if v.total_differs and s.printed_total is not None and s.recomputed_total is not None:
            band += f" · 差 {num(s.printed_total - s.recomputed_total)}"
        grade = (
            f'<span class="grade big grade-{esc(s.recomputed_grade)}">{esc(s.recomputed_grade)}</span>'
            if s.recomputed_grade
            else "—"
        )
        weight = ""
        if s.execution and s.execution.weight:
            weight = f" / {num(s.execution.weight)}"
        out.append(
            '<div class="stat"><div class="stat-label">印制总分</div>'
            f'<div class="stat-value" id="printed-total">{num(s.printed_total)}</div>'
            f'<div class="stat-sub">{printed_sub}</div></div>\n'
            f'<div class="stat {"differs" if v.total_differs else ""}">'
            '<div class="stat-label">重算总分</div>'
            f'<div class="stat-value" id="recomputed-total">{num(s.recomputed_total)}</div>'
            f'<div class="stat-sub">{band}</div></div>\n'
            '<div class="stat"><div class="stat-label">等级（重算）</div>'
            f'<div class="stat-value">{grade}</div>'
            f'<div class="stat-sub">规则 {esc(st.rules)}</div></div>\n'
            '<div class="stat"><div class="stat-label">预算执行率</div>'
            f'<div class="stat-value">{pct(s.execution_rate)}</div>'
            f'<div class="stat-sub">得分 {num(s.execution_score)}{weight}</div></div>\n'
        )
    else:
        out.append(
            '<div class="stat wide-stat"><div class="stat-label">目标表</div>'
            '<div class="stat-value small">不计分</div>'
            '<div class="stat-sub">检查指标设置、分值与资金</div></div>\n'
        )
    resolved = f" · 已消除 {len(v.resolved)} 条" if v.resolved else ""
    out.append(
        '<div class="stat findings-stat"><div class="stat-label">审核发现</div>'
        '<div class="stat-value">\n'
        f'<span class="pill sev-error" title="错误">错误 {st.n_error}</span>\n'
        f'<span class="pill sev-warning" title="警告">警告 {st.n_warning}</span>\n'
        f'<span class="pill sev-info" title="提示">提示 {st.n_info}</span>\n'
        "</div>"
        f'<div class="stat-sub">待处理 <b id="open-count">{st.n_open}</b> 条{resolved}</div>'
        "</div>\n</div>"
    )
    return Markup("".join(out))


# ---------------------------------------------------------------------------
# The form's rows


def _fund_rows(v: DetailView, csrf: str) -> str:
    by_group = v.table.form == "department_self_evaluation"
    rows = []
    for r in v.funds:
        cls = f"{'exec-row' if r.is_execution else ''} {'has-findings' if r.findings else ''}"
        title = f' title="{esc(r.reason)}"' if r.reason else ""
        parts = [f'<tr id="{r.key}" class="{cls}">']
        if by_group:
            parts.append(f'<td class="label">{esc(r.group or "")}</td>')
        parts.append(_cell(v, r.item, "label"))
        for key, _label in v.fund_columns:
            parts.append(_cell(v, r.cells[key], "num"))
            if key == "rate":
                rate = "—" if r.recomputed_rate is None else num(r.recomputed_rate) + "%"
                differs = "differs" if r.rate_differs else ""
                parts.append(f'<td class="num recomputed {differs}"{title}>{rate}</td>')
            elif key == "score":
                differs = "differs" if r.score_differs else ""
                parts.append(
                    f'<td class="num recomputed {differs}"{title}>{num(r.recomputed_score)}</td>'
                )
        parts.append(_row_end(v, r.source, r.findings, csrf))
        rows.append("".join(parts))
    return "".join(rows)


def _row_end(v: DetailView, source: str, findings: list[FindingRow], csrf: str) -> str:
    """The cells every form row ends with: where it was read, and its findings."""
    return f'<td class="src">{esc(source)}</td>{_findings_cell(v, findings, csrf)}</tr>\n'


def _indicator_rows(v: DetailView, csrf: str) -> str:
    """The indicator rows of the form, 一级 / 二级 labels merged as printed."""
    weights = v.table.level1_weights
    rows = []
    for r in v.indicators:
        parts = [
            f'<tr id="{r.key}" class="{"has-findings" if r.findings else ""}">'
            f'<td class="num muted narrow">{r.index}</td>'
        ]
        if r.level1_span:
            weight = ""
            if r.level1 and weights.get(r.level1) is not None:
                weight = f'<div class="muted">（{num(weights[r.level1])} 分）</div>'
            parts.append(
                f'<td class="label merged" rowspan="{r.level1_span}">'
                f"{esc(r.level1 or '')}{weight}</td>"
            )
        if r.level2_span:
            parts.append(
                f'<td class="label merged" rowspan="{r.level2_span}">{esc(r.level2 or "")}</td>'
            )
        for key, _label in v.indicator_columns:
            cls = "num" if key in ("weight", "score") else "col-" + key
            parts.append(_cell(v, r.cells[key], cls))
            if key == "score":
                if r.method == "qualitative" and r.band:
                    value = f'<span class="band">{num(r.band[0])}–{num(r.band[1])}</span>'
                elif r.method == "not_scored":
                    value = EMPTY
                else:
                    value = num(r.recomputed)
                method = ""
                if r.method:
                    label = METHOD_LABELS.get(r.method, "")
                    method = f'<div class="method m-{esc(r.method)}">{label}</div>'
                parts.append(
                    f'<td class="num recomputed {"differs" if r.differs else ""}" '
                    f'title="{esc(r.reason)}">{value}{method}</td>'
                )
        parts.append(_row_end(v, r.source, r.findings, csrf))
        rows.append("".join(parts))
    return "".join(rows)


def _total_row(v: DetailView, csrf: str) -> str:
    s = v.score
    keys = [key for key, _label in v.indicator_columns]
    execution = ""
    if s.scored and s.execution_score is not None:
        execution = f'<span class="muted">（含预算执行率 {num(s.execution_score)} 分）</span>'
    parts = [
        '<tr id="total" class="total-row"><td></td>'
        f'<th colspan="{2 + keys.index("weight")}" class="total-label">总分{execution}</th>',
        _cell(v, v.total["weight"], "num"),
    ]
    if "score" in keys:
        grade = ""
        if s.recomputed_grade:
            g = esc(s.recomputed_grade)
            grade = f' <span class="grade grade-{g}">{g}</span>'
        parts.append(_cell(v, v.total["score"], "num"))
        parts.append(
            f'<td class="num recomputed total-recomputed {"differs" if v.total_differs else ""}">'
            f"<b>{num(s.recomputed_total)}</b>{grade}</td>"
        )
    rest = len(keys) - keys.index("weight") - (2 if "score" in keys else 1)
    if rest > 0:
        parts.append(f'<td colspan="{rest}"></td>')
    parts.append('<td class="src"></td>')
    parts.append(_findings_cell(v, v.row_findings("total"), csrf))
    parts.append("</tr>\n")
    return "".join(parts)


# ---------------------------------------------------------------------------
# The change log


def _logged(c: Change, value: Any, new: bool) -> str:
    if c.action == "status":
        return esc(STATUS_LABELS.get(value, value))
    if isinstance(value, dict):
        state = value.get("state")
        if state:
            return esc(FINDING_STATES.get(state, state))
        if new:
            return esc(value.get("file") or value)
        return esc(value)
    return "" if value is None else esc(value)


def _history(v: DetailView, history: list[Change]) -> str:
    record = v.st.record
    rows = [
        f'<tr><td class="nowrap muted">{local_time(c.at, True)}</td>'
        f"<td>{esc(c.username)}</td>"
        f"<td>{esc(ACTION_LABELS.get(c.action, c.action))}</td>"
        f"<td>{esc(change_field(c.field, record))}</td>"
        f'<td class="val-old">{_logged(c, c.old, False)}</td>'
        f'<td class="val-new">{_logged(c, c.new, True)}</td>'
        f"<td>{esc(c.note or '')}</td></tr>\n"
        for c in history
    ]
    return (
        '<details class="card" open>'
        f'<summary><h2 class="inline-h">修改记录（{len(history)}）</h2></summary>'
        '<table class="grid compact history"><thead><tr><th>时间</th><th>用户</th><th>操作</th>'
        "<th>字段</th><th>原值</th><th>新值</th><th>说明</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></details>\n"
    )


# ---------------------------------------------------------------------------
# The page


def _status_actions(v: DetailView, csrf: str) -> str:
    st = v.st
    url = f"/tables/{st.id}/status"
    parts = []
    for to, label in v.transitions:
        hidden = (
            f'<input type="hidden" name="csrf_token" value="{esc(csrf)}">'
            f'<input type="hidden" name="to" value="{esc(to)}">'
            f'<input type="hidden" name="version" value="{st.version}">'
        )
        form = (
            f'method="post" action="{url}" hx-post="{url}" hx-target="#detail" hx-swap="outerHTML"'
        )
        if to == "returned":
            parts.append(
                f'<details class="popover"><summary class="btn warn">{esc(label)}…</summary>'
                f'<form class="pop" {form}>{hidden}'
                '<textarea name="note" rows="3" required placeholder="退回原因（必填）" '
                'aria-label="退回原因"></textarea>'
                f'<button class="btn warn" type="submit">确认{esc(label)}</button></form></details>\n'
            )
        else:
            cls = "btn primary" if to in ("approved", "submitted") else "btn"
            parts.append(
                f'<form class="inline" {form}>{hidden}'
                f'<button class="{cls}" type="submit">{esc(label)}</button></form>\n'
            )
    return "".join(parts)


def detail_html(
    v: DetailView, history: list[Change], csrf: str, flash: str | None = None
) -> Markup:
    """The table's page below the top bar (``#detail``, swapped whole by HTMX)."""
    st, t, s = v.st, v.table, v.score
    form_label = FORM_LABELS.get(t.form, "")
    dept = t.form == "department_self_evaluation"
    out: list[str] = [f'<div id="detail" class="detail" data-version="{st.version}">\n']
    w = out.append
    if flash:
        w(
            '<div id="flash" hx-swap-oob="true"><div class="alert alert-ok" role="status">'
            f"<span>{esc(flash)}</span>"
            '<button type="button" class="alert-close js-close" aria-label="关闭">×</button>'
            "</div></div>\n"
        )
    year = f"<span>{esc(t.year)} 年度</span>\n" if t.year else ""
    updater = f" · {esc(st.updated_by.label)}" if st.updated_by else ""
    w(
        '<div class="page-head"><div>'
        f'<div class="crumbs"><a href="/tables">绩效表</a> / #{st.id}</div>'
        f"<h1>{esc(t.project or t.unit_name or t.title or '（未命名）')}</h1>"
        '<div class="meta">\n'
        f'<span class="badge form">{esc(form_label)}</span>\n{year}'
        f'<span class="badge status-{esc(st.status)}" id="status-badge">'
        f"{esc(STATUS_LABELS.get(st.status, ''))}</span>\n"
        f'<span class="muted">版本 {st.version}</span>\n'
        f'<span class="muted">来源 <a href="/files/{st.file_id}" title="下载原文件">'
        f"{esc(st.file.name)}</a>（第 {st.position + 1} 张表）</span>\n"
        f'<span class="muted">更新 {local_time(st.updated_at)}{updater}</span>\n'
        "</div></div>"
        f'<div class="actions">\n{_status_actions(v, csrf)}'
        f'<a class="btn ghost" href="/tables/{st.id}.json">JSON</a></div></div>\n'
    )
    w(summary_html(v))
    w("\n")
    if v.corrections:
        w(
            f'<div class="notice">已更正 {len(v.corrections)} 处（黄色单元格，鼠标悬停可见原值）。'
            "计分与审核均按更正后的数据。</div>\n"
        )
    if not v.can_edit and st.status == "approved":
        w('<div class="notice">此表已审核，内容已锁定。</div>\n')
    top = v.row_findings("table") + v.row_findings("indicators")
    if top:
        w(
            '<section class="card"><h2>整表发现</h2>'
            f'<div class="finding-list">{_findings(v, top, csrf)}</div></section>\n'
        )

    # The form as printed: header, money rows, goals, indicators with the total.
    money_unit = f'<span class="right">金额单位：{esc(t.money_unit)}</span>' if t.money_unit else ""
    w(
        '<section class="sheet card">'
        f'<div class="sheet-title">{esc(t.title or form_label)}</div>'
        f'<div class="sheet-sub">（{esc(t.year or "—")} 年度）{money_unit}</div>'
        '<table class="form-table header-table"><tbody>\n'
    )
    for c in v.header:
        label = "单位名称" if c.field == "unit_name" and dept else c.label
        w(f"<tr><th>{esc(label)}</th>{_cell(v, c)}</tr>\n")
    if t.period:
        w(f"<tr><th>实施期间</th><td>{esc(t.period[0])} 至 {esc(t.period[1])}</td></tr>\n")
    w("</tbody></table>\n")

    unit = f'<span class="muted">（{esc(t.money_unit)}）</span>' if t.money_unit else ""
    w(f'<h2 class="sec">{"预算执行情况" if dept else "项目资金"}{unit}</h2>\n')
    funds_found = v.row_findings("funds")
    if funds_found:
        w(f'<div class="finding-list">{_findings(v, funds_found, csrf)}</div>\n')
    if v.funds:
        head = ["<th>分组</th>"] if dept else []
        head.append("<th>项目</th>")
        for key, label in v.fund_columns:
            if key in ("rate", "score"):
                head.append(
                    f'<th class="printed">{esc(label)}<small>印制</small></th>'
                    f'<th class="recomputed">{esc(label)}<small>重算</small></th>'
                )
            else:
                head.append(f"<th>{esc(label)}</th>")
        w(
            '<div class="scroll-x"><table class="form-table funds"><thead><tr>'
            f'{"".join(head)}<th class="src">来源</th><th class="fcol">审核发现</th>'
            f"</tr></thead><tbody>\n{_fund_rows(v, csrf)}</tbody></table></div>\n"
        )
    else:
        w('<p class="muted">表中没有资金行。</p>\n')

    w('<h2 class="sec">绩效目标</h2><table class="form-table goals"><tbody>\n')
    for i, c in enumerate(v.goals):
        first = i == 0
        found = ""
        if first:
            items = _findings(v, v.row_findings("goals"), csrf)
            found = f'<td class="findings-cell" rowspan="{len(v.goals)}">{items}</td>'
        row_id = ' id="goals"' if first else ""
        w(
            f"<tr{row_id}><th>{esc(GOAL_LABELS.get(c.field, ''))}</th>"
            f"{_cell(v, c, 'text-block')}{found}</tr>\n"
        )
    w("</tbody></table>\n")

    w('<h2 class="sec">绩效指标</h2>\n')
    if v.level1_weights:
        weights = "".join(
            f'<span class="w">{esc(name)} {_show(c)}</span>' for name, c in v.level1_weights
        )
        w(f'<div class="weights">一级指标分值：{weights}</div>\n')
    head = ['<th class="narrow">#</th><th>一级指标</th><th>二级指标</th>']
    for key, label in v.indicator_columns:
        if key == "score":
            head.append(
                '<th class="printed">得分<small>印制</small></th>'
                '<th class="recomputed">得分<small>重算</small></th>'
            )
        else:
            head.append(f'<th class="col-{esc(key)}">{esc(label)}</th>')
    total = _total_row(v, csrf) if t.total or s.scored else ""
    w(
        '<div class="scroll-x"><table class="form-table indicators"><thead><tr>'
        f'{"".join(head)}<th class="src">来源</th><th class="fcol">审核发现</th></tr></thead>'
        f"<tbody>\n{_indicator_rows(v, csrf)}{total}</tbody></table></div>\n</section>\n"
    )

    if t.unparsed:
        rows = "".join(
            f'<tr><td class="num">{esc(u.line)}</td><td>{esc(u.text)}</td>'
            f'<td class="muted">{esc(u.reason)}</td></tr>'
            for u in t.unparsed
        )
        w(
            '<details class="card">'
            f'<summary><h2 class="inline-h">未解析的行（{len(t.unparsed)}）</h2></summary>'
            '<table class="grid compact"><thead><tr><th>行</th><th>内容</th><th>原因</th></tr>'
            f"</thead><tbody>{rows}</tbody></table></details>\n"
        )
    if v.resolved:
        items = "".join(f"<li><b>{esc(f.title)}</b>：{esc(f.message)}</li>" for f in v.resolved)
        w(
            '<details class="card">'
            f'<summary><h2 class="inline-h">已消除的发现（{len(v.resolved)}）</h2></summary>'
            f'<ul class="resolved">{items}</ul></details>\n'
        )
    w(_history(v, history))
    w("</div>\n")
    return Markup("".join(out))
