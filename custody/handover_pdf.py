"""The handover list as printed (移交清单, POL-7: 一式三份): one copy each for the preparer, the reviewer and
the archive, each with the lines, both counts, the exceptions and three signature lines.

Dates on paper are local (the timezone setting), in the language asked for (Chinese by default).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

from core.messages import translate
from custody.handover_views import HandoverView

# WenQuanYi Zen Hei (TrueType) embeds with a text map, so the list's text can be searched and checked;
# Noto CJK as fallback (as retention.register does).
FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)
COPIES = ("preparer", "reviewer", "archive")


def _font(pdf: FPDF) -> None:
    for path, number in FONTS:
        if Path(path).exists():
            pdf.add_font("cjk", "", path, collection_font_number=number)
            pdf.set_font("cjk", size=10)
            return
    raise RuntimeError("no CJK font found: install fonts-noto-cjk or fonts-wqy-zenhei")


def _local(value: datetime | None, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if value else ""


def _count(value: list[int] | None) -> str:
    return f"{value[0]}/{value[1]}" if value else ""


def handover_pdf(view: HandoverView, *, tz: str = "Asia/Shanghai", language: str = "zh-CN") -> bytes:
    """Three copies of the list, each on its own pages, with signature lines."""

    def t(code: str, **params: object) -> str:
        return translate(code, language, **params)

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    _font(pdf)
    signed = {s.kind: s for s in view.steps if s.kind in ("prepare", "review", "accept")}
    for copy in COPIES:
        pdf.add_page()
        pdf.set_font_size(9)
        pdf.cell(0, 5, t(f"custody.handover.pdf.copy.{copy}"), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(16)
        pdf.cell(
            0, 10, t(f"custody.handover.pdf.title.{view.kind}"), align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font_size(10)
        head = t("custody.handover.pdf.head", number=view.number or t("custody.handover.pdf.unnumbered"),
                 id=view.id, title=view.title, customer=view.customer, finished=view.finished_on.isoformat(),
                 status=t(f"custody.handover.state.{view.status}"))  # fmt: skip
        pdf.multi_cell(0, 6, head, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        heading = FontFace(emphasis="")  # one regular CJK face: no bold variant is loaded
        widths = (10, 52, 34, 14, 14, 20, 20, 26)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=6, headings_style=heading) as table:
            table.row(t("custody.handover.pdf.columns").split("|"))
            for line in view.lines:
                reference = line.certificate_no or (
                    t("custody.handover.pdf.document", id=line.document_id) if line.document_id else ""
                )
                table.row([str(line.position), line.title, reference, str(line.pieces), str(line.pages),
                           _count(line.reviewer_count), _count(line.archivist_count), line.remarks])  # fmt: skip
            table.row(
                ["", t("custody.handover.pdf.total"), "", str(view.pieces), str(view.pages), "", "", ""]
            )
        pdf.ln(3)
        for step in view.steps:
            if step.kind == "return":
                text = t(
                    "custody.handover.pdf.returned", who=step.actor, at=_local(step.at, tz), note=step.note
                )
                pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
            if step.exception:
                text = t("custody.handover.pdf.exception", who=step.actor, at=_local(step.at, tz),
                         reason=step.exception)  # fmt: skip
                pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        parties = (
            ("prepare", view.preparer_name),
            ("review", view.reviewer_name),
            ("accept", signed["accept"].actor if "accept" in signed else ""),
        )
        for kind, name in parties:
            step = signed.get(kind)
            line = t(f"custody.handover.pdf.sign.{kind}", name=name, at=_local(step.at, tz) if step else "")
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
