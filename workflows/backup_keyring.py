"""The audit key ring in a backup (issue 17 left "the backup should carry the checkpoints and the key ring").

The key ring is what makes the audit chain unforgeable; it must never sit beside the database in clear
(core.audit_keys). So a backup carries it only sealed: AES-256-GCM under a key derived with scrypt from
DANGAN_BACKUP_PASSPHRASE, which lives only in the operator's environment (never in the backup, never in the
database). Without a passphrase the key ring is left out, and the backup lists only the key ids the chain
needs, so a restore can tell the operator which keys to bring.
"""

from __future__ import annotations

import json
import os
from base64 import b64decode, b64encode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.errors import DanganError

FORMAT = "dangan-sealed-keyring/1"
_N, _R, _P = 2**15, 8, 1


def _key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=_N, r=_R, p=_P).derive(passphrase.encode("utf-8"))


def seal(keyring_text: str, passphrase: str) -> bytes:
    """The key ring file's text, encrypted and authenticated under the passphrase."""
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_key(passphrase, salt)).encrypt(nonce, keyring_text.encode("utf-8"), FORMAT.encode())
    body = {"format": FORMAT, "kdf": {"name": "scrypt", "n": _N, "r": _R, "p": _P}}
    body |= {"salt": b64encode(salt).decode(), "nonce": b64encode(nonce).decode()}
    return json.dumps(body | {"sealed": b64encode(sealed).decode()}).encode()


def unseal(data: bytes, passphrase: str) -> str:
    """The key ring's text; a wrong passphrase or a changed file is refused in both languages."""
    try:
        body = json.loads(data)
        key = _key(passphrase, b64decode(body["salt"]))
        plain = AESGCM(key).decrypt(b64decode(body["nonce"]), b64decode(body["sealed"]), FORMAT.encode())
    except (InvalidTag, ValueError, KeyError) as exc:
        raise DanganError("backup.keyring_unsealable") from exc
    return plain.decode("utf-8")
