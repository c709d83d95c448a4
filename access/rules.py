"""The confidentiality rules as data: who reads each level, who approves requests for it (POL-3, POL-4).

Reader codes: `everyone` (every active user), `department_members` and `department_manager` (of the
department that keeps the customer file, customer.department), `owner` (the customer file's owner,
customer.owner) and `owner_manager` (the manager of the owner's department); any other code is a position
whose holders read the level everywhere.

Chain codes: `department_manager` (of the department keeping the file), `owner_manager` (of the owner's
department, else of the keeping department), `requester_manager` (本部门经理, of the requester's own
department); any other code is a position any of whose holders may sign.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import require_role
from access.models import LevelRule, Position, User
from core import audit
from core.errors import DanganError
from records.models import LEVELS

READER_CODES = frozenset({"everyone", "department_members", "department_manager", "owner", "owner_manager"})
CHAIN_CODES = frozenset({"department_manager", "owner_manager", "requester_manager"})

DEFAULT_POSITIONS = (
    ("department_manager", "部门经理", "Department manager"),
    ("marketing_director", "营销总监", "Marketing director"),
    ("deputy_gm", "副总经理", "Deputy general manager"),
    ("gm", "总经理", "General manager"),
    # POL-9: the chairman approves loans of originals (and borrows directly), as the GM and deputy GMs do.
    ("chairman", "董事长", "Chairman"),
)


@dataclass(frozen=True)
class LevelRuleData:
    level: str
    rank: int
    readers: tuple[str, ...]
    chain: tuple[str, ...]


DEFAULT_RULES = {
    "internal": LevelRuleData("internal", 0, ("everyone",), ()),
    "department": LevelRuleData(
        "department", 1, ("department_manager", "department_members"), ("department_manager",)
    ),
    "personal": LevelRuleData("personal", 2, ("owner", "owner_manager"), ("owner_manager",)),
    # Company files outrank personal ones for approval: a request mixing both goes to the GM.
    "company": LevelRuleData(
        "company", 3, ("marketing_director", "deputy_gm", "gm"), ("requester_manager", "gm")
    ),
}


def load_rules(session: Session) -> dict[str, LevelRuleData]:
    """The rules in force: rows in level_rule, the defaults for levels without one."""
    rules = dict(DEFAULT_RULES)
    for row in session.scalars(select(LevelRule)):
        rules[row.level] = LevelRuleData(row.level, row.rank, tuple(row.readers), tuple(row.chain))
    return rules


def ensure_defaults(session: Session) -> int:
    """Insert the shipped positions and level rules that are missing; never change existing rows."""
    added = 0
    have = set(session.scalars(select(Position.code)))
    for code, name_zh, name_en in DEFAULT_POSITIONS:
        if code not in have:
            session.add(Position(code=code, name_zh=name_zh, name_en=name_en))
            added += 1
    session.flush()
    have = set(session.scalars(select(LevelRule.level)))
    for rule in DEFAULT_RULES.values():
        if rule.level not in have:
            session.add(
                LevelRule(
                    level=rule.level, rank=rule.rank, readers=list(rule.readers), chain=list(rule.chain)
                )
            )
            added += 1
    session.flush()
    return added


def set_level_rule(
    session: Session,
    *,
    level: str,
    readers: list[str],
    chain: list[str],
    rank: int | None = None,
    actor: User,
    client: str = "",
) -> LevelRuleData:
    """Change who reads a level and who approves requests for it (admin only; audited before/after)."""
    require_role(
        actor, "admin", action="permission.change", object_type="level_rule", object_id=level, client=client
    )
    if level not in LEVELS:
        raise DanganError("level.unknown", level=level)
    positions = set(session.scalars(select(Position.code)))
    bad = [c for c in readers if c not in READER_CODES | positions]
    bad += [c for c in chain if c not in CHAIN_CODES | positions]
    if bad:
        raise DanganError("level_rule.invalid", codes=", ".join(bad))
    before = load_rules(session)[level]
    row = session.get(LevelRule, level) or LevelRule(level=level, rank=before.rank)
    row.readers, row.chain = list(readers), list(chain)
    if rank is not None:
        row.rank = rank
    session.add(row)
    session.flush()
    after = LevelRuleData(level, row.rank, tuple(readers), tuple(chain))
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="permission.change",
        object_type="level_rule",
        object_id=level,
        client=client,
        details={"before": _plain(before), "after": _plain(after)},
    )
    return after


def _plain(rule: LevelRuleData) -> dict:
    return {"rank": rule.rank, "readers": list(rule.readers), "chain": list(rule.chain)}
