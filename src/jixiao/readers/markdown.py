"""Markdown text → ``Sheet``: pipe tables, with the text around them as one-cell rows.

* A table row is a line starting with ``|``, or a line with an unescaped ``|``
  inside a table or right above a separator line (``|---|:--:|``). Outer pipes
  are optional; ``\\|`` is a literal pipe. Column ``k`` is the k-th cell.
* Separator lines and setext underlines (``===`` / ``---`` under a text line)
  are consumed. A thematic break (``---``, ``***`` after a blank line), a form
  feed, a page mark (``-1-``, ``第1页``; listed in ``rejected`` as
  ``PAGE_MARK``) or an HTML comment naming a page (``<!-- page 2 -->``,
  ``<!-- PageBreak -->``) is a page break.
* Any other non-blank line is a one-cell row (headings lose their ``#``,
  ``**bold**`` loses its stars). Other HTML comments are rejected.
* Pipe tables cannot merge cells: merged cells of the printed form appear as
  empty cells, exactly as in tab-separated text.
"""

from __future__ import annotations

import re

from jixiao.models import Cell, Row, Sheet
from jixiao.readers.clean import clean_cell
from jixiao.readers.layout import PAGE_MARK, is_page_mark, split_lines

_SEPARATOR_RE = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_THEMATIC_RE = re.compile(r"^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_SETEXT_RE = re.compile(r"^(?:=+|-+)$")
_COMMENT_RE = re.compile(r"^<!--(.*?)-->$")
_PAGE_COMMENT_RE = re.compile(r"page", re.IGNORECASE)
_PIPE_RE = re.compile(r"(?<!\\)\|")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def _cell_text(raw: str) -> str:
    if "\\" in raw:
        raw = _ESCAPE_RE.sub(r"\1", raw)
    if "**" in raw:
        raw = raw.replace("**", "")
    return clean_cell(raw)


def _split_row(line: str) -> list[str]:
    body = line
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return _PIPE_RE.split(body)


def _has_pipe(line: str) -> bool:
    return "|" in line and _PIPE_RE.search(line) is not None


def read_markdown(text: str, source: str = "<text>") -> Sheet:
    """Read Markdown (pipe tables plus surrounding text) into one ``Sheet``."""
    lines = split_lines(text)
    rows: list[Row] = []
    rejected: list[tuple[int, str, str]] = []
    page = 1
    pending = False
    in_table = False
    prev_text = False  # previous line was a one-cell text row (for setext underlines)
    prev_blank = True
    for index, raw in enumerate(lines):
        number = index + 1
        if "\f" in raw:
            pending = True
            raw = raw.replace("\f", "")
        line = raw.strip()
        if not line:
            in_table = prev_text = False
            prev_blank = True
            continue
        was_blank, prev_blank = prev_blank, False
        if in_table and _SEPARATOR_RE.match(line):
            continue
        if not in_table and _has_pipe(line) and "-" in line and _SEPARATOR_RE.match(line):
            in_table = True  # a separator with no header row above it
            continue
        if prev_text and _SETEXT_RE.match(line):
            prev_text = False
            continue
        if is_page_mark(line) or (was_blank and _THEMATIC_RE.match(line)):
            if is_page_mark(line):
                rejected.append((number, line, PAGE_MARK))
            pending = True
            in_table = prev_text = False
            continue
        comment = _COMMENT_RE.match(line)
        if comment:
            if _PAGE_COMMENT_RE.search(comment.group(1)):
                pending = True
            else:
                rejected.append((number, raw, "markdown comment"))
            continue
        if pending and rows:
            page += 1
        pending = False
        is_row = line.startswith("|") or (
            _has_pipe(line)
            and (
                in_table
                or (
                    index + 1 < len(lines)
                    and _has_pipe(lines[index + 1])
                    and _SEPARATOR_RE.match(lines[index + 1].strip()) is not None
                )
            )
        )
        if is_row:
            parts = _split_row(line)
            cells = [Cell(_cell_text(part), col, number) for col, part in enumerate(parts)]
            rows.append(Row(cells, number, page))
            in_table, prev_text = True, False
        else:
            rows.append(Row([Cell(_cell_text(line), 0, number)], number, page))
            in_table, prev_text = False, True
    return Sheet(rows, source, "markdown", rejected=rejected)
