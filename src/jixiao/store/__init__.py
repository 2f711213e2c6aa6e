"""The review workbench's storage: SQLAlchemy 2 models, Alembic migrations, services.

>>> from jixiao.store import make_engine, migrate, session_factory
>>> engine = make_engine("sqlite:///jixiao.db")  # doctest: +SKIP
>>> migrate(engine)  # doctest: +SKIP
"""

from jixiao.store.db import (
    database_state,
    default_url,
    make_engine,
    migrate,
    resolve_url,
    session_factory,
)
from jixiao.store.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    StoreError,
    TooLarge,
    UploadRefused,
)
from jixiao.store.ingest import IngestResult, check_upload, ingest
from jixiao.store.models import (
    Base,
    ChangeLog,
    FundRow,
    SourceFile,
    StoredFinding,
    StoredTable,
    User,
    UserSession,
)

__all__ = [
    "Base",
    "ChangeLog",
    "Conflict",
    "Forbidden",
    "FundRow",
    "IngestResult",
    "InvalidInput",
    "NotFound",
    "SourceFile",
    "StoreError",
    "StoredFinding",
    "StoredTable",
    "TooLarge",
    "UploadRefused",
    "User",
    "UserSession",
    "check_upload",
    "database_state",
    "default_url",
    "ingest",
    "make_engine",
    "migrate",
    "resolve_url",
    "session_factory",
]
