"""Indexes for the tables list: each filter / sort column together with the id.

The list shows the newest tables first within equal values (``ORDER BY col,
id``); an index on ``(col, id)`` serves a filter with that order, and a sort by
the column, as a range read in index order instead of sorting the table. The
one-column indexes these replace are their prefixes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Column → the old one-column index it replaces (None: there was none).
COLUMNS: dict[str, str | None] = {
    "form": "ix_perf_table_form",
    "year": "ix_perf_table_year",
    "project": "ix_perf_table_project",
    "owner_unit": "ix_perf_table_owner_unit",
    "status": "ix_perf_table_status",
    "printed_total": None,
    "recomputed_total": "ix_perf_table_recomputed_total",
    "recomputed_grade": "ix_perf_table_recomputed_grade",
    "n_error": None,
    "n_open": None,
    "updated_at": "ix_perf_table_updated_at",
}


def upgrade() -> None:
    with op.batch_alter_table("perf_table", schema=None) as batch_op:
        for column, old in COLUMNS.items():
            if old is not None:
                batch_op.drop_index(old)
            batch_op.create_index(f"ix_perf_table_{column}_id", [column, "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("perf_table", schema=None) as batch_op:
        for column, old in COLUMNS.items():
            batch_op.drop_index(f"ix_perf_table_{column}_id")
            if old is not None:
                batch_op.create_index(old, [column], unique=False)
