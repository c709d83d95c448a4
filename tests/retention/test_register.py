"""The destruction register as PDF (Chinese, signature lines) and CSV (SHA-256, checks), stored permanently."""

from __future__ import annotations

import csv
import hashlib
import io

import pdfplumber
import pytest

from core.errors import Conflict
from retention.register import store_register
from tests.retention.conftest import TODAY, add_record, user
from tests.retention.helpers import approved_batch, execute
from tests.retention.test_destroy import PAPER


def register(world, batch):
    with world.runtime.factory() as session, session.begin():
        made = store_register(
            session, world.runtime.store, batch_id=batch, actor=user(session, world, "officer"), today=TODAY
        )
        return {k: (data, row.object_key, row.sha256) for k, (data, row) in made.items()}


def test_register_pdf_and_csv_list_every_item_and_are_stored_once(world):
    docs = [add_record(world, title=f"函件{i}") for i in range(3)]
    batch = approved_batch(world, docs)
    with pytest.raises(Conflict):
        register(world, batch)
    execute(world, batch, paper=PAPER)
    made = register(world, batch)
    pdf, key, sha = made["pdf"]
    assert (
        hashlib.sha256(pdf).hexdigest() == sha
        and world.runtime.store.exists(key)
        and key.startswith("registers/")
    )
    text = "".join(page.extract_text() for page in pdfplumber.open(io.BytesIO(pdf)).pages)
    for expected in (
        "档案销毁清册",
        "函件0",
        "函件2",
        "鉴定人",
        "审批人",
        "监销人",
        "王监销",
        "李监销",
        "mgr1",
        "gm",
    ):
        assert expected in text, expected
    rows = list(csv.DictReader(io.StringIO(made["csv"][0].decode("utf-8-sig"))))
    assert [int(r["document_id"]) for r in rows] == docs
    assert all(
        len(r["sha256"]) == 64 and r["verified"] == "True" and "object_gone" in r["checks"] for r in rows
    )
    assert register(world, batch)["pdf"][1] == key  # the same stored register, not a second one
