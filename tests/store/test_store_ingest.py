"""Loading files into the store: tables, scores, findings, money, re-uploads, refusals."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import jixiao
from jixiao.store.auth import create_user
from jixiao.store.db import session_factory
from jixiao.store.errors import TooLarge, UploadRefused
from jixiao.store.ingest import check_upload, ingest
from jixiao.store.models import ChangeLog, FundRow, SourceFile, StoredTable
from jixiao.store.tables import analyse

from dbtargets import backends

SAMPLES = Path(jixiao.__file__).resolve().parent / "samples"
SEEDS = sorted(SAMPLES.glob("*.txt"))
PINGAN = SAMPLES / "003_8c2d2b6312b4e993.txt"


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


@backends()
def test_samples_are_read_scored_audited_and_stored(engine: Engine) -> None:
    with session_factory(engine)() as db:
        user = create_user(db, "rev", "password123", "reviewer")
        results = [ingest(db, p.name, p.read_bytes(), user) for p in SEEDS]
        db.commit()
        assert all(r.ok and not r.duplicate for r in results)
        assert sum(len(r.tables) for r in results) == 21
        assert count(db, SourceFile) == 4 and count(db, StoredTable) == 21

        expected = [t for p in SEEDS for t in jixiao.read(p)]
        stored = list(db.scalars(select(StoredTable).order_by(StoredTable.id)))
        for t, st in zip(expected, stored, strict=True):
            a = analyse(t)
            # The record round-trips: what is stored is what was read.
            assert jixiao.Table.model_validate(st.record).to_canonical(provenance=False) == (
                t.to_canonical(provenance=False)
            )
            assert st.original == st.record
            assert st.recomputed_total == a.score.recomputed_total
            assert st.printed_total == a.score.printed_total
            assert st.recomputed_grade == a.score.recomputed_grade
            assert len([f for f in st.findings if f.active]) == len(a.report.findings)
            assert st.n_open == len(a.report.findings)
            assert st.status == "draft" and st.version == 1
            assert st.owner_unit == t.unit_name
        # Every stored table has an upload entry in the change log.
        assert count(db, ChangeLog) == 21 + 1  # + the user creation


@backends()
def test_original_bytes_and_hash_are_kept(engine: Engine) -> None:
    data = PINGAN.read_bytes()
    with session_factory(engine)() as db:
        r = ingest(db, "平安办.txt", data, None)
        db.commit()
        sf = db.get(SourceFile, r.file_id)
        assert sf is not None
        assert sf.content == data and sf.size == len(data) and sf.kind == "text"
        import hashlib

        assert sf.sha256 == hashlib.sha256(data).hexdigest()
        assert sf.name == "平安办.txt"


@backends()
def test_reuploading_the_same_file_is_detected_by_hash(engine: Engine) -> None:
    data = PINGAN.read_bytes()
    with session_factory(engine)() as db:
        first = ingest(db, "a.txt", data, None)
        db.commit()
        again = ingest(db, "renamed.txt", data, None)
        db.commit()
        assert again.ok and again.duplicate
        assert [t.id for t in again.tables] == [t.id for t in first.tables]
        assert "已" in again.message and "a.txt" in again.message
        assert count(db, SourceFile) == 1 and count(db, StoredTable) == 5


@backends()
def test_money_is_stored_as_exact_decimals(engine: Engine) -> None:
    with session_factory(engine)() as db:
        r = ingest(db, PINGAN.name, PINGAN.read_bytes(), None)
        db.commit()
    with session_factory(engine)() as db:
        row = db.scalar(
            select(FundRow).where(FundRow.table_id == r.tables[0].id, FundRow.position == 0)
        )
        assert row is not None
        assert isinstance(row.budget, Decimal)
        assert row.budget == Decimal("12814895.16")
        assert row.initial_budget == Decimal("12690000")
        assert row.rate == 100.0


@backends()
def test_a_filler_uploads_only_their_own_units_tables(engine: Engine) -> None:
    with session_factory(engine)() as db:
        own = create_user(
            db, "songnan", "password123", "填报人", unit="上海市宝山区淞南镇城市运行管理中心"
        )
        other = create_user(db, "wusong", "password123", "填报人", unit="吴淞镇城市运行管理中心")
        refused = ingest(db, PINGAN.name, PINGAN.read_bytes(), other)
        assert not refused.ok
        assert "不是您的单位" in (refused.error or "")
        ok = ingest(db, PINGAN.name, PINGAN.read_bytes(), own)
        db.commit()
        assert ok.ok and len(ok.tables) == 5
        units = set(db.scalars(select(StoredTable.owner_unit)))
        assert units == {"上海市宝山区淞南镇城市运行管理中心"}


def test_files_without_tables_and_unreadable_files_say_why(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    e = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    from jixiao.store.db import migrate

    migrate(e)
    with session_factory(e)() as db:
        r = ingest(db, "note.txt", "今天天气很好。\n明天也很好。\n".encode(), None)
        assert not r.ok and "未找到绩效表" in (r.error or "")
        assert count(db, SourceFile) == 0


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_upload_checks_size_type_and_content() -> None:
    text = PINGAN.read_bytes()
    assert check_upload("a.txt", text) == "text"
    with pytest.raises(TooLarge, match="文件过大"):
        check_upload("a.txt", text, max_bytes=100)
    with pytest.raises(UploadRefused, match="文件为空"):
        check_upload("a.txt", b"")
    with pytest.raises(UploadRefused, match="不支持的文件类型"):
        check_upload("a.exe", text)
    with pytest.raises(UploadRefused, match="不支持的文件类型"):
        check_upload("noext", text)
    # Disguised: a picture, a program, an archive, binary data and text under Office names.
    with pytest.raises(UploadRefused, match="图片"):
        check_upload("表.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(UploadRefused, match="可执行程序"):
        check_upload("表.txt", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(UploadRefused, match="PDF"):
        check_upload("表.docx", b"%PDF-1.7\n" + b"x" * 100)
    assert check_upload("表.pdf", b"%PDF-1.7\n" + b"x" * 100) == "pdf"
    with pytest.raises(UploadRefused, match="与文件内容"):
        check_upload("表.pdf", text)
    with pytest.raises(UploadRefused, match="GIF"):
        check_upload("表.png", b"GIF89a" + bytes(100))
    with pytest.raises(UploadRefused, match="与文件内容"):
        check_upload("表.xlsx", text)
    with pytest.raises(UploadRefused, match="二进制"):
        check_upload("表.txt", b"abc\x00\x01\x02" * 50)
    with pytest.raises(UploadRefused, match=r"xl/workbook\.xml"):
        check_upload("表.xlsx", _zip({"hello.txt": b"hi"}))
    docx = _zip({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"})
    with pytest.raises(UploadRefused, match="Word"):
        check_upload("表.txt", docx)
    assert check_upload("表.docx", docx) == "docx"
