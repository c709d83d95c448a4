"""Who may correct a document's description or take it off the review queue: one rule (check_editor)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.metadata import check_editor, clear_review, correct_metadata
from access.models import Grant
from core.db import utcnow
from core.errors import NotFound
from records.models import Document, Revision


def _flag(factory, company, name: str) -> int:
    with factory() as session, session.begin():
        doc = company.document(session, name)
        doc.needs_review, doc.review_reasons = True, ["unclassified"]
        return doc.id


def _grant(factory, company, login: str, name: str) -> None:
    now = utcnow()
    with factory() as session, session.begin():
        session.add(
            Grant(
                user_id=company.users[login],
                valid_from=now - timedelta(hours=1),
                valid_until=now + timedelta(hours=1),
                document_id=company.documents[name],
            )
        )


@pytest.mark.parametrize(
    ("login", "name", "allowed"),
    [
        ("archivist", "c1.internal", True),
        ("mgr1", "c1.department", True),
        ("mgr2", "c1.department", False),  # a manager who does not read it
        ("alice", "c1.internal", False),  # staff read but do not correct
        ("auditor", "c1.internal", False),
    ],
)
def test_check_editor_needs_an_editor_who_reads_by_right(factory, company, login, name, allowed):
    with factory() as session, session.begin():
        actor, doc = company.user(session, login), company.document(session, name)
        if allowed:
            check_editor(session, actor=actor, doc=doc, action="metadata.change")
        else:
            with pytest.raises(AccessDenied):
                check_editor(session, actor=actor, doc=doc, action="metadata.change")


def test_clear_review_takes_the_document_off_the_queue_as_a_revision(factory, company):
    document_id = _flag(factory, company, "c1.internal")
    with factory() as session, session.begin():
        archivist = company.user(session, "archivist")
        assert clear_review(session, document_id=document_id, actor=archivist, reason="已核对")
        assert not clear_review(session, document_id=document_id, actor=archivist, reason="again")
    with factory() as session:
        doc = session.get(Document, document_id)
        assert not doc.needs_review and doc.review_reasons == []
        revisions = session.scalars(select(Revision).where(Revision.document_id == document_id)).all()
        assert [(r.actor, r.reason, r.after) for r in revisions] == [
            ("archivist", "已核对", {"needs_review": False, "review_reasons": []})
        ]


def test_a_grant_lends_no_right_to_clear_a_review_or_correct(factory, company):
    document_id = _flag(factory, company, "c2.department")
    _grant(factory, company, "mgr1", "c2.department")  # mgr1 reads it, but only by the grant
    with factory() as session, session.begin():
        mgr1 = company.user(session, "mgr1")
        with pytest.raises(AccessDenied) as review:
            clear_review(session, document_id=document_id, actor=mgr1, reason="x")
        with pytest.raises(AccessDenied) as change:
            correct_metadata(session, document_id=document_id, actor=mgr1, reason="x", title="y")
    # The refusal carries its audit event, written by the caller after the rollback (access.errors).
    for refused, action in ((review, "review.confirm"), (change, "metadata.change")):
        event = refused.value.event
        assert refused.value.code == "metadata.change_forbidden"
        assert (event["actor"], event["action"], str(event["object_id"])) == (
            "mgr1",
            action,
            str(document_id),
        )
    with factory() as session:
        assert session.get(Document, document_id).needs_review


def test_clear_review_of_a_missing_document_is_not_found(factory, company):
    with factory() as session, session.begin(), pytest.raises(NotFound):
        clear_review(session, document_id=999_999, actor=company.user(session, "archivist"), reason="x")
