"""Settings of the web application."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.store.ingest import DEFAULT_MAX_BYTES


@dataclass(slots=True)
class WebSettings:
    db_url: str
    # PostgreSQL only: put the tables in this schema (tests use one per run).
    schema: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_BYTES
    max_files: int = 20
    # Set when the app is served over HTTPS (directly or behind a proxy).
    secure_cookies: bool = False
    session_cookie: str = "jixiao_session"
    csrf_cookie: str = "jixiao_csrf"
    demo: bool = False
    migrate: bool = True
    login_attempts: int = 5
    login_lockout_seconds: int = 60
    # Worker threads per process for the synchronous pages (database and rendering).
    threads: int = 4

    @property
    def max_request_bytes(self) -> int:
        """The most one request may send: a few files at the per-file limit."""
        return self.max_upload_bytes * 5 + 1024 * 1024
