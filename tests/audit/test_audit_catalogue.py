"""docs/checks.md is generated from the code and must stay in step with it."""

from __future__ import annotations

from pathlib import Path

from jixiao.audit import CHECKS
from jixiao.audit.catalogue import catalogue
from jixiao.audit.examples import FAULTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "checks.md"
REGENERATE = "python -m jixiao.audit.catalogue > docs/checks.md"


def test_catalogue_is_up_to_date() -> None:
    assert DOC.exists(), f"docs/checks.md is missing: run `{REGENERATE}`"
    assert DOC.read_text(encoding="utf-8") == catalogue(), (
        f"docs/checks.md is stale: run `{REGENERATE}`"
    )


def test_every_check_is_documented_with_an_example() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code, info in CHECKS.items():
        assert f"### `{code}` — {info.title}" in text, f"{code} is not in docs/checks.md"
        assert code in FAULTS, f"{code} has no example fault"
        section = text.split(f"### `{code}`", 1)[1].split("\n### ", 1)[0]
        assert "示例（" in section and "> 期望" in section, f"{code} has no example finding"


def test_checks_are_described_for_people() -> None:
    for code, info in CHECKS.items():
        assert code == code.lower() and " " not in code
        assert info.severity in ("error", "warning", "info")
        assert info.title and "\n" not in info.title and len(info.title) <= 20, code
        assert len(info.description) >= 30, code
        assert info.template and not info.template.endswith("。"), code
        # Arithmetic checks say how numbers are compared.
        if info.group == "arithmetic" and info.severity == "error" and code != "negative-amount":
            assert info.tolerance, code
