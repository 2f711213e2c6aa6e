"""The workbench in a real browser: Playwright drives Debian's Chromium.

Log in, upload a seed file, open a table, dismiss a finding with a note,
correct a cell and see the total change, open the dashboard. Screenshots go to
``artifacts/web/`` (gitignored). Needs ``apt-get install chromium fonts-noto-cjk``
(never ``playwright install``: the browser comes from Debian).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jixiao.store.auth import create_user
from jixiao.store.db import make_engine, migrate, session_factory

from webutil import ARTIFACTS, PINGAN, Server, start_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PASSWORD = "browser-test-pass-1"

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="browser tests need the playwright package (pip install -e '.[dev]')",
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Debian's chromium: apt-get install chromium fonts-noto-cjk",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'jixiao.db'}"
    engine = make_engine(url)
    migrate(engine)
    with session_factory(engine)() as db:
        create_user(db, "reviewer", PASSWORD, "审核人", display_name="王审核")
        db.commit()
    engine.dispose()
    srv = start_server("--db", url)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def page(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1500, "height": 950},
            locale="zh-CN",
            base_url=server.url,
        )
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        pg.on(
            "console",
            lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        pg.errors = errors  # type: ignore[attr-defined]
        yield pg
        context.close()


def shot(page: Any, name: str, full: bool = True) -> None:
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def test_reviewer_flow_in_a_browser(page: Any) -> None:
    from playwright.sync_api import expect

    # 1. Log in (any page sends an anonymous visitor to the login page).
    page.goto("/tables")
    assert "/login" in page.url
    shot(page, "01-login", full=False)
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/tables")
    assert page.locator(".who-name").inner_text() == "王审核"

    # 2. Upload a seed file; the result lists the tables found.
    page.click("nav >> text=上传")
    page.set_input_files("#files", str(PINGAN))
    assert PINGAN.name in page.locator("#chosen").inner_text()
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-results >> text=读取到 5 张表")
    shot(page, "02-upload")

    # 3. Open a table.
    page.click("#upload-results >> text=平安办工作经费（2023）")
    page.wait_for_selector("#detail")
    assert page.locator("#recomputed-total").inner_text() == "96"
    assert page.locator("#printed-total").inner_text() == "96"
    shot(page, "03-table")
    page.locator("#indicator-5").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "03b-table-indicators.png"))

    # 4. Dismiss a finding with a note.
    card = page.locator("#indicator-16 .finding").first
    card_id = card.get_attribute("id")
    card.locator("details.dismiss summary").click()
    card.locator("textarea[name=note]").fill("2023 年全市未开展测评，属客观原因")
    card.locator("button:has-text('确认驳回')").click()
    dismissed = page.locator(f"#{card_id}")
    # expect() retries until HTMX has finished swapping the card in.
    expect(dismissed).to_have_class(re.compile(r"\bstate-dismissed\b"))
    expect(dismissed.locator(".f-state")).to_have_text("已驳回")
    expect(dismissed).to_contain_text("2023 年全市未开展测评")

    # 5. Correct a cell: the 执行数; the recomputed total changes at once.
    cell = page.locator('td[data-field="funds.0.executed"]')
    cell.hover()
    cell.locator("button.edit").click()
    editor = page.locator("form.cell-edit")
    editor.locator("input[name=value]").fill("6000000")
    editor.locator("input[name=note]").fill("按决算数更正")
    editor.locator("button:has-text('保存')").click()
    expect(page.locator("#recomputed-total")).to_have_text("90.68")
    expect(page.locator("#printed-total")).to_have_text("96")
    expect(page.locator('td[data-field="funds.0.executed"]')).to_have_class(
        re.compile(r"\bcorrected\b")
    )
    expect(page.locator("#flash >> text=已重新计分和审核")).to_have_count(1)
    history = page.locator("table.history").inner_text()
    assert "更正" in history and "年度资金总额·全年执行数" in history
    assert "驳回发现" in history
    shot(page, "04-table-corrected")

    # 6. The tables list and the dashboard.
    page.click("nav >> text=绩效表")
    page.wait_for_selector("#list")
    shot(page, "05-tables")
    page.click("nav >> text=仪表板")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-grades')")
    page.wait_for_timeout(600)  # let the animations settle for the screenshot
    for chart in ("chart-grades", "chart-totals", "chart-rate", "chart-codes", "chart-units"):
        assert page.evaluate(f"() => !!Chart.getChart('{chart}')"), chart
    shot(page, "06-dashboard")

    assert page.errors == []  # type: ignore[attr-defined]
