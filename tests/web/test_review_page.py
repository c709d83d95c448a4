"""The review queue: readable flagged documents only; confirm or correct, kept as revisions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from records.models import Document, Revision
from tests.api.world import add_grant
from tests.web.archive import add_pdf_document


def test_review_queue_confirms_and_corrects(tab, world):
    flagged = add_pdf_document(
        world,
        "c1",
        "internal",
        title="未分类文件",
        lines=["x"],
        needs_review=["unclassified", "low_confidence"],
    )
    hidden = add_pdf_document(
        world, "c2", "department", title="别部门的待审", lines=["y"], needs_review=["unclassified"]
    )
    archivist = tab("archivist")
    queue = archivist.get("/review")
    assert f'id="review-{flagged}"' in queue.text and "未分类" in queue.text
    assert f'id="review-{hidden}"' not in queue.text and "别部门的待审" not in queue.text
    assert "1" in archivist.get("/").text  # the dashboard counts the queue

    missing = archivist.post(f"/review/{flagged}", {"doc_type": "contract", "reason": ""})
    assert missing.status_code == 400 and 'id="err-reason"' in missing.text
    done = archivist.post(f"/review/{flagged}", {"doc_date": "2024-02-20", "reason": "已核对"})
    assert done.status_code == 303
    with world.runtime.factory() as session:
        doc = session.get(Document, flagged)
        assert not doc.needs_review and doc.doc_date.isoformat() == "2024-02-20"
        assert len(session.scalars(select(Revision).where(Revision.document_id == flagged)).all()) == 2
    assert f'id="review-{flagged}"' not in archivist.get("/review").text


def test_staff_see_the_queue_without_the_editing_forms(tab, world):
    flagged = add_pdf_document(
        world, "c1", "internal", title="待审", lines=["x"], needs_review=["unclassified"]
    )
    page = tab("bob").get("/review")
    assert f'id="review-{flagged}"' in page.text and f'action="/review/{flagged}"' not in page.text
    assert tab("bob").post(f"/review/{flagged}", {"reason": "x"}).status_code == 403


def _form_fields(html: str, action: str) -> list[str]:
    """The names of a form's fields, in order, and the kind of form it is."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None, action
    return re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', form.group(1))


def test_review_and_document_page_share_one_correction_form(tab, world):
    flagged = add_pdf_document(
        world, "c1", "internal", title="待审", lines=["x"], needs_review=["unclassified"]
    )
    archivist = tab("archivist")
    review = _form_fields(archivist.get("/review").text, f"/review/{flagged}")
    page = _form_fields(archivist.get(f"/documents/{flagged}").text, f"/documents/{flagged}/metadata")
    assert review == page == ["csrf_token", "doc_type", "title", "doc_date", "customer_id", "reason"]
    assert 'class="grid-form metadata-form"' in archivist.get("/review").text


@pytest.mark.parametrize("where", ["/review/{}", "/documents/{}/metadata"])
def test_bad_customer_number_is_shown_beside_its_field_on_both_forms(tab, world, where):
    flagged = add_pdf_document(
        world, "c1", "internal", title="待审", lines=["x"], needs_review=["unclassified"]
    )
    for bad in ("x1", "9" * 30):
        refused = tab("archivist", "en").post(where.format(flagged), {"customer_id": bad, "reason": "r"})
        assert refused.status_code == 400 and 'id="err-customer_id"' in refused.text
        assert "Enter a number" in refused.text


def test_unknown_customer_file_is_shown_beside_its_field_in_the_queue(tab, world):
    flagged = add_pdf_document(
        world, "c1", "internal", title="待审", lines=["x"], needs_review=["unclassified"]
    )
    refused = tab("archivist").post(f"/review/{flagged}", {"customer_id": "999999", "reason": "r"})
    assert refused.status_code == 400 and 'id="err-customer_id"' in refused.text
    with world.runtime.factory() as session:
        assert session.get(Document, flagged).needs_review


def test_a_grant_lends_no_right_to_confirm_a_review(tab, world):
    flagged = add_pdf_document(
        world, "c2", "department", title="别部门", lines=["x"], needs_review=["unclassified"]
    )
    with world.runtime.factory() as session, session.begin():
        add_grant(session, world, "archivist", document_id=flagged)
    archivist = tab("archivist")
    assert f'id="review-{flagged}"' in archivist.get("/review").text  # readable under the grant
    assert archivist.post(f"/review/{flagged}", {"reason": "x"}).status_code == 403
    with world.runtime.factory() as session:
        assert session.get(Document, flagged).needs_review
        assert session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "review.confirm",
                AuditEvent.result == "denied",
                AuditEvent.object_id == str(flagged),
            )
        )
