"""The review queue: readable flagged documents only; confirm or correct, kept as revisions."""

from __future__ import annotations

from sqlalchemy import select

from records.models import Document, Revision
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
