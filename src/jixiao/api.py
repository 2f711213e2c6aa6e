"""The Python API: one call per pipeline stage."""

from __future__ import annotations

from pathlib import Path

from jixiao.models import Sheet, Table
from jixiao.readers import read_sheets
from jixiao.readers.text import read_text as _read_text_sheet
from jixiao.recognize import recognize


def read(path: str | Path) -> list[Table]:
    """Read every performance table in a file (any supported format)."""
    return recognize_sheets(read_sheets(path))


def read_text(text: str, source: str = "<text>", fmt: str | None = None) -> list[Table]:
    """Read every performance table in extracted text."""
    return recognize_sheets([_read_text_sheet(text, source, fmt)])


def recognize_sheets(sheets: list[Sheet]) -> list[Table]:
    tables: list[Table] = []
    for sheet in sheets:
        tables.extend(recognize(sheet))
    return tables
