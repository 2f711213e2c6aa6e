"""Local users, password hashing (argon2id) and login sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jixiao.store.domain import ROLE_ALIASES, ROLE_LABELS
from jixiao.store.errors import Conflict, InvalidInput, NotFound
from jixiao.store.log import log_change
from jixiao.store.models import User, UserSession, utcnow

SESSION_TTL = timedelta(hours=12)
# A session's expiry moves forward on use, at most this often (saves writes).
SESSION_TOUCH = timedelta(minutes=10)
MIN_PASSWORD = 8
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@\-\u4e00-\u9fff]{2,64}$")

_hasher = PasswordHasher()
# Verifying against this keeps the time of a failed login the same whether the
# user exists or not.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def aware(dt: datetime) -> datetime:
    """SQLite gives naive datetimes back: they are UTC."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password for demo accounts (never a fixed default)."""
    return secrets.token_urlsafe(12)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_role(role: str) -> str:
    try:
        return ROLE_ALIASES[role.strip()]
    except KeyError:
        known = "、".join(f"{label}({key})" for key, label in ROLE_LABELS.items())
        raise InvalidInput(f"未知角色「{role}」，可选：{known}") from None


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 个字符")


def create_user(
    db: Session,
    username: str,
    password: str,
    role: str,
    unit: str | None = None,
    display_name: str | None = None,
    actor: User | None = None,
    actor_name: str | None = None,
) -> User:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise InvalidInput("用户名为 2–64 个字母、数字、汉字或 _ . @ -")
    role = normalize_role(role)
    unit = (unit or "").strip() or None
    if role == "filler" and not unit:
        raise InvalidInput("填报人必须指定所属单位（--unit）")
    check_password(password)
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名「{username}」已存在")
    user = User(
        username=username,
        display_name=(display_name or "").strip() or None,
        password_hash=hash_password(password),
        role=role,
        unit=unit,
        active=True,
    )
    db.add(user)
    db.flush()
    log_change(
        db,
        actor,
        "user.create",
        "user",
        user.id,
        field="role",
        new={"username": username, "role": role, "unit": unit},
        actor_name=actor_name,
    )
    return user


def set_password(
    db: Session, user: User, password: str, actor: User | None = None, actor_name: str | None = None
) -> None:
    """Change a password; every existing session of the user ends."""
    check_password(password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    db.execute(delete(UserSession).where(UserSession.user_id == user.id))
    log_change(db, actor, "user.password", "user", user.id, field="password", actor_name=actor_name)


def update_user(
    db: Session,
    user: User,
    actor: User | None,
    role: str | None = None,
    unit: str | None = None,
    active: bool | None = None,
    display_name: str | None = None,
    actor_name: str | None = None,
) -> None:
    changes: dict[str, tuple[object, object]] = {}
    was_admin = user.role == "admin" and user.active
    if role is not None:
        new_role = normalize_role(role)
        if new_role != user.role:
            changes["role"] = (user.role, new_role)
            user.role = new_role
    if unit is not None:
        new_unit = unit.strip() or None
        if new_unit != user.unit:
            changes["unit"] = (user.unit, new_unit)
            user.unit = new_unit
    if display_name is not None:
        new_name = display_name.strip() or None
        if new_name != user.display_name:
            changes["display_name"] = (user.display_name, new_name)
            user.display_name = new_name
    if active is not None and active != user.active:
        changes["active"] = (user.active, active)
        user.active = active
        if not active:
            db.execute(delete(UserSession).where(UserSession.user_id == user.id))
    if user.role == "filler" and not user.unit:
        raise InvalidInput("填报人必须指定所属单位")
    if was_admin and not (user.role == "admin" and user.active):
        others = db.scalar(
            select(func.count(User.id)).where(
                User.role == "admin", User.active.is_(True), User.id != user.id
            )
        )
        if not others:
            raise InvalidInput("不能停用或降级最后一个管理员")
    for field, (old, new) in changes.items():
        log_change(
            db, actor, "user.update", "user", user.id, field=field, old=old, new=new,
            actor_name=actor_name,
        )  # fmt: skip


def get_user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户「{username}」不存在")
    return user


def count_users(db: Session) -> int:
    return db.scalar(select(func.count(User.id))) or 0


@dataclass(slots=True)
class LoginResult:
    token: str
    session: UserSession


def authenticate(db: Session, username: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(db: Session, user: User) -> LoginResult:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    sess = UserSession(
        token_hash=token_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_TTL,
    )
    db.add(sess)
    db.execute(delete(UserSession).where(UserSession.expires_at < now))
    db.flush()
    sess.user = user
    return LoginResult(token, sess)


def load_session(db: Session, token: str) -> UserSession | None:
    """The live session of a cookie token (its user active), or None."""
    if not token or len(token) > 128:
        return None
    sess = db.get(UserSession, token_hash(token))
    if sess is None:
        return None
    now = utcnow()
    if aware(sess.expires_at) <= now or not sess.user.active:
        return None
    if now - aware(sess.last_seen_at) > SESSION_TOUCH:
        sess.last_seen_at = now
        sess.expires_at = now + SESSION_TTL
        db.commit()
    return sess


def end_session(db: Session, token: str) -> None:
    db.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))
