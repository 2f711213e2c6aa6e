"""Errors the store reports to users; ``str(err)`` is a complete Chinese message."""

from __future__ import annotations


class StoreError(Exception):
    """Base class. ``status`` is the HTTP status the web layer answers with."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(StoreError):
    status = 400


class NotFound(StoreError):
    status = 404


class Forbidden(StoreError):
    status = 403


class Conflict(StoreError):
    """Optimistic locking: someone else changed the record since it was read."""

    status = 409

    def __init__(self, message: str, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class UploadRefused(StoreError):
    status = 422


class TooLarge(UploadRefused):
    status = 413
