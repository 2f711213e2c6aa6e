"""The HTML report in a real browser: headless Chromium renders and prints it.

Needs Debian's ``chromium`` and a CJK font (``fonts-noto-cjk``); skipped when
they are absent. Screenshots and the printed PDF go to ``artifacts/``
(gitignored) for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import jixiao
from jixiao.audit import audit
from jixiao.audit.render import render_html

from seeds import REPO, seed_files

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "artifacts"


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    out = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="headless browser check needs Debian chromium: apt-get install chromium fonts-noto-cjk",
    ),
    pytest.mark.skipif(
        not _has_cjk_font(), reason="no CJK font for the report: apt-get install fonts-noto-cjk"
    ),
]


def _chromium(*args: str) -> None:
    cmd = [
        str(CHROMIUM),
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--no-first-run",
        "--no-pdf-header-footer",
        *args,
    ]
    subprocess.run(cmd, capture_output=True, timeout=120, check=True)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_html_report_renders_and_prints(tmp_path: Path) -> None:
    reports = [audit(t) for p in seed_files() for t in jixiao.read(p)]
    page = tmp_path / "audit-report.html"
    page.write_text(render_html(reports), encoding="utf-8")
    url = page.resolve().as_uri()

    top = tmp_path / "audit-report.png"
    _chromium("--window-size=1280,1800", f"--screenshot={top}", url)
    assert _png_size(top) == (1280, 1800)
    # A page of Chinese text and coloured findings is far from a blank image.
    assert top.stat().st_size > 60_000

    narrow = tmp_path / "audit-report-narrow.png"
    _chromium("--window-size=420,1400", f"--screenshot={narrow}", url)
    assert _png_size(narrow) == (420, 1400) and narrow.stat().st_size > 20_000

    pdf = tmp_path / "audit-report.pdf"
    _chromium(f"--print-to-pdf={pdf}", url)
    data = pdf.read_bytes()
    assert (
        data.startswith(b"%PDF") and data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 5
    )

    ARTIFACTS.mkdir(exist_ok=True)
    for f in (page, top, narrow, pdf):
        shutil.copyfile(f, ARTIFACTS / f.name)
