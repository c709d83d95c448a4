"""Retention schedules as data (RET-1, RET-2): each document type's rule, and each record's stored due date.

A due date is computed from the record's trigger date: the clock starts on 1 January after the trigger
year (RET-2) unless the rule starts on the trigger date itself. It is stored with its reasoning and
recomputed whenever what it depends on changes: the rule (set_rule), the trigger date or the type (metadata
corrections: api callers run `recompute`), or the customer's status (customer_status_changed). An extension
by appraisal (RET-3) only ever moves the date later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import User
from core import audit
from core.db import utcnow
from core.errors import DanganError, NotFound
from core.messages import translate
from records.models import Document, DocumentType
from retention.models import (
    ACTIONS,
    STARTS,
    TRIGGERS,
    RecordRetention,
    RelationshipEnd,
    RetentionExtension,
    RetentionRule,
)

# The shipped schedule (issue 6, RET-1): period in years (None = permanent), trigger, action, basis.
DEFAULT_SCHEDULE: dict[str, tuple[int | None, str, str, str]] = {
    "contract": (30, "contract_end", "destroy", "合同到期后定期30年（DA/T 22-2015；客户档案管理制度）"),
    "licence": (10, "relationship_end", "destroy", "客户关系终止后定期10年（客户档案管理制度）"),
    "correspondence": (10, "document_date", "destroy", "往来函件定期10年（DA/T 22-2015）"),
    "title_deed": (None, "relationship_end", "review", "权证在借款或担保存续期间永久保存（POL-8）"),
    "service_record": (10, "document_date", "destroy", "服务记录定期10年（POL-13）"),
    "customer_form": (10, "relationship_end", "destroy", "客户资料表于客户关系终止后定期10年（POL-1）"),
    "other": (10, "filing", "review", "其他文件归档后10年鉴定"),
}
ENDED = frozenset({"former", "lost"})
LIVE_STATES = ("filed", "indexed")


@dataclass(frozen=True)
class RuleView:
    """A rule as lists and the API show it."""

    doc_type: str
    period_years: int | None
    trigger: str
    start: str
    action: str
    basis: str
    updated_by: str
    updated_at: str


def rule_view(rule: RetentionRule) -> RuleView:
    """The plain values of a rule."""
    return RuleView(
        rule.doc_type, rule.period_years, rule.trigger, rule.start, rule.action, rule.basis,
        rule.updated_by, rule.updated_at.isoformat(),
    )  # fmt: skip


def ensure_default_schedule(session: Session) -> int:
    """Add the shipped rule for every document type that has none; how many were added."""
    have = set(session.scalars(select(RetentionRule.doc_type)))
    types = set(session.scalars(select(DocumentType.code)))
    added = 0
    for code, (years, trigger, action, basis) in DEFAULT_SCHEDULE.items():
        if code in types and code not in have:
            session.add(
                RetentionRule(doc_type=code, period_years=years, trigger=trigger, action=action, basis=basis)
            )
            added += 1
    session.flush()
    return added


def list_rules(session: Session) -> list[RuleView]:
    """Every rule, by document type."""
    ensure_default_schedule(session)
    return [rule_view(r) for r in session.scalars(select(RetentionRule).order_by(RetentionRule.doc_type))]


def set_rule(
    session: Session,
    *,
    actor: User,
    doc_type: str,
    period_years: int | None,
    trigger: str,
    action: str,
    basis: str,
    start: str = "next_year",
    client: str = "",
) -> tuple[RuleView, int]:
    """Create or change a type's rule (records officer; audited before/after); recomputes its records."""
    from retention.roles import require_officer

    require_officer(actor, action="retention.rule.set", client=client)
    if session.get(DocumentType, doc_type) is None:
        raise DanganError("retention.rule.unknown_type", doc_type=doc_type)
    for field, value, allowed in (
        ("trigger", trigger, TRIGGERS),
        ("action", action, ACTIONS),
        ("start", start, STARTS),
    ):
        if value not in allowed:
            raise DanganError("retention.rule.invalid", field=field, value=value)
    if period_years is not None and not 1 <= period_years <= 200:
        raise DanganError("retention.rule.invalid", field="period_years", value=period_years)
    rule = session.get(RetentionRule, doc_type)
    before = None if rule is None else _rule_values(rule)
    if rule is None:
        rule = RetentionRule(doc_type=doc_type, trigger=trigger, action=action)
        session.add(rule)
    rule.period_years, rule.trigger, rule.action, rule.start = period_years, trigger, action, start
    rule.basis, rule.updated_by, rule.updated_at = basis.strip(), actor.login, utcnow()
    session.flush()
    changed = recompute(session, doc_types=[doc_type])
    audit.record(
        session, actor=actor.login, role=actor.role_label, action="retention.rule.set", object_type="retention_rule",
        object_id=doc_type, client=client,
        details={"before": before, "after": _rule_values(rule), "records_recomputed": changed},
    )  # fmt: skip
    return rule_view(rule), changed


def _rule_values(rule: RetentionRule) -> dict:
    return {"period_years": rule.period_years, "trigger": rule.trigger, "start": rule.start,
            "action": rule.action, "basis": rule.basis}  # fmt: skip


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def trigger_date(doc: Document, trigger: str, ended: dict[int, date]) -> date | None:
    """The date a rule's clock runs from, for this record (None while it is not known)."""
    if trigger == "document_date":
        return doc.doc_date
    if trigger == "contract_end":
        value = (doc.extracted or {}).get("contract_end")
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None
    if trigger == "relationship_end":
        return ended.get(doc.customer_id) if doc.customer_id else None
    return doc.created_at.date()  # filing


def compute(doc: Document, rule: RetentionRule | None, ended: dict[int, date]) -> dict:
    """The values of a record's RecordRetention row under a rule (before any extension)."""
    if rule is None:
        return {"doc_type": doc.doc_type, "trigger": None, "trigger_date": None, "period_years": None,
                "permanent": False, "computed_due": None, "action": None,
                "reasoning": {"code": "retention.reason.no_rule", "doc_type": doc.doc_type or "-"}}  # fmt: skip
    values = {"doc_type": doc.doc_type, "trigger": rule.trigger, "period_years": rule.period_years,
              "action": rule.action, "permanent": rule.period_years is None}  # fmt: skip
    start = trigger_date(doc, rule.trigger, ended)
    values["trigger_date"] = start
    if rule.period_years is None:
        return values | {
            "computed_due": None,
            "reasoning": {"code": "retention.reason.permanent", "basis": rule.basis},
        }
    if start is None:
        return values | {
            "computed_due": None,
            "reasoning": {"code": "retention.reason.no_trigger", "trigger": rule.trigger},
        }
    origin = date(start.year + 1, 1, 1) if rule.start == "next_year" else start
    due = add_years(origin, rule.period_years)
    reasoning = {"code": "retention.reason.due", "trigger": rule.trigger, "trigger_date": start.isoformat(),
                 "years": rule.period_years, "due": due.isoformat()}  # fmt: skip
    return values | {"computed_due": due, "reasoning": reasoning}


def reasoning_text(reasoning: dict, language: str = "zh-CN") -> str:
    """The stored reasoning in words, e.g. "30 years from contract end 2024-12-31 → 2055-01-01"."""
    if not reasoning:
        return ""
    params = {k: v for k, v in reasoning.items() if k != "code"}
    if "trigger" in params:
        params["trigger"] = translate(f"retention.trigger.{params['trigger']}", language)
    if "base" in params:
        params["base"] = reasoning_text(params["base"], language)
    return translate(reasoning["code"], language, **params)


def recompute(
    session: Session,
    *,
    document_ids: Iterable[int] | None = None,
    doc_types: Iterable[str] | None = None,
    customer_ids: Iterable[int] | None = None,
    missing_only: bool = False,
) -> int:
    """Compute and store the due dates of the filed records selected; how many rows changed."""
    query = select(Document).where(Document.state.in_(LIVE_STATES))
    if document_ids is not None:
        query = query.where(Document.id.in_(list(document_ids)))
    if doc_types is not None:
        query = query.where(Document.doc_type.in_(list(doc_types)))
    if customer_ids is not None:
        query = query.where(Document.customer_id.in_(list(customer_ids)))
    if missing_only:
        query = query.where(
            ~select(RecordRetention.document_id).where(RecordRetention.document_id == Document.id).exists()
        )
    rules = {r.doc_type: r for r in session.scalars(select(RetentionRule))}
    ended = dict(session.execute(select(RelationshipEnd.customer_id, RelationshipEnd.ended_on)).all())
    changed = 0
    for doc in session.scalars(query.execution_options(yield_per=1000)):
        row = session.get(RecordRetention, doc.id)
        values = compute(doc, rules.get(doc.doc_type or ""), ended)
        if row is None:
            row = RecordRetention(document_id=doc.id)
            session.add(row)
        values["due_date"], values["reasoning"] = _with_extension(session, row, values)
        if any(getattr(row, k, None) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.computed_at = utcnow()
            changed += 1
    session.flush()
    return changed


def _with_extension(session: Session, row: RecordRetention, values: dict) -> tuple[date | None, dict]:
    due, reasoning = values["computed_due"], values["reasoning"]
    if row.extension_id is None or values["permanent"]:
        return due, reasoning
    ext = session.get_one(RetentionExtension, row.extension_id)
    if due is not None and due >= ext.new_due:
        return due, reasoning
    return ext.new_due, {"code": "retention.reason.extended", "base": reasoning, "due": ext.new_due.isoformat(),
                         "reason": ext.reason, "approver": ext.approver,
                         "decided_on": ext.decided_on.isoformat()}  # fmt: skip


def customer_status_changed(session: Session, *, customer_id: int, status: str, on: date) -> int:
    """Note when a relationship ended (former/lost) or resumed, and recompute the file's due dates."""
    row = session.get(RelationshipEnd, customer_id)
    if status in ENDED and row is None:
        session.add(RelationshipEnd(customer_id=customer_id, ended_on=on, status=status))
    elif status in ENDED and row is not None:
        row.status = status  # former → lost: the relationship ended when it first ended
    elif row is not None:
        session.delete(row)
    session.flush()
    return recompute(session, customer_ids=[customer_id])


def extend(
    session: Session,
    *,
    actor: User,
    document_id: int,
    new_due: date,
    reason: str,
    approver: str,
    decided_on: date,
    client: str = "",
) -> RecordRetention:
    """Keep a record longer by appraisal (RET-3): a later due date, with reason, approver and date; audited."""
    from retention.roles import require_officer

    require_officer(actor, action="retention.extend", object_id=document_id, client=client)
    if not reason.strip() or not approver.strip():
        raise DanganError("retention.reason_required")
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound("document.not_found", id=document_id)
    recompute(session, document_ids=[document_id])
    row = session.get(RecordRetention, document_id)
    if row is None or row.permanent:
        raise DanganError("retention.extension.permanent", id=document_id)
    if row.due_date is not None and new_due <= row.due_date:
        raise DanganError("retention.extension.not_later", new_due=new_due, due=row.due_date)
    ext = RetentionExtension(
        document_id=document_id, previous_due=row.due_date, new_due=new_due, reason=reason.strip(),
        approver=approver.strip(), decided_on=decided_on, recorded_by=actor.login,
    )  # fmt: skip
    session.add(ext)
    session.flush()
    row.extension_id = ext.id
    recompute(session, document_ids=[document_id])
    audit.record(
        session, actor=actor.login, role=actor.role_label, action="retention.extend", object_type="document",
        object_id=document_id, archive_no=doc.archive_no, client=client, reference=f"extension:{ext.id}",
        details={"before": {"due_date": str(ext.previous_due)}, "after": {"due_date": str(new_due)},
                 "reason": ext.reason, "approver": ext.approver, "decided_on": str(decided_on)},
    )  # fmt: skip
    return row
