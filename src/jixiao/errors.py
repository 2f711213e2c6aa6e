"""Errors jixiao reports to users: each says which file and what went wrong."""

from __future__ import annotations


class JixiaoError(Exception):
    """Base class; ``str(err)`` is a complete message for a user."""


class UnreadableFileError(JixiaoError):
    """The file cannot be read at all (binary, wrong encoding, corrupt)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: 无法读取文件 (cannot read file): {reason}")
        self.source = source
        self.reason = reason


class NoTableFoundError(JixiaoError):
    """The file was read but holds no recognisable performance table."""

    def __init__(self, source: str, looked_for: str) -> None:
        super().__init__(
            f"{source}: 未找到绩效表 (no performance table found); looked for {looked_for}"
        )
        self.source = source
