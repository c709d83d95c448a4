"""Customer grades computed by rules that are data (POL-1; policy 9 §2 客户等级分类 by sales, policy 3's years
of business and credit standing).

Each grade A–D may have one rule: a minimum annual sales (fen), a minimum number of full years as a customer
(from `customer_since`), and the credit standings it accepts (empty: any). A file gets the first grade,
A first, whose every condition it meets; a condition on a value the file lacks is not met; a file meeting
none stays ungraded. A grade a person set (grade_source `manual`) overrides the rules: re-grading reports
what the rules would say and leaves it; clearing the grade hands the file back to the rules. Who may edit
rules or re-grade is access's to decide (access.customer_files.may_assign's managers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from core.errors import DanganError, NotFound
from records.customer_profile import revise
from records.models import CUSTOMER_GRADES, ENDED_STATUSES, Customer, GradeRule

MAX_SALES = 10**17  # fen, as a money field
MAX_YEARS = 200
MAX_STANDINGS = 20


@dataclass(frozen=True)
class RuleInfo:
    grade: str
    min_annual_sales: int | None
    min_years: int | None
    credit_standings: list[str]
    updated_by: str
    updated_at: str


@dataclass(frozen=True)
class Regraded:
    """What re-grading did: files whose grade changed, files a person's grade overrides, and the count seen."""

    changed: list[dict[str, Any]]
    overridden: list[dict[str, Any]]
    checked: int


def rule_info(rule: GradeRule) -> RuleInfo:
    return RuleInfo(
        rule.grade,
        rule.min_annual_sales,
        rule.min_years,
        list(rule.credit_standings or []),
        rule.updated_by,
        rule.updated_at.isoformat(),
    )


def list_rules(session: Session) -> list[RuleInfo]:
    """The rules, A first."""
    return [rule_info(r) for r in session.scalars(select(GradeRule).order_by(GradeRule.grade))]


def check_grade(grade: str) -> str:
    if grade not in CUSTOMER_GRADES:
        raise DanganError("grade.unknown", grade=grade, known=", ".join(CUSTOMER_GRADES))
    return grade


def set_rule(
    session: Session,
    *,
    grade: str,
    min_annual_sales: int | None,
    min_years: int | None,
    credit_standings: list[str],
    actor: str,
    role: str = "",
    client: str = "",
) -> RuleInfo:
    """Create or replace one grade's rule; audited as customer.grade_rule with before and after."""
    check_grade(grade)
    if min_annual_sales is not None and not 0 <= min_annual_sales < MAX_SALES:
        raise DanganError("grade.sales_invalid", value=min_annual_sales)
    if min_years is not None and not 0 <= min_years <= MAX_YEARS:
        raise DanganError("grade.years_invalid", value=min_years)
    standings = sorted({s.strip() for s in credit_standings if s.strip()})
    if len(standings) > MAX_STANDINGS or any(len(s) > 100 for s in standings):
        raise DanganError("grade.standings_invalid")
    rule = session.get(GradeRule, grade)
    before = _values(rule) if rule is not None else None
    if rule is None:
        rule = GradeRule(grade=grade)
        session.add(rule)
    rule.min_annual_sales, rule.min_years, rule.credit_standings = min_annual_sales, min_years, standings
    rule.updated_by, rule.updated_at = actor, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.grade_rule",
        object_type="grade_rule",
        object_id=grade,
        client=client,
        details={"before": before, "after": _values(rule)},
    )
    return rule_info(rule)


def remove_rule(session: Session, *, grade: str, actor: str, role: str = "", client: str = "") -> None:
    """Remove one grade's rule (no file gets that grade from the rules any more); audited."""
    rule = session.get(GradeRule, check_grade(grade))
    if rule is None:
        raise NotFound("grade.rule_not_found", grade=grade)
    before = _values(rule)
    session.delete(rule)
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.grade_rule",
        object_type="grade_rule",
        object_id=grade,
        client=client,
        details={"before": before, "after": None},
    )


def years_between(since: date, today: date) -> int:
    """Full years from since to today."""
    return today.year - since.year - ((today.month, today.day) < (since.month, since.day))


def rule_grade(customer: Customer, rules: list[GradeRule], today: date) -> str | None:
    """The grade the rules give the file (None: no rule matches)."""
    for rule in sorted(rules, key=lambda r: r.grade):
        if rule.min_annual_sales is not None and (
            customer.annual_sales is None or customer.annual_sales < rule.min_annual_sales
        ):
            continue
        if rule.min_years is not None and (
            customer.customer_since is None or years_between(customer.customer_since, today) < rule.min_years
        ):
            continue
        if rule.credit_standings and customer.credit_standing not in rule.credit_standings:
            continue
        return rule.grade
    return None


def regrade(
    session: Session,
    *,
    actor: str,
    role: str = "",
    reason: str,
    customer_ids: list[int] | None = None,
    client: str = "",
) -> Regraded:
    """Apply the rules to current files (or the given ones): each changed grade is a revision (action
    customer.regrade) with before and after; a person's grade stays and is reported as overriding."""
    rules = list(session.scalars(select(GradeRule)))
    today = utcnow().date()
    query = select(Customer).where(Customer.merged_into.is_(None)).order_by(Customer.id)
    if customer_ids is not None:
        query = query.where(Customer.id.in_(customer_ids))
    else:
        query = query.where(Customer.status.not_in(ENDED_STATUSES))
    changed, overridden, checked = [], [], 0
    for customer in session.scalars(query).all():
        checked += 1
        computed = rule_grade(customer, rules, today)
        if customer.grade_source == "manual" and customer.grade is not None:
            if computed != customer.grade:
                overridden.append(
                    {
                        "id": customer.id,
                        "name": customer.name,
                        "grade": customer.grade,
                        "rule_grade": computed,
                    }
                )
            continue
        if computed == customer.grade:
            if customer.grade is not None and customer.grade_source != "rule":
                customer.grade_source = "rule"
            continue
        revise(
            session,
            customer=customer,
            actor=actor,
            role=role,
            action="customer.regrade",
            changes={"grade": computed},
            reason=reason,
            client=client,
        )
        customer.grade_source = "rule" if computed is not None else None
        changed.append({"id": customer.id, "name": customer.name, "grade": computed})
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.regrade_run",
        client=client,
        details={"checked": checked, "changed": len(changed), "overridden": len(overridden)},
    )
    return Regraded(changed, overridden, checked)


def _values(rule: GradeRule) -> dict[str, Any]:
    return {
        "min_annual_sales": rule.min_annual_sales,
        "min_years": rule.min_years,
        "credit_standings": list(rule.credit_standings or []),
    }
