"""The audit chain's keys: HMAC keys kept outside the database, so that write access to the database alone
cannot rebuild or extend the chain (REQUIREMENTS AUD-1; issue 17 §4).

The key ring is a file (DANGAN_AUDIT_KEY_FILE, default DANGAN_HOME/secrets/audit.key, mode 0600): one key a
line as 64 hex digits, oldest first. Every key ever used stays in it, since the events it signed are verified
with it; DANGAN_AUDIT_KEY adds keys given directly (a container secret), comma-separated. A key is named by
its id, a fingerprint that reveals nothing of it; the chain records ids, never keys. Keep the file off the
database server, back it up apart from the database, and give every machine that writes events a copy.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

KEY_BYTES = 32
_HEADER = (
    "# Dangan audit chain keys: secret; one key a line, oldest first. Keep every line: older events are\n"
    "# verified with the keys that signed them. Never store this file in the database or its backup.\n"
)


class AuditKeyError(RuntimeError):
    """The key ring is unreadable or lacks a key the chain needs: an operator's problem, not a user's."""


def key_id(secret: bytes) -> str:
    """The public name of a key: a fingerprint (16 hex digits) that reveals nothing of the key."""
    return hashlib.sha256(b"dangan-audit-key-id\0" + secret).hexdigest()[:16]


def mac(secret: bytes, blob: bytes) -> str:
    """HMAC-SHA-256 of blob under a key, as 64 hex digits."""
    return hmac.new(secret, blob, hashlib.sha256).hexdigest()


def _parse(text: str, where: str) -> list[bytes]:
    keys = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("#"):
            continue
        for part in filter(None, (p.strip() for p in line.split(","))):
            try:
                secret = bytes.fromhex(part)
            except ValueError:
                secret = b""
            if len(secret) != KEY_BYTES:
                # Never echo the line: it may be a key.
                raise AuditKeyError(f"{where}, line {number}: not a key of {KEY_BYTES * 2} hex digits")
            keys.append(secret)
    return keys


@dataclass(eq=False)
class Keyring:
    """The keys that sign and verify the audit chain, read from the key file (again whenever it changes)."""

    path: Path
    given: str = field(default="", repr=False)  # DANGAN_AUDIT_KEY
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stamp: tuple[int, int] | None = field(default=None, repr=False)
    _keys: dict[str, bytes] = field(default_factory=dict, repr=False)
    _order: list[str] = field(default_factory=list, repr=False)

    def _load(self) -> None:
        try:
            st = self.path.stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp == self._stamp and (self._keys or stamp is None and not self.given):
            return
        from_file = _parse(self.path.read_text(encoding="utf-8"), str(self.path)) if stamp else []
        keys = [*from_file, *_parse(self.given, "DANGAN_AUDIT_KEY")]
        self._keys = {key_id(k): k for k in keys}
        self._order = list(dict.fromkeys(key_id(k) for k in keys))
        self._stamp = stamp

    def get(self, kid: str) -> bytes | None:
        """The key with that id, or None when the ring does not hold it."""
        with self._lock:
            self._load()
            return self._keys.get(kid)

    def ids(self) -> list[str]:
        """The ids of every key in the ring, oldest first."""
        with self._lock:
            self._load()
            return list(self._order)

    def current(self) -> str:
        """The id of the key a new keyed segment starts with: a given key, else the newest in the file,
        else a new key written to the file (mode 0600) on first use."""
        with self._lock:
            self._load()
            if self.given:
                return key_id(_parse(self.given, "DANGAN_AUDIT_KEY")[-1])
            if self._order:
                return self._order[-1]
        return self.add()

    def add(self) -> str:
        """Make a new key, append it to the key file (created 0600 if missing); its id."""
        secret = secrets.token_bytes(KEY_BYTES)
        with self._lock:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            new = not self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                if new:
                    out.write(_HEADER)
                out.write(secret.hex() + "\n")
                out.flush()
                os.fsync(out.fileno())
            self._stamp = None
            self._load()
        return key_id(secret)
