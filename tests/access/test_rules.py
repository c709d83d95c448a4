"""The level rules are data: changing a row changes who reads, for checks and queries alike."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.models import Position
from access.policy import can_read, readable_filter
from access.rules import DEFAULT_RULES, load_rules, set_level_rule
from access.users import set_position
from core.errors import DanganError
from records.models import Document


def test_shipped_rules_are_in_the_database(factory):
    with factory() as session:
        assert load_rules(session) == DEFAULT_RULES


def test_the_chairman_is_a_shipped_position(factory):
    """POL-9 names the chairman (董事长) among those who approve loans: every archive has the post."""
    with factory() as session:
        chairman = session.get(Position, "chairman")
        assert chairman is not None and (chairman.name_zh, chairman.name_en) == ("董事长", "Chairman")


def test_changed_rule_changes_who_reads(factory, company):
    with factory() as session, session.begin():
        admin = company.user(session, "admin")
        # a company that lets its chairman (a shipped post, POL-9) read company files too
        set_position(session, actor=admin, login="bob", position="chairman")
        set_level_rule(session, level="company", readers=["gm", "chairman"], chain=["gm"], actor=admin)
    with factory() as session:
        bob, md = company.user(session, "bob"), company.user(session, "md")
        doc = company.document(session, "c2.company")
        assert can_read(session, bob, doc).allowed and not can_read(session, md, doc).allowed
        assert doc.id in set(session.scalars(select(Document.id).where(readable_filter(session, bob))))


def test_rule_with_unknown_codes_is_refused(factory, company):
    with factory() as session, session.begin(), pytest.raises(DanganError) as refused:
        set_level_rule(
            session,
            level="company",
            readers=["gm", "janitor"],
            chain=[],
            actor=company.user(session, "admin"),
        )
    assert refused.value.code == "level_rule.invalid"


def test_only_an_admin_changes_rules(factory, company):
    with factory() as session, session.begin(), pytest.raises(AccessDenied):
        set_level_rule(session, level="internal", readers=[], chain=[], actor=company.user(session, "gm"))
