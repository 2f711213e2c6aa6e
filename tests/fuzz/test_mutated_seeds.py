"""Mutated seed text never crashes the reader and never loses a line."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.api import recognize_sheets
from jixiao.errors import JixiaoError
from jixiao.readers import read_bytes
from jixiao.readers.clean import clean_cell
from jixiao.readers.text import read_tsv

from seeds import seed_files

SEED_LINES = [f.read_text(encoding="utf-8").splitlines() for f in seed_files()]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(draw(st.sampled_from(SEED_LINES)))
    for _ in range(draw(st.integers(0, 12))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "noise", "tabs"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif op == "noise":
            junk = draw(st.binary(min_size=1, max_size=20)).decode("utf-8", "replace")
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + junk + lines[i][at:]
        else:
            lines[i] = "\t" * draw(st.integers(0, 3)) + lines[i].replace("\t", "\t" * 2, 1)
    return "\n".join(lines)


def _has_content(line: str) -> bool:
    return any(clean_cell(part) for part in line.split("\t"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_no_crash_and_no_lost_line(text: str) -> None:
    tables = recognize_sheets([read_tsv(text, "fuzz.txt")])
    if not tables:
        return  # the CLI reports "no table found" for such input
    used = {line for t in tables for line in t.used_lines}
    unparsed = {u.line for t in tables for u in t.unparsed}
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and _has_content(line):
            assert number in used or number in unparsed, f"line {number} lost: {line!r}"
    for t in tables:
        t.to_canonical()


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_records_or_a_clear_error(data: bytes) -> None:
    try:
        sheets = read_bytes(data, "random.bin")
    except JixiaoError as exc:
        assert "random.bin" in str(exc)
        return
    recognize_sheets(sheets)
