"""Checkpoints of the audit chain's head, kept outside the database (issue 17 §4).

A checkpoint says: at this time the chain held `count` events and ended with event `head_id` whose hash was
`head_hash`, signed with key `key_id`; the whole is MACed with that key. It is written to the object store
(workflows.trail), under object lock where the store has it, so a chain rebuilt or truncated in the database
no longer matches it: `core.audit.verify_chain` requires every checkpoint's head event, with that hash, at that place.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from core.audit_keys import Keyring, mac
from core.db import utcnow

FORMAT = "dangan-audit-checkpoint/1"


@dataclass(frozen=True)
class Checkpoint:
    at: datetime
    head_id: int | None
    head_hash: str
    count: int
    key_id: str
    mac: str = ""
    name: str = ""  # where it is kept (its object key); not part of what the MAC covers

    def body(self) -> dict[str, Any]:
        """What the MAC covers."""
        return {
            "format": FORMAT,
            "at": self.at.isoformat(),
            "head_id": self.head_id,
            "head_hash": self.head_hash,
            "count": self.count,
            "key_id": self.key_id,
        }

    def to_json(self) -> bytes:
        """The stored form."""
        return json.dumps(self.body() | {"mac": self.mac}, sort_keys=True, separators=(",", ":")).encode()


def blob(checkpoint: Checkpoint) -> bytes:
    return json.dumps(checkpoint.body(), sort_keys=True, separators=(",", ":")).encode()


def read_checkpoint(data: bytes, name: str) -> Checkpoint:
    """A stored checkpoint; one that cannot be read comes back unsigned, so that verifying names it."""
    try:
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise ValueError(raw.get("format"))
        return Checkpoint(
            datetime.fromisoformat(raw["at"]),
            None if raw["head_id"] is None else int(raw["head_id"]),
            str(raw["head_hash"]),
            int(raw["count"]),
            str(raw["key_id"]),
            str(raw["mac"]),
            name,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return Checkpoint(datetime.min.replace(tzinfo=utcnow().tzinfo), None, "", 0, "", "", name)


def checkpoint_problem(checkpoint: Checkpoint, ring: Keyring) -> str:
    """Why a checkpoint cannot be trusted ("" when its MAC holds)."""
    key = ring.get(checkpoint.key_id) if checkpoint.key_id else None
    if key is None:
        return f"checkpoint {checkpoint.name} is unreadable or signed with a key not in the key ring"
    if mac(key, blob(checkpoint)) != checkpoint.mac:
        return f"checkpoint {checkpoint.name} is not signed with the audit key (forged or altered)"
    return ""


def as_details(checkpoint: Checkpoint) -> dict[str, Any]:
    """A checkpoint as an audit event's details (no MAC)."""
    return {k: v for k, v in asdict(checkpoint).items() if k not in ("mac", "at")} | {
        "at": checkpoint.at.isoformat()
    }
