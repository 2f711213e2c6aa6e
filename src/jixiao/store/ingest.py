"""Loading files: check what was uploaded, read its tables, score, audit, store.

A file is stored byte for byte with its SHA-256; uploading the same bytes again
is detected and answered with the tables already stored.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jixiao.api import recognize_sheets
from jixiao.errors import JixiaoError
from jixiao.readers import read_bytes, sniff
from jixiao.store.auth import aware
from jixiao.store.errors import TooLarge, UploadRefused
from jixiao.store.log import log_change
from jixiao.store.models import SourceFile, StoredTable, User
from jixiao.store.queries import clear_facets
from jixiao.store.tables import analyse, apply_analysis, can_view, table_label

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Extension → the content it must have.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".tsv": "text",
    ".csv": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "text",
    ".htm": "text",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".docx": "docx",
    ".pdf": "pdf",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
}
ACCEPT = ",".join(EXTENSIONS)
KIND_LABELS = {
    "text": "文本",
    "xlsx": "Excel 工作簿（.xlsx）",
    "xls": "Excel 97-2003 工作簿（.xls）",
    "docx": "Word 文档（.docx）",
    "pdf": "PDF 文档",
    "image": "图片（PNG / JPEG）",
}
# Content that is never a table, whatever the file is called (PDF and PNG / JPEG
# scans are tables: the readers take them, and their extension must match).
BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"MZ", "Windows 可执行程序"),
    (b"\x7fELF", "Linux 可执行程序"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"BZh", "bzip2 压缩包"),
    (b"\xfd7zXZ\x00", "xz 压缩包"),
    (b"RIFF", "音视频文件"),
)
LOOKED_FOR = "项目支出绩效目标表、项目支出绩效自评表或部门（单位）整体支出绩效自评表"


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def check_upload(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Refuse what is too large, empty, of an unknown type or disguised; returns the kind."""
    if len(data) > max_bytes:
        raise TooLarge(f"文件过大（{_mb(len(data))}），上限为 {_mb(max_bytes)}")
    if not data:
        raise UploadRefused("文件为空")
    ext = PurePath(name).suffix.lower()
    expected = EXTENSIONS.get(ext)
    if expected is None:
        allowed = "、".join(EXTENSIONS)
        raise UploadRefused(f"不支持的文件类型「{ext or '无扩展名'}」；可上传：{allowed}")
    for magic, what in BINARY_MAGICS:
        if data.startswith(magic):
            raise UploadRefused(f"文件内容是{what}，不是绩效表（扩展名 {ext} 与内容不符）")
    try:
        kind = sniff(data, name)
    except JixiaoError as exc:
        raise UploadRefused(_reason(exc)) from exc
    if kind != expected:
        raise UploadRefused(
            f"扩展名 {ext} 与文件内容（{KIND_LABELS[kind]}）不符：文件可能被改名，请检查后重新上传"
        )
    if kind == "text" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = data[:65536]
        if b"\x00" in head:
            raise UploadRefused(f"文件内容是二进制数据，不是文本（扩展名 {ext} 与内容不符）")
    return kind


def _reason(exc: JixiaoError) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason) if reason else str(exc)


def _norm(s: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", s or "").split())


@dataclass(slots=True)
class StoredRef:
    id: int
    label: str
    form: str


@dataclass(slots=True)
class IngestResult:
    name: str
    ok: bool
    duplicate: bool = False
    tables: list[StoredRef] = field(default_factory=list)
    error: str | None = None
    file_id: int | None = None
    info: str | None = None

    @property
    def message(self) -> str:
        if self.error:
            return self.error
        if self.info:
            return self.info
        return f"读取到 {len(self.tables)} 张表"


def ingest(
    db: Session,
    name: str,
    data: bytes,
    user: User | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    actor_name: str | None = None,
) -> IngestResult:
    """Check, read, score, audit and store one file. Commits nothing: the caller does."""
    name = PurePath(name.replace("\\", "/")).name or "未命名"
    try:
        kind = check_upload(name, data, max_bytes)
    except UploadRefused as exc:
        return IngestResult(name, ok=False, error=exc.message)
    digest = hashlib.sha256(data).hexdigest()
    existing = db.scalar(select(SourceFile).where(SourceFile.sha256 == digest))
    if existing is not None:
        return _duplicate(name, existing, user)
    try:
        tables = recognize_sheets(read_bytes(data, name))
    except JixiaoError as exc:
        return IngestResult(name, ok=False, error=f"无法读取：{_reason(exc)}")
    except Exception as exc:  # a reader bug must not lose the other files
        return IngestResult(name, ok=False, error=f"读取出错（{type(exc).__name__}）：{exc}")
    if not tables:
        return IngestResult(name, ok=False, error=f"未找到绩效表：查找的是{LOOKED_FOR}")
    if user is not None and user.role == "filler":
        for t in tables:
            if t.unit_name and _norm(t.unit_name) != _norm(user.unit):
                return IngestResult(
                    name,
                    ok=False,
                    error=f"表「{table_label(t)}」的单位是「{t.unit_name}」，"
                    f"不是您的单位「{user.unit}」：填报人只能上传本单位的表",
                )
    sf = SourceFile(
        sha256=digest,
        name=name,
        size=len(data),
        kind=kind,
        content=data,
        uploaded_by_id=user.id if user else None,
    )
    nested = db.begin_nested()
    try:
        db.add(sf)
        db.flush()
    except IntegrityError:  # the same file, uploaded at the same moment
        nested.rollback()
        existing = db.scalar(select(SourceFile).where(SourceFile.sha256 == digest))
        if existing is None:
            raise
        return _duplicate(name, existing, user)
    nested.commit()
    clear_facets()
    result = IngestResult(name, ok=True, file_id=sf.id)
    for position, t in enumerate(tables):
        owner = t.unit_name or (user.unit if user else None)
        if user is not None and user.role == "filler":
            owner = user.unit
        st = StoredTable(
            file_id=sf.id,
            position=position,
            owner_unit=owner,
            original=t.model_dump(mode="json"),
            status="draft",
            created_by_id=user.id if user else None,
            updated_by_id=user.id if user else None,
        )
        apply_analysis(st, analyse(t))
        db.add(st)
        db.flush()
        log_change(
            db,
            user,
            "upload",
            "table",
            st.id,
            table_id=st.id,
            new={"file": name, "sha256": digest, "position": position},
            actor_name=actor_name,
        )
        result.tables.append(StoredRef(st.id, table_label(t), t.form))
    return result


def _duplicate(name: str, sf: SourceFile, user: User | None) -> IngestResult:
    visible = [t for t in sf.tables if user is None or can_view(user, t)]
    when = aware(sf.uploaded_at).astimezone().strftime("%Y-%m-%d %H:%M")
    who = sf.uploaded_by.label if sf.uploaded_by else "命令行"
    earlier = f"此文件已由{who}于 {when} 上传过（「{sf.name}」）"
    if sf.tables and not visible:
        return IngestResult(
            name, ok=False, duplicate=True, error=f"{earlier}，其中的表不属于您的单位"
        )
    return IngestResult(
        name,
        ok=True,
        duplicate=True,
        file_id=sf.id,
        tables=[StoredRef(t.id, table_label(t), t.form) for t in visible],
        info=f"{earlier}，未重复导入；包含 {len(visible)} 张表",
    )


def stored_tables(db: Session, file_id: int) -> list[StoredTable]:
    return list(db.scalars(select(StoredTable).where(StoredTable.file_id == file_id)))
