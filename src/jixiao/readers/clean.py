"""Cell text clean-up shared by all readers."""

from __future__ import annotations

import html
import re

CHECKED = "☑"
UNCHECKED = "☐"

_INPUT_RE = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_HEADING_RE = re.compile(r"^\s*#{1,6}\s+")
_WS_RE = re.compile(r"\s+")


def _checkbox(match: re.Match[str]) -> str:
    tag = match.group(0).lower()
    if "checkbox" not in tag and "radio" not in tag:
        return " "
    return f" {CHECKED} " if "checked" in tag else f" {UNCHECKED} "


def clean_cell(text: str) -> str:
    """Markup removed, checkboxes turned into ☑/☐, white space collapsed."""
    if not text or text.isspace():
        return ""
    if "<" in text:
        text = _INPUT_RE.sub(_checkbox, text)
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "#" in text:
        text = _HEADING_RE.sub("", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    if "  " in text or "\n" in text or "\r" in text or "\t" in text:
        text = _WS_RE.sub(" ", text)
    return text.strip()
