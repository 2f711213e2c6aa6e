"""Initial schema: users, sessions, files, tables, money rows, findings, change log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:16:19.955167
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from jixiao.store.models import Money

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=200), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_change_log_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_log_table_id"), ["table_id"], unique=False)

    op.create_table(
        "source_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["app_user.id"],
            name=op.f("fk_source_file_uploaded_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_file")),
        sa.UniqueConstraint("sha256", name=op.f("uq_source_file_sha256")),
    )
    op.create_table(
        "user_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_session_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_user_session")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "perf_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("project", sa.String(length=500), nullable=True),
        sa.Column("unit_name", sa.String(length=500), nullable=True),
        sa.Column("department", sa.String(length=500), nullable=True),
        sa.Column("owner_unit", sa.String(length=500), nullable=True),
        sa.Column("money_unit", sa.String(length=8), nullable=True),
        sa.Column("rules", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("printed_total", sa.Float(), nullable=True),
        sa.Column("recomputed_total", sa.Float(), nullable=True),
        sa.Column("printed_grade", sa.String(length=4), nullable=True),
        sa.Column("recomputed_grade", sa.String(length=4), nullable=True),
        sa.Column("execution_rate", sa.Float(), nullable=True),
        sa.Column("execution_score", sa.Float(), nullable=True),
        sa.Column("consistent", sa.Boolean(), nullable=True),
        sa.Column("n_error", sa.Integer(), nullable=False),
        sa.Column("n_warning", sa.Integer(), nullable=False),
        sa.Column("n_info", sa.Integer(), nullable=False),
        sa.Column("n_open", sa.Integer(), nullable=False),
        sa.Column("n_corrected", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_perf_table_created_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["source_file.id"], name=op.f("fk_perf_table_file_id_source_file")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_user.id"],
            name=op.f("fk_perf_table_updated_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_perf_table")),
    )
    with op.batch_alter_table("perf_table", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_perf_table_file_id"), ["file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_perf_table_form"), ["form"], unique=False)
        batch_op.create_index(batch_op.f("ix_perf_table_owner_unit"), ["owner_unit"], unique=False)
        batch_op.create_index(batch_op.f("ix_perf_table_project"), ["project"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_perf_table_recomputed_grade"), ["recomputed_grade"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_perf_table_recomputed_total"), ["recomputed_total"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_perf_table_status"), ["status"], unique=False)
        batch_op.create_index("ix_perf_table_unit_year", ["owner_unit", "year"], unique=False)
        batch_op.create_index(batch_op.f("ix_perf_table_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_perf_table_year"), ["year"], unique=False)

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=400), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "location",
            JSON_TYPE,
            nullable=False,
        ),
        sa.Column("row_key", sa.String(length=300), nullable=False),
        sa.Column("expected", sa.Text(), nullable=True),
        sa.Column("found", sa.Text(), nullable=True),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["app_user.id"],
            name=op.f("fk_finding_reviewed_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["perf_table.id"],
            name=op.f("fk_finding_table_id_perf_table"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_code"), ["code"], unique=False)
        batch_op.create_index("ix_finding_table_active", ["table_id", "active"], unique=False)

    op.create_table(
        "fund_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("group", sa.String(length=64), nullable=True),
        sa.Column("initial_budget", Money(), nullable=True),
        sa.Column("budget", Money(), nullable=True),
        sa.Column("executed", Money(), nullable=True),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["perf_table.id"],
            name=op.f("fk_fund_row_table_id_perf_table"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_row")),
    )
    with op.batch_alter_table("fund_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_row_table_id"), ["table_id"], unique=False)

    # The large JSON documents live beside the table row, so that lists, counts
    # and filters scan narrow rows.
    op.create_table(
        "table_content",
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("record", JSON_TYPE, nullable=False),
        sa.Column("original", JSON_TYPE, nullable=False),
        sa.Column("score", JSON_TYPE, nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["perf_table.id"],
            name=op.f("fk_table_content_table_id_perf_table"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("table_id", name=op.f("pk_table_content")),
    )

    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table("fund_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_row_table_id"))

    op.drop_table("table_content")
    op.drop_table("fund_row")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index("ix_finding_table_active")
        batch_op.drop_index(batch_op.f("ix_finding_code"))

    op.drop_table("finding")
    with op.batch_alter_table("perf_table", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_perf_table_year"))
        batch_op.drop_index(batch_op.f("ix_perf_table_updated_at"))
        batch_op.drop_index("ix_perf_table_unit_year")
        batch_op.drop_index(batch_op.f("ix_perf_table_status"))
        batch_op.drop_index(batch_op.f("ix_perf_table_recomputed_total"))
        batch_op.drop_index(batch_op.f("ix_perf_table_recomputed_grade"))
        batch_op.drop_index(batch_op.f("ix_perf_table_project"))
        batch_op.drop_index(batch_op.f("ix_perf_table_owner_unit"))
        batch_op.drop_index(batch_op.f("ix_perf_table_form"))
        batch_op.drop_index(batch_op.f("ix_perf_table_file_id"))

    op.drop_table("perf_table")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))

    op.drop_table("user_session")
    op.drop_table("source_file")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_log_table_id"))
        batch_op.drop_index(batch_op.f("ix_change_log_at"))

    op.drop_table("change_log")
    op.drop_table("app_user")


# The change log is append-only: the database refuses UPDATE and DELETE too.
def _append_only_triggers() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER change_log_no_{verb.lower()} BEFORE {verb} ON change_log "
                "BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END"
            )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION change_log_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'change_log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log "
            "FOR EACH ROW EXECUTE FUNCTION change_log_append_only()"
        )


def _drop_append_only_triggers() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS change_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS change_log_no_delete")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS change_log_append_only ON change_log")
        op.execute("DROP FUNCTION IF EXISTS change_log_append_only()")
