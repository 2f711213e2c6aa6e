"""Readers: a file → ``Sheet`` grids of cells with their source positions.

The reader is chosen by content, never by the file name:

* a zip archive holding ``xl/workbook.xml`` is an Excel workbook (``readers.xlsx``);
* a zip archive holding ``word/document.xml`` is a Word document (``readers.docx``);
* an OLE2 compound file (magic ``D0 CF 11 E0``) is a legacy ``.xls`` workbook read
  with calamine, unless it holds ``EncryptionInfo`` (a password-protected OOXML
  file) or ``WordDocument`` (a legacy ``.doc``), which are refused with a clear
  message;
* ``%PDF-`` in the first KiB is a PDF (``readers.pdf``: the text layer, or OCR
  for scanned pages); a PNG or JPEG signature is an image read by OCR
  (``readers.ocr``);
* everything else is decoded as text (``readers.text``).

Office files are zip archives of XML, so they are checked before any parser sees
them: the limits below bound the work a hostile or broken file can cause.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Literal

from jixiao.errors import UnreadableFileError
from jixiao.models import Sheet
from jixiao.readers.clean import CHECKED, UNCHECKED
from jixiao.readers.text import decode, read_text

MAX_TEXT_BYTES = 64 * 1024 * 1024

# --- Limits for zip-based Office files (xlsx, docx) -------------------------
# Most members of a real workbook or document: a performance table has a few dozen.
MAX_ZIP_ENTRIES = 5_000
# Sum of the declared uncompressed sizes of all members.  Python's zipfile stops
# at the declared size (a member that inflates further fails its CRC check), so
# this bounds what any parser built on it can be fed.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
# Largest expansion ratio (uncompressed / compressed) of one member.  XML
# compresses 5-20:1 and very repetitive sheets reach ~60:1; zip bombs go
# to 1000:1 and beyond.  Members smaller than RATIO_GRACE_BYTES are not checked.
MAX_COMPRESSION_RATIO = 100
RATIO_GRACE_BYTES = 1024 * 1024
# The XML prolog (before the root element) read to refuse DTDs / entity
# declarations, which OOXML never uses and which entity-expansion attacks need.
MAX_XML_PROLOG_BYTES = 64 * 1024

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# What reading a member of a damaged archive can raise.
ZIP_READ_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    NotImplementedError,
    ValueError,
)
_MEMBER_ERRORS: tuple[type[Exception], ...] = (KeyError, *ZIP_READ_ERRORS)
_OPEN_ERRORS: tuple[type[Exception], ...] = (zipfile.LargeZipFile, *ZIP_READ_ERRORS)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Kind = Literal["xlsx", "docx", "xls", "pdf", "image", "text"]

ENCRYPTED_REASON = (
    "加密文件/encrypted: the document is password-protected; "
    "save a copy without a password and read that"
)

_ROOT_START_RE = re.compile(rb"<[A-Za-z_]")
_DTD_RE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)

# Checkbox glyphs seen in Office files → the two the recognizer knows.
_CHECKBOX_TABLE = str.maketrans(
    {
        "☑": CHECKED,
        "☒": CHECKED,  # Word's default "checked" glyph for checkbox controls
        "√": CHECKED,
        "✓": CHECKED,
        "✔": CHECKED,
        "■": CHECKED,
        "▣": CHECKED,
        "□": UNCHECKED,
        "☐": UNCHECKED,
    }
)


def normalize_checkboxes(text: str) -> str:
    """Map the checkbox glyphs of Office files (☒ √ ✓ ■ □ …) to ☑ / ☐."""
    return text.translate(_CHECKBOX_TABLE)


def read_sheets(path: str | Path) -> list[Sheet]:
    """Read any supported file into sheets, choosing the reader by content."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise UnreadableFileError(
                name, f"file too large ({size} bytes; limit {MAX_TEXT_BYTES})"
            )
        data = p.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(name, exc.strerror or str(exc)) from exc
    return read_bytes(data, name)


def read_bytes(data: bytes, name: str) -> list[Sheet]:
    """Read file content into sheets; ``name`` is only used in messages and provenance."""
    kind = sniff(data, name)
    if kind == "xlsx":
        from jixiao.readers.xlsx import read_xlsx

        return read_xlsx(data, name)
    if kind == "docx":
        from jixiao.readers.docx import read_docx

        return read_docx(data, name)
    if kind == "xls":
        from jixiao.readers.xlsx import read_xls

        return read_xls(data, name)
    if kind == "pdf":
        from jixiao.readers.pdf import read_pdf

        return read_pdf(data, name)
    if kind == "image":
        from jixiao.readers.ocr import read_image

        return read_image(data, name)
    text = decode(data, name)
    return [read_text(text, name)]


def sniff(data: bytes, name: str) -> Kind:
    """Which reader a file needs, from its content.

    Raises ``UnreadableFileError`` for content recognised as an Office file that
    cannot be read (broken or oversized zip, encrypted, legacy Word, .xlsb).
    """
    if data.startswith(ZIP_MAGICS):
        with open_zip(data, name) as zf:
            return _zip_kind(zf, name)
    if data.startswith(OLE2_MAGIC):
        return _ole2_kind(data, name)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return "image"
    return "text"


def _zip_kind(zf: zipfile.ZipFile, name: str) -> Kind:
    names = {n.lower() for n in zf.namelist()}
    main = office_main_part(zf)
    if "xl/workbook.xml" in names or (main and main.lower().endswith("workbook.xml")):
        return "xlsx"
    if "word/document.xml" in names or (main and main.lower().startswith("word/")):
        return "docx"
    if "xl/workbook.bin" in names:
        raise UnreadableFileError(
            name, "Excel binary workbook (.xlsb) is not supported; save it as .xlsx"
        )
    raise UnreadableFileError(
        name,
        "zip archive without xl/workbook.xml or word/document.xml: "
        "not an Excel (.xlsx) or Word (.docx) file",
    )


def _ole2_kind(data: bytes, name: str) -> Kind:
    # Directory entry names of a compound file are stored as UTF-16LE; looking
    # for them is enough to tell the few kinds apart without an OLE2 parser.
    def has_stream(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has_stream("EncryptionInfo") or has_stream("EncryptedPackage"):
        raise UnreadableFileError(name, ENCRYPTED_REASON)
    if has_stream("WordDocument"):
        raise UnreadableFileError(
            name, "legacy Word 97-2003 document (.doc) is not supported; save it as .docx"
        )
    if has_stream("PowerPoint Document"):
        raise UnreadableFileError(name, "PowerPoint file: not a performance table")
    return "xls"


def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """Open an Office zip archive after checking it against the limits above."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _OPEN_ERRORS as exc:
        raise UnreadableFileError(name, f"broken zip archive ({exc})") from exc
    try:
        check_zip(zf, name)
    except BaseException:
        zf.close()
        raise
    return zf


def check_zip(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse zip bombs, encrypted members and XML with DTDs, before any parsing."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UnreadableFileError(
            name, f"zip archive has {len(infos)} members (limit {MAX_ZIP_ENTRIES})"
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFileError(name, ENCRYPTED_REASON)
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnreadableFileError(
                name,
                f"zip bomb? members expand to more than {MAX_UNCOMPRESSED_BYTES} bytes in total",
            )
        if info.file_size > RATIO_GRACE_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise UnreadableFileError(
                name,
                f"zip bomb? member {info.filename} expands {ratio}:1 "
                f"(limit {MAX_COMPRESSION_RATIO}:1)",
            )
    for info in infos:
        lowered = info.filename.lower()
        if lowered.endswith((".xml", ".rels")) and info.file_size:
            _check_xml_prolog(zf, info, name)


def _check_xml_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    try:
        with zf.open(info) as fh:
            head = fh.read(MAX_XML_PROLOG_BYTES)
    except ZIP_READ_ERRORS as exc:
        raise UnreadableFileError(name, f"broken zip member {info.filename} ({exc})") from exc
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    root = _ROOT_START_RE.search(head)
    prolog = head[: root.start()] if root else head
    if _DTD_RE.search(prolog):
        raise UnreadableFileError(
            name, f"unsafe XML: member {info.filename} declares a DTD or entities"
        )
    if root is None and len(head) >= MAX_XML_PROLOG_BYTES:
        raise UnreadableFileError(
            name, f"unsafe XML: member {info.filename} has no root element in its first bytes"
        )


def office_main_part(zf: zipfile.ZipFile) -> str | None:
    """The main part (``xl/workbook.xml``, ``word/document.xml``) named by ``_rels/.rels``."""
    try:
        rels = zf.read("_rels/.rels")
    except _MEMBER_ERRORS:
        return None
    for match in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = match.group(0)
        rel_type = re.search(rb'Type="([^"]*)"', tag)
        target = re.search(rb'Target="([^"]*)"', tag)
        if rel_type and target and rel_type.group(1).endswith(b"/officeDocument"):
            path = target.group(1).decode("utf-8", errors="replace").lstrip("/")
            return str(PurePosixPath(path))
    return None


__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_TEXT_BYTES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_ZIP_ENTRIES",
    "check_zip",
    "normalize_checkboxes",
    "open_zip",
    "read_bytes",
    "read_sheets",
    "read_text",
    "sniff",
]
