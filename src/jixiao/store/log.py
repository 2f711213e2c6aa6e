"""The change log: one append-only row per changed field."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from jixiao.store.models import ChangeLog, User

_MISSING = object()


def encode(value: Any) -> str | None:
    """A value as stored in the log: JSON text (``None`` when there is no value)."""
    if value is _MISSING:
        return None
    return json.dumps(value, ensure_ascii=False, default=str)


def decode(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def log_change(
    db: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    table_id: int | None = None,
    field: str | None = None,
    old: Any = _MISSING,
    new: Any = _MISSING,
    note: str | None = None,
    actor_name: str | None = None,
) -> ChangeLog:
    """Append one row: who (``actor``, or ``actor_name`` for the command line) did what."""
    row = ChangeLog(
        user_id=actor.id if actor else None,
        username=actor.username if actor else (actor_name or "system"),
        action=action,
        entity=entity,
        entity_id=entity_id,
        table_id=table_id,
        field=field,
        old_value=encode(old),
        new_value=encode(new),
        note=note,
    )
    db.add(row)
    return row
