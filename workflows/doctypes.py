"""Changing a document type's classification rule, names, default level and retention (admins; audited).

Rules are data so that archivists' experience can tune them (records.models.DocumentType); a change is
validated exactly as a rules file is (ingest.classify.rules_from_data) and applies to documents processed
from then on. Documents already filed keep their type and level.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from access.errors import require_role
from access.models import User
from core import audit
from core.errors import DanganError, NotFound
from ingest.classify import rules_from_data, rules_to_data
from records.models import DocumentType

FIELDS = ("name_zh", "name_en", "default_level", "retention")


@dataclass(frozen=True)
class TypeChange:
    code: str
    before: dict
    after: dict


def change_document_type(
    session: Session, *, actor: User, code: str, rule_json: str, client: str = ""
) -> TypeChange:
    """Replace the type's rule (JSON of one rules-file entry; its code must stay) and the columns it sets."""
    require_role(
        actor, "admin", action="doctype.change", object_type="document_type", object_id=code, client=client
    )
    doc_type = session.get(DocumentType, code)
    if doc_type is None:
        raise NotFound("doctype.unknown", name=code)
    try:
        data = json.loads(rule_json)
    except ValueError as exc:
        raise DanganError("doctype.rules_invalid", detail=f"JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("code", code) != code:
        raise DanganError("doctype.rules_invalid", detail="one object, for this type's code")
    (rule,) = rules_from_data([{"code": code} | data])
    after_rule = rules_to_data([rule])[0]
    before = {"rule": doc_type.rule} | {f: getattr(doc_type, f) for f in FIELDS}
    if before["rule"] == after_rule:
        raise DanganError("ui.admin.type_unchanged", code=code)
    doc_type.rule = after_rule
    for field in FIELDS:
        setattr(doc_type, field, after_rule[field])
    after = {"rule": after_rule} | {f: getattr(doc_type, f) for f in FIELDS}
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="doctype.change",
        object_type="document_type",
        object_id=code,
        client=client,
        details={"before": before, "after": after},
    )
    return TypeChange(code, before, after)
