"""Corrections, reviews and the workflow: permissions, locking, change log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

import jixiao
from jixiao.store.auth import create_user
from jixiao.store.db import session_factory
from jixiao.store.errors import Conflict, Forbidden, InvalidInput, NotFound
from jixiao.store.ingest import ingest
from jixiao.store.log import decode
from jixiao.store.models import AppendOnlyError, ChangeLog, StoredTable, User
from jixiao.store.queries import TableFilter, dashboard, history, list_tables
from jixiao.store.tables import correct_cell, review_finding, set_status

from dbtargets import backends

SAMPLES = Path(jixiao.__file__).resolve().parent / "samples"
PINGAN = SAMPLES / "003_8c2d2b6312b4e993.txt"
SONGNAN = "上海市宝山区淞南镇城市运行管理中心"


@pytest.fixture
def sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    factory = session_factory(engine)
    with factory() as db:
        create_user(db, "rev", "password123", "reviewer")
        create_user(db, "rev2", "password123", "reviewer")
        create_user(db, "filler", "password123", "filler", unit=SONGNAN)
        create_user(db, "other", "password123", "filler", unit="吴淞镇城市运行管理中心")
        ingest(db, PINGAN.name, PINGAN.read_bytes(), None)
        db.commit()
    yield factory


def user(db: Session, name: str) -> User:
    u = db.scalar(select(User).where(User.username == name))
    assert u is not None
    return u


def first(db: Session) -> StoredTable:
    st = db.scalar(select(StoredTable).order_by(StoredTable.id))
    assert st is not None
    return st


@backends()
def test_correcting_a_cell_rescores_reaudits_and_logs(sessions: sessionmaker[Session]) -> None:
    with sessions() as db:
        st = first(db)
        assert st.project == "平安办工作经费" and st.recomputed_total == 96.0
        st = correct_cell(db, user(db, "rev"), st.id, "funds.0.executed", "6,000,000", 1, "按决算")
        db.commit()
    with sessions() as db:
        st = first(db)
        assert st.version == 2
        assert st.record["funds"][0]["executed"] == 6000000.0
        assert st.original["funds"][0]["executed"] == 12814895.16
        # 6,000,000 / 12,814,895.16 = 46.82 % of 10 points: 4.68, so 96 − 10 + 4.68.
        assert st.execution_rate == 46.82 and st.recomputed_total == 90.68
        assert any(f.code == "missing-deviation-reason" or f.active for f in st.findings)
        logs = history(db, st.id)
        correct = next(c for c in logs if c.action == "correct")
        assert (correct.field, correct.old, correct.new) == (
            "funds.0.executed",
            12814895.16,
            6000000.0,
        )
        assert correct.username == "rev" and correct.note == "按决算"
        rescore = next(c for c in logs if c.action == "rescore")
        assert (rescore.old, rescore.new) == (96.0, 90.68)


@backends()
def test_text_and_total_corrections(sessions: sessionmaker[Session]) -> None:
    with sessions() as db:
        rev = user(db, "rev")
        st = first(db)
        st = correct_cell(db, rev, st.id, "indicators.0.actual", "  已完成 ", st.version)
        st = correct_cell(db, rev, st.id, "total.score", "95.5", st.version)
        st = correct_cell(db, rev, st.id, "project", "平安办经费", st.version)
        db.commit()
        assert st.record["indicators"][0]["actual"] == "已完成"
        assert st.printed_total == 95.5 and st.project == "平安办经费"
        with pytest.raises(InvalidInput, match="不是数字"):
            correct_cell(db, rev, st.id, "total.score", "九十", st.version)
        with pytest.raises(InvalidInput, match="无效的字段"):
            correct_cell(db, rev, st.id, "source.file", "x", st.version)
        with pytest.raises(InvalidInput, match="不存在"):
            correct_cell(db, rev, st.id, "indicators.99.actual", "x", st.version)


@backends()
def test_a_stale_version_is_a_conflict_not_an_overwrite(sessions: sessionmaker[Session]) -> None:
    with sessions() as a:
        st = correct_cell(a, user(a, "rev"), first(a).id, "total.score", "90", 1)
        a.commit()
    with sessions() as b:
        with pytest.raises(Conflict, match="版本 2") as exc:
            correct_cell(b, user(b, "rev2"), st.id, "total.score", "80", 1)
        assert exc.value.current_version == 2
        assert first(b).printed_total == 90.0


@backends()
def test_two_reviewers_writing_at_once_the_second_gets_a_conflict(
    sessions: sessionmaker[Session],
) -> None:
    """Both load version 1; the first commits; the second's UPDATE finds no version-1 row."""
    a, b = sessions(), sessions()
    try:
        rev_a, rev_b = user(a, "rev"), user(b, "rev2")
        table_id = first(a).id
        assert first(b).version == 1  # b holds version 1 in its identity map
        correct_cell(a, rev_a, table_id, "total.score", "91", 1)
        a.commit()
        with pytest.raises(Conflict, match="冲突"):
            correct_cell(b, rev_b, table_id, "total.score", "92", 1)
    finally:
        a.close()
        b.close()
    with sessions() as db:
        assert first(db).printed_total == 91.0 and first(db).version == 2


@backends()
def test_reviewing_findings(sessions: sessionmaker[Session]) -> None:
    with sessions() as db:
        rev = user(db, "rev")
        st = first(db)
        f = next(f for f in st.findings if f.active)
        open_before, version_before, seen = st.n_open, st.version, f.version
        with pytest.raises(InvalidInput, match="必须填写说明"):
            review_finding(db, rev, st.id, f.id, "dismiss", "  ")
        review_finding(db, rev, st.id, f.id, "dismiss", "表述不同，实为达成", seen)
        db.commit()
    with sessions() as db:
        st = first(db)
        f2 = next(x for x in st.findings if x.id == f.id)
        assert f2.state == "dismissed" and f2.note == "表述不同，实为达成"
        assert f2.reviewed_by is not None and f2.reviewed_by.username == "rev"
        assert st.n_open == open_before - 1
        # Reviewing a finding does not make an open edit of the table stale.
        assert st.version == version_before
        log = next(c for c in history(db, st.id) if c.action == "finding.dismiss")
        assert log.old == {"state": "open", "note": None}
        assert log.new == {"state": "dismissed", "note": "表述不同，实为达成"}
        # Someone who saw the finding before it was dismissed gets a conflict.
        with pytest.raises(Conflict, match="已驳回"):
            review_finding(db, user(db, "rev2"), st.id, f.id, "confirm", None, seen)
        review_finding(db, rev_of(db), st.id, f.id, "reopen", None, f2.version)
        db.commit()
        assert first(db).n_open == open_before


def rev_of(db: Session) -> User:
    return user(db, "rev")


@backends()
def test_review_state_survives_a_correction(sessions: sessionmaker[Session]) -> None:
    with sessions() as db:
        rev = user(db, "rev")
        st = first(db)
        f = next(f for f in st.findings if f.active and f.code == "vague-target")
        review_finding(db, rev, st.id, f.id, "confirm")
        correct_cell(db, rev, st.id, "total.score", "95", st.version)
        db.commit()
        same = [x for x in first(db).findings if x.fingerprint == f.fingerprint]
        assert len(same) == 1 and same[0].state == "confirmed" and same[0].active


@backends()
def test_a_correction_that_fixes_a_problem_resolves_its_finding(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as db:
        rev = user(db, "rev")
        st = first(db)
        f = next(f for f in st.findings if f.active and f.code == "vague-target")
        index = f.location["index"] - 1
        correct_cell(db, rev, st.id, f"indicators.{index}.target", "≤100件", st.version)
        db.commit()
        gone = next(x for x in first(db).findings if x.id == f.id)
        assert not gone.active


@backends()
def test_permissions_of_fillers(sessions: sessionmaker[Session]) -> None:
    with sessions() as db:
        filler, other = user(db, "filler"), user(db, "other")
        st = first(db)
        with pytest.raises(NotFound):
            correct_cell(db, other, st.id, "total.score", "1", st.version)
        page = list_tables(db, other, TableFilter())
        assert page.total == 0
        assert list_tables(db, filler, TableFilter()).total == 5
        assert dashboard(db, other, TableFilter())["counts"]["tables"] == 0
        f = next(f for f in st.findings if f.active)
        with pytest.raises(Forbidden, match="只有审核人"):
            review_finding(db, filler, st.id, f.id, "confirm")
        st = correct_cell(db, filler, st.id, "total.score", "95", st.version)
        st = set_status(db, filler, st.id, "submitted", st.version)
        db.commit()
        with pytest.raises(Forbidden, match="填报人不能修改"):
            correct_cell(db, filler, st.id, "total.score", "96", st.version)
        with pytest.raises(Forbidden):
            set_status(db, filler, st.id, "approved", st.version)


@backends()
def test_status_workflow(sessions: sessionmaker[Session]) -> None:
    with sessions() as db:
        rev, filler = user(db, "rev"), user(db, "filler")
        st = first(db)
        with pytest.raises(InvalidInput, match="不能从"):
            set_status(db, rev, st.id, "approved", st.version)
        st = set_status(db, filler, st.id, "submitted", st.version)
        with pytest.raises(InvalidInput, match="退回原因"):
            set_status(db, rev, st.id, "returned", st.version)
        st = set_status(db, rev, st.id, "returned", st.version, "请补充偏差原因")
        st = correct_cell(db, filler, st.id, "indicators.5.deviation", "已说明", st.version)
        st = set_status(db, filler, st.id, "submitted", st.version)
        with pytest.raises(InvalidInput, match="未处理"):
            set_status(db, rev, st.id, "approved", st.version)
        for f in st.findings:
            if f.active and f.state == "open":
                review_finding(db, rev, st.id, f.id, "confirm")
        st = set_status(db, rev, st.id, "approved", st.version)
        db.commit()
        assert st.status == "approved"
        with pytest.raises(Forbidden, match="已审核"):
            correct_cell(db, rev, st.id, "total.score", "1", st.version)
        statuses = [(c.old, c.new) for c in history(db, st.id) if c.action == "status"]
        assert statuses[::-1] == [
            ("draft", "submitted"),
            ("submitted", "returned"),
            ("returned", "submitted"),
            ("submitted", "approved"),
        ]


@backends()
def test_the_change_log_is_append_only(sessions: sessionmaker[Session]) -> None:
    with sessions() as db:
        row = db.scalar(select(ChangeLog).order_by(ChangeLog.id))
        assert row is not None
        row.note = "rewritten"
        with pytest.raises(AppendOnlyError):
            db.flush()
        db.rollback()
        row = db.scalar(select(ChangeLog).order_by(ChangeLog.id))
        assert row is not None
        db.delete(row)
        with pytest.raises(AppendOnlyError):
            db.flush()
        db.rollback()
    # The database refuses too, for writes that bypass the ORM.
    with sessions() as db:
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text("UPDATE change_log SET note = 'x'"))
        db.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text("DELETE FROM change_log"))
        db.rollback()
        assert decode(db.scalar(select(ChangeLog.new_value).order_by(ChangeLog.id))) is not None
