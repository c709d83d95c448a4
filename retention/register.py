"""The destruction register (销毁清册, DSP-2, DSP-5) as PDF and CSV, stored as permanent objects.

The PDF has the cover (count, proposer, appraiser and opinion, approvers, execution, paper destruction),
one line per item (no., archive number, title, year, retention, pages, remarks) and signature lines for the
appraiser, the approvers and the two witnesses (监销人). The CSV has every residual record with its SHA-256
and verification results. Both are stored once under `registers/` and recorded in destruction_register_file
(permanent: never changed); with WORM they are retained for DANGAN_S3_LOCK_PERMANENT_YEARS, renewed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.duties import require_any
from access.models import User
from core import audit
from core.errors import Conflict
from core.messages import translate
from retention.batches import get_batch
from retention.models import DestructionBatch, RegisterEntry, RegisterFile
from retention.schedule import add_years

# (path, index in the font collection): WenQuanYi Zen Hei (TrueType) embeds with a text map, so the register's
# text can be searched and checked; fpdf2's subset of Noto's CFF outlines lost it. Noto as fallback.
FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)
REGISTER_ROLES = frozenset({"records_officer", "auditor"})
CSV_FIELDS = (
    "no", "document_id", "archive_no", "title", "doc_type", "customer", "doc_date", "filed_at", "due_date",
    "retention", "pages", "sha256", "batch_id", "approvers", "destroyed_at", "verified", "checks",
)  # fmt: skip


def _font(pdf: FPDF) -> None:
    for path, number in FONTS:
        if Path(path).exists():
            pdf.add_font("cjk", "", path, collection_font_number=number)
            pdf.set_font("cjk", size=10)
            return
    raise RuntimeError("no CJK font found: install fonts-noto-cjk or fonts-wqy-zenhei")


def _entries(session: Session, batch_id: int) -> list[RegisterEntry]:
    return list(
        session.scalars(
            select(RegisterEntry).where(RegisterEntry.batch_id == batch_id).order_by(RegisterEntry.position)
        )
    )


def _period(value: str) -> str:
    if value == "permanent":
        return translate("retention.period.permanent")
    return translate("retention.period.years", years=value) if value else ""


def register_pdf(session: Session, batch: DestructionBatch) -> bytes:
    """The register as a PDF in Chinese, with signature lines."""
    entries = _entries(session, batch.id)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    _font(pdf)
    pdf.add_page()
    pdf.set_font_size(16)
    pdf.cell(0, 10, translate("register.title"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10)
    approvers = "、".join(a.approver for a in batch.approvals)
    executed = (
        f"{batch.executed_by or '-'} {batch.finished_at.date().isoformat() if batch.finished_at else '-'}"
    )
    cover = translate("register.cover", id=batch.id, count=len(entries), proposer=batch.proposed_by,
                      appraiser=batch.appraised_by or "-", approvers=approvers or "-", executed=executed)  # fmt: skip
    pdf.multi_cell(0, 6, cover, new_x="LMARGIN", new_y="NEXT")
    if batch.appraisal:
        pdf.multi_cell(0, 6, f"鉴定意见：{batch.appraisal}", new_x="LMARGIN", new_y="NEXT")
    if batch.paper:
        paper = batch.paper
        pdf.multi_cell(0, 6, translate("register.paper", method=paper["method"], place=paper["place"], date=paper["on"],
                                       witnesses="、".join(paper["witnesses"])), new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(2)
    widths = (12, 70, 95, 15, 25, 12, 48)
    heading = FontFace(emphasis="")  # one regular CJK face: no bold variant is loaded
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=6, headings_style=heading) as table:
        table.row(translate("register.columns").split("|"))
        for e in entries:
            year = str(e.doc_date.year) if e.doc_date else (str(e.filed_at.year) if e.filed_at else "")
            table.row(
                [
                    str(e.position),
                    e.archive_no,
                    e.title,
                    year,
                    _period(e.retention),
                    str(e.pages),
                    f"SHA-256 {e.sha256[:16]}…",
                ]
            )
    pdf.ln(6)
    names = (
        [batch.appraised_by or ""]
        + [a.approver for a in batch.approvals]
        + list((batch.paper or {}).get("witnesses", ["", ""]))
    )
    roles = translate("register.signatures").split("|")
    roles = roles[:1] + [roles[1]] * max(1, len(batch.approvals)) + roles[-2:]
    for role, name in zip(roles, names + [""] * len(roles), strict=False):
        pdf.cell(0, 9, f"{role}（{name}）  {translate('register.sign_here')}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def register_csv(session: Session, batch: DestructionBatch) -> str:
    """The register as CSV: every residual record with its SHA-256 and verification results."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for e in _entries(session, batch.id):
        writer.writerow({
            "no": e.position, "document_id": e.document_id, "archive_no": e.archive_no, "title": e.title,
            "doc_type": e.doc_type, "customer": e.customer, "doc_date": e.doc_date or "",
            "filed_at": e.filed_at.isoformat() if e.filed_at else "", "due_date": e.due_date or "",
            "retention": e.retention, "pages": e.pages, "sha256": e.sha256, "batch_id": e.batch_id,
            "approvers": ";".join(e.approvers), "destroyed_at": e.destroyed_at.isoformat(),
            "verified": all(c["ok"] for c in e.checks) and bool(e.checks),
            "checks": json.dumps(e.checks, ensure_ascii=False, sort_keys=True),
        })  # fmt: skip
    return out.getvalue()


def store_register(
    session: Session,
    store,
    *,
    batch_id: int,
    actor: User,
    today: date,
    lock_years: int = 10,
    client: str = "",
) -> dict[str, tuple[bytes, RegisterFile]]:  # store: storage.ObjectStore
    """Make the batch's PDF and CSV once and store them as permanent objects; later calls return the same."""
    require_any(actor, REGISTER_ROLES, action="retention.register", object_type="destruction_batch",
                object_id=batch_id, client=client)  # fmt: skip
    batch = get_batch(session, batch_id)
    if batch.state != "destroyed":
        raise Conflict("register.not_ready", id=batch_id)
    made: dict[str, tuple[bytes, RegisterFile]] = {}
    existing = {
        f.kind: f for f in session.scalars(select(RegisterFile).where(RegisterFile.batch_id == batch_id))
    }
    for kind in ("pdf", "csv"):
        if kind in existing:
            with store.open(existing[kind].object_key) as stream:
                made[kind] = (stream.read(), existing[kind])
            continue
        data = (
            register_pdf(session, batch)
            if kind == "pdf"
            else register_csv(session, batch).encode("utf-8-sig")
        )
        put = store.put_stream(io.BytesIO(data), kind="register")
        if store.supports_lock:
            store.set_retention(put.key, add_years(today, lock_years))
        row = RegisterFile(
            batch_id=batch_id,
            kind=kind,
            object_key=put.key,
            sha256=put.sha256,
            size=put.size,
            created_by=actor.login,
        )
        session.add(row)
        session.flush()
        made[kind] = (data, row)
    if len(existing) < 2:
        audit.record(session, actor=actor.login, role=actor.role_label, action="retention.register",
                     object_type="destruction_batch", object_id=batch_id, client=client,
                     details={k: {"key": r.object_key, "sha256": r.sha256} for k, (_, r) in made.items()})  # fmt: skip
    return made
