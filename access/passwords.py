"""Password hashing (argon2id) and one-time passwords."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import DanganError

_hasher = PasswordHasher()
# No 0/O, 1/l/I: one-time passwords are read off a screen and typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@cache
def _dummy_hash() -> str:
    # Verified when the login is unknown, so that an unknown login costs as long as a wrong password.
    return _hasher.hash("dangan-timing-equaliser")


def hash_password(password: str) -> str:
    """The argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; a missing hash spends the same time and fails."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def generate_password(length: int = 16) -> str:
    """A random one-time password."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def check_password(password: str, *, min_length: int) -> None:
    """Refuse a password that is too short or blank."""
    if len(password.strip()) < min_length:
        raise DanganError("password.too_short", min=min_length)
