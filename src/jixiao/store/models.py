"""The database schema: SQLAlchemy 2 models.

Migrations (``store/migrations``) create exactly this schema; a test compares
the two with Alembic's autogenerate.

Money columns use :class:`Money`: ``Decimal`` in Python, ``NUMERIC(20, 4)`` on
PostgreSQL and a decimal string on SQLite (whose numbers are binary floats).
Scores and rates are floats: they are already rounded to two decimals by the
scoring rules and must sort and average in SQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeEngine

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY_QUANTUM = Decimal("0.0001")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Money(TypeDecorator[Decimal]):
    """An exact amount: NUMERIC(20, 4) on PostgreSQL, a decimal string on SQLite."""

    impl = Numeric(20, 4)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(20, 4, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        q = Decimal(value).quantize(MONEY_QUANTUM)
        return str(q) if dialect.name == "sqlite" else q

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value))


JSONType = JSON().with_variant(JSONB(), "postgresql")
UTCDateTime = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # filler, reviewer, admin
    unit: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def label(self) -> str:
        return self.display_name or self.username


class UserSession(Base):
    """A login: the cookie holds the token, the database only its SHA-256."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class SourceFile(Base):
    """An uploaded file, byte for byte. The hash detects re-uploads."""

    __tablename__ = "source_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # text, xlsx, xls, docx
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship(lazy="select")
    tables: Mapped[list[StoredTable]] = relationship(
        back_populates="file", order_by="StoredTable.position"
    )


class StoredTable(Base):
    """One performance table: what it is, its totals, status and finding counts.

    Its record (as read and as corrected) and score are in :class:`TableContent`
    (``st.record``, ``st.original``, ``st.score``). ``version`` is the
    optimistic lock: every update checks and bumps it.
    """

    __tablename__ = "perf_table"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("source_file.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 0-based, within the file
    form: Mapped[str] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    project: Mapped[str | None] = mapped_column(String(500))
    unit_name: Mapped[str | None] = mapped_column(String(500))
    department: Mapped[str | None] = mapped_column(String(500))
    # The unit that owns the table (填报人 of this unit see it): the unit printed
    # on the table, else the uploader's unit. Corrections do not move a table.
    owner_unit: Mapped[str | None] = mapped_column(String(500))
    money_unit: Mapped[str | None] = mapped_column(String(8))
    rules: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    printed_total: Mapped[float | None] = mapped_column(Float)
    recomputed_total: Mapped[float | None] = mapped_column(Float)
    printed_grade: Mapped[str | None] = mapped_column(String(4))
    recomputed_grade: Mapped[str | None] = mapped_column(String(4))
    execution_rate: Mapped[float | None] = mapped_column(Float)
    execution_score: Mapped[float | None] = mapped_column(Float)
    consistent: Mapped[bool | None] = mapped_column(Boolean)
    # Findings not dismissed, by severity; n_open: findings not yet reviewed.
    n_error: Mapped[int] = mapped_column(Integer, default=0)
    n_warning: Mapped[int] = mapped_column(Integer, default=0)
    n_info: Mapped[int] = mapped_column(Integer, default=0)
    n_open: Mapped[int] = mapped_column(Integer, default=0)
    # Fields corrected since reading (0: the record is the original).
    n_corrected: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )

    file: Mapped[SourceFile] = relationship(back_populates="tables")
    funds: Mapped[list[FundRow]] = relationship(
        back_populates="table", order_by="FundRow.position", cascade="all, delete-orphan"
    )
    findings: Mapped[list[StoredFinding]] = relationship(
        back_populates="table", order_by="StoredFinding.id", cascade="all, delete-orphan"
    )
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    content: Mapped[TableContent | None] = relationship(
        back_populates="table", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def _content(self) -> TableContent:
        if self.content is None:
            self.content = TableContent(record={}, original={}, score={})
        return self.content

    # The JSON documents, kept in ``table_content`` (see there).
    @property
    def record(self) -> dict[str, Any]:
        return self._content().record

    @record.setter
    def record(self, value: dict[str, Any]) -> None:
        self._content().record = value

    @property
    def original(self) -> dict[str, Any]:
        return self._content().original

    @original.setter
    def original(self, value: dict[str, Any]) -> None:
        self._content().original = value

    @property
    def score(self) -> dict[str, Any]:
        return self._content().score

    @score.setter
    def score(self, value: dict[str, Any]) -> None:
        self._content().score = value


Index("ix_perf_table_unit_year", StoredTable.owner_unit, StoredTable.year)

# The list filters and sorts by these columns, newest first within equal
# values: each index ends with the id, so that a filtered or sorted page is an
# index range read in order (no sort of the whole table, also on PostgreSQL,
# whose plain indexes do not order ties by id).
Index("ix_perf_table_form_id", StoredTable.form, StoredTable.id)
Index("ix_perf_table_year_id", StoredTable.year, StoredTable.id)
Index("ix_perf_table_project_id", StoredTable.project, StoredTable.id)
Index("ix_perf_table_owner_unit_id", StoredTable.owner_unit, StoredTable.id)
Index("ix_perf_table_status_id", StoredTable.status, StoredTable.id)
Index("ix_perf_table_printed_total_id", StoredTable.printed_total, StoredTable.id)
Index("ix_perf_table_recomputed_total_id", StoredTable.recomputed_total, StoredTable.id)
Index("ix_perf_table_recomputed_grade_id", StoredTable.recomputed_grade, StoredTable.id)
Index("ix_perf_table_n_error_id", StoredTable.n_error, StoredTable.id)
Index("ix_perf_table_n_open_id", StoredTable.n_open, StoredTable.id)
Index("ix_perf_table_updated_at_id", StoredTable.updated_at, StoredTable.id)


class TableContent(Base):
    """A table's JSON documents, one row per table.

    ``record`` is ``Table.model_dump(mode="json")`` after corrections;
    ``original`` is the record as read; ``score`` the recomputed score. They
    live beside ``perf_table`` so that lists and filters scan narrow rows.
    """

    __tablename__ = "table_content"

    table_id: Mapped[int] = mapped_column(
        ForeignKey("perf_table.id", ondelete="CASCADE"), primary_key=True
    )
    record: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Loaded only when asked for: most tables were never corrected.
    original: Mapped[dict[str, Any]] = mapped_column(JSONType, deferred=True)
    score: Mapped[dict[str, Any]] = mapped_column(JSONType)

    table: Mapped[StoredTable] = relationship(back_populates="content")


class FundRow(Base):
    """A money row of a table (as corrected), with exact amounts."""

    __tablename__ = "fund_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("perf_table.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(200))
    group: Mapped[str | None] = mapped_column(String(64))
    initial_budget: Mapped[Decimal | None] = mapped_column(Money)
    budget: Mapped[Decimal | None] = mapped_column(Money)
    executed: Mapped[Decimal | None] = mapped_column(Money)
    rate: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)

    table: Mapped[StoredTable] = relationship(back_populates="funds")


class StoredFinding(Base):
    """A finding of the audit and its review.

    ``fingerprint`` (check code + location) carries the review over when the
    table is corrected and audited again; a finding the new audit no longer
    reports becomes inactive (``active`` false, shown as 已消除).
    """

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("perf_table.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(400))
    code: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    location: Mapped[dict[str, Any]] = mapped_column(JSONType)
    row_key: Mapped[str] = mapped_column(String(300))
    expected: Mapped[str | None] = mapped_column(Text)
    found: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open, confirmed, dismissed
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    table: Mapped[StoredTable] = relationship(back_populates="findings")
    reviewed_by: Mapped[User | None] = relationship(lazy="select")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


Index("ix_finding_table_active", StoredFinding.table_id, StoredFinding.active)


class ChangeLog(Base):
    """Append-only: who changed which field from what to what, when.

    Values are JSON texts. The ORM refuses to update or delete rows, and the
    migration adds database triggers that refuse it too.
    """

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    table_id: Mapped[int | None] = mapped_column(Integer, index=True)
    field: Mapped[str | None] = mapped_column(String(200))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete a change-log row."""


@event.listens_for(Session, "before_flush")
def _refuse_change_log_edits(session: Session, flush_context: object, instances: object) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, ChangeLog) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError("change_log is append-only")
