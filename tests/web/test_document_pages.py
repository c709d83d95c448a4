"""The document page: content only for readers, page images cached, downloads and corrections audited."""

from __future__ import annotations

from sqlalchemy import select

from core.audit import AuditEvent
from records.models import Document, Revision
from tests.web.archive import add_pdf_document
from tests.web.conftest import text_of
from workflows.page_images import cache_path


def _docs(world):  # type: ignore[no-untyped-def]
    public = add_pdf_document(
        world, "c1", "internal", title="借款合同甲", lines=["合同编号：HT-1", "金额壹佰万元"], confidence=42.0
    )
    secret = add_pdf_document(world, "c2", "department", title="担保合同乙", lines=["机密条款 DB-9"])
    return public, secret


def test_a_reader_sees_pages_text_metadata_and_the_customer_file(tab, world):
    public, _ = _docs(world)
    page = tab("bob").get(f"/documents/{public}")
    assert page.status_code == 200
    assert "借款合同甲" in page.text and "HT-1" in page.text
    assert f'src="/documents/{public}/pages/1.png"' in page.text
    assert 'class="page low"' in page.text and "识别置信度低" in page.text  # 42 < 70: flagged
    assert f'href="/customers/{world.customers["c1"]}"' in page.text
    sibling = add_pdf_document(world, "c1", "internal", title="同一客户的另一份", lines=["x"])
    hidden = add_pdf_document(world, "c1", "personal", title="私人备忘", lines=["x"])
    page = tab("bob").get(f"/documents/{public}")
    assert f'href="/documents/{sibling}"' in page.text  # the file's other documents bob reads
    assert f'href="/documents/{hidden}"' not in page.text and "私人备忘" not in page.text


def test_an_unreadable_document_shows_nothing_but_a_way_to_ask(tab, world):
    _, secret = _docs(world)
    alice = tab("alice")
    page = alice.get(f"/documents/{secret}")
    assert page.status_code == 403
    assert "担保合同乙" not in page.text and "DB-9" not in page.text
    assert f'href="/access/request?document={secret}"' in page.text
    for suffix in ("/pages/1.png", "/original", "/searchable"):
        response = alice.get(f"/documents/{secret}{suffix}")
        assert response.status_code == 403, suffix
        assert b"DB-9" not in response.content
    with world.runtime.factory() as session:
        sha = session.get(Document, secret).sha256
        denied = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_id == str(secret), AuditEvent.result == "denied"
            )
        ).all()
    assert not cache_path(world.runtime, sha, 1).exists()
    assert {"view", "view.page", "download", "download.searchable"} <= set(denied)


def test_page_images_are_rendered_once_and_cached_under_the_home(tab, world):
    public, _ = _docs(world)
    bob = tab("bob")
    first = bob.get(f"/documents/{public}/pages/1.png")
    assert first.status_code == 200 and first.content[:8] == b"\x89PNG\r\n\x1a\n"
    with world.runtime.factory() as session:
        sha = session.get(Document, public).sha256
    cached = cache_path(world.runtime, sha, 1)
    assert cached.exists() and str(cached).startswith(str(world.runtime.settings.home))
    assert bob.get(f"/documents/{public}/pages/1.png").content == first.content
    assert bob.get(f"/documents/{public}/pages/9.png").status_code == 404


def test_download_of_the_original_is_audited(tab, world):
    public, _ = _docs(world)
    response = tab("bob").get(f"/documents/{public}/original")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with world.runtime.factory() as session:
        assert session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "download",
                AuditEvent.actor == "bob",
                AuditEvent.object_id == str(public),
            )
        )


def test_correction_errors_show_beside_the_field_and_a_good_one_is_kept_in_history(tab, world):
    public, _ = _docs(world)
    archivist = tab("archivist", "en")
    bad = archivist.post(
        f"/documents/{public}/metadata", {"title": "新题名", "doc_date": "2024-13-45", "reason": ""}
    )
    assert bad.status_code == 400
    assert 'id="err-reason"' in bad.text and 'id="err-doc_date"' in bad.text
    assert "YYYY-MM-DD" in bad.text
    good = archivist.post(
        f"/documents/{public}/metadata", {"title": "借款合同（核对）", "reason": "核对题名"}
    )
    assert good.status_code == 303
    page = archivist.get(good.headers["location"])
    assert "借款合同（核对）" in page.text and "核对题名" in text_of(page.text)
    with world.runtime.factory() as session:
        assert session.scalar(select(Revision).where(Revision.document_id == public)).reason == "核对题名"


def test_staff_cannot_correct_metadata(tab, world):
    public, _ = _docs(world)
    bob = tab("bob")
    assert 'details class="edit"' not in bob.get(f"/documents/{public}").text
    response = bob.post(f"/documents/{public}/metadata", {"title": "x", "reason": "y"})
    assert response.status_code == 403
    with world.runtime.factory() as session:
        assert session.get(Document, public).title == "借款合同甲"


def test_a_missing_document_is_the_same_refusal_page_as_an_unreadable_one(tab):
    # A 404 beside the 403 of an unreadable record would tell which ids hold records.
    page = tab("bob").get("/documents/987654")
    assert page.status_code == 403 and "/access/request?document=987654" in page.text


def test_image_originals_render_each_frame(tab, world, tmp_path):
    import io
    import uuid

    from PIL import Image

    from records.models import Page
    from tests.ingest.samples import render_page, write_tiff

    path = write_tiff(
        tmp_path / "scan.tif", [render_page(dpi=100), render_page(["第二页"], title=None, dpi=100)]
    )
    put = world.runtime.store.put_file(path, kind="original")
    with world.runtime.factory() as session, session.begin():
        doc = Document(
            sha256=put.sha256,
            size=put.size,
            mime="image/tiff",
            original_filename="scan.tif",
            object_key=put.key,
            title="扫描件",
            customer_id=world.customers["c1"],
            level="internal",
            state="indexed",
            page_count=2,
            archive_no=f"A001-{uuid.uuid4().hex[:6]}",
        )
        doc.pages = [Page(number=n, text=f"页{n}", method="ocr", confidence=90.0) for n in (1, 2)]
        session.add(doc)
        session.flush()
        document_id = doc.id
    bob = tab("bob")
    sizes = []
    for number in (1, 2):
        response = bob.get(f"/documents/{document_id}/pages/{number}.png")
        assert response.status_code == 200
        sizes.append(Image.open(io.BytesIO(response.content)).size)
    assert [w for w, _ in sizes] == [827, 827]  # A4 at 100 dpi: never blown up past the scan
    assert bob.get(f"/documents/{document_id}/pages/3.png").status_code == 404


def test_a_failed_document_is_processed_again_from_its_page(tab, world):
    from sqlalchemy import update

    public, _ = _docs(world)
    with world.runtime.factory() as session, session.begin():
        session.execute(
            update(Document)
            .where(Document.id == public)
            .values(state="failed", error="ConnectionError: S3 down")
        )
    archivist = tab("archivist")
    page = archivist.get(f"/documents/{public}")
    assert f'action="/documents/{public}/retry"' in page.text and "重新处理" in page.text
    auditor = tab("auditor").get(f"/documents/{public}")  # reads it, captures nothing
    assert auditor.status_code == 200 and f'action="/documents/{public}/retry"' not in auditor.text
    done = archivist.post(f"/documents/{public}/retry")
    assert done.status_code == 303 and done.headers["location"] == f"/documents/{public}?retried=1"
    with world.runtime.factory() as session:
        assert session.get(Document, public).state == "indexed"  # the inline queue of the tests ran it
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "document.retry")).one()
    assert event.actor == "archivist" and event.object_id == str(public)
