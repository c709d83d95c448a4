"""An archive with a small company (tests.api.world) and helpers for records of a type, date and customer."""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest

from access.models import User
from records.document_counts import keeping_counts
from records.models import Derivative, Document, Page
from tests.api.world import World, build_world
from workflows.indexing import index_documents

TODAY = date(2060, 6, 1)


@pytest.fixture
def world(runtime) -> World:
    return build_world(None, runtime)


def user(session, world: World, login: str) -> User:
    return session.get_one(User, world.users[login])


def add_record(
    world: World,
    *,
    doc_type: str = "correspondence",
    doc_date: date | None = date(2020, 3, 5),
    customer: str = "c1",
    text: str = "",
    title: str | None = None,
    contract_end: str | None = None,
    derivative: bool = True,
) -> int:
    """A filed, indexed record with an original (and a searchable-PDF derivative) in the store."""
    runtime = world.runtime
    tag = uuid.uuid4().hex[:8]
    text = text or f"往来函件关于续贷安排第{tag}号 the quarterly review of account {tag}"
    original = runtime.store.put_stream(io.BytesIO(f"%PDF-1.4\n% {tag}\n".encode()), kind="original")
    with runtime.factory() as session, session.begin():
        doc = Document(
            sha256=original.sha256, size=original.size, mime="application/pdf", original_filename=f"{tag}.pdf",
            object_key=original.key, title=title or f"函件 {tag}", doc_type=doc_type, doc_date=doc_date,
            customer_id=world.customers[customer], level="internal", state="filed", page_count=1,
            archive_no=f"A001-KH·2020-D10-XS-{tag}",
            extracted={"contract_end": contract_end} if contract_end else {},
        )  # fmt: skip
        doc.pages = [Page(number=1, text=text, method="text_layer")]
        if derivative:
            pdf = runtime.store.put_stream(
                io.BytesIO(f"%PDF-1.4 searchable {tag}\n".encode()), kind="derivative"
            )
            doc.derivatives = [
                Derivative(kind="searchable_pdf", sha256=pdf.sha256, size=pdf.size, object_key=pdf.key)
            ]
        with keeping_counts(session, customers=[doc.customer_id]):  # as filing does
            session.add(doc)
            session.flush()
        index_documents(session, runtime.index, [doc.id])
        return doc.id
