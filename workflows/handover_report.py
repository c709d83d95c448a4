"""The handover report of an employee's leaving (POL-5) as a PDF in Chinese: who left, to whom, why, and one
table per kind of what moved (customer files, posts and departments, loans, requests and grants), with
signature lines for the leaver, the successor and the administrator. Fonts as the destruction register's
(retention.register.FONTS: a TrueType CJK font, so the text can be searched and checked).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

from core.messages import translate
from retention.register import FONTS


def _font(pdf: FPDF) -> None:
    for path, number in FONTS:
        if Path(path).exists():
            pdf.add_font("cjk", "", path, collection_font_number=number)
            pdf.set_font("cjk", size=10)
            return
    raise RuntimeError("no CJK font found: install fonts-noto-cjk or fonts-wqy-zenhei")


def _t(code: str, **params: object) -> str:
    return translate(f"offboard.pdf.{code}", "zh-CN", **params)


def handover_pdf(report: dict[str, Any], *, zone: str = "Asia/Shanghai") -> bytes:
    """The report as an A4 PDF in Chinese."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    _font(pdf)
    pdf.add_page()
    pdf.set_font_size(16)
    pdf.cell(0, 10, _t("title"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10)
    at = ""
    if report.get("at"):
        at = datetime.fromisoformat(report["at"]).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    lines = [
        _t("number", id=report.get("id", "")),
        _t("leaver", login=report["login"], name=report.get("name") or report["login"]),
        _t("successor", login=report["successor"], name=report.get("successor_name") or report["successor"]),
        _t("reason", reason=report["reason"]),
        _t("actor", login=report["actor"], at=at),
    ]
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    heading = FontFace(emphasis="")
    sections = [
        ("files", _t("col.files").split("|"),
         [[str(n), str(f["id"]), f["name"], str(f.get("documents", 0))] for n, f in enumerate(report["files"], 1)]),
        ("posts", _t("col.posts").split("|"),
         [[_t("post"), report.get("post_names", {}).get(p, p)] for p in report["posts"]] + [[_t("department"), d] for d in report["departments"]]),
        ("loans", _t("col.loans").split("|"),
         [[loan["slip_no"], _t(f"loan_status.{loan['status']}"), loan.get("due_date") or "-",
           ", ".join(str(i) for i in loan["items"])] for loan in report["loans"]]),
        ("handovers", _t("col.handovers").split("|"),
         [[str(h["id"]), h["title"], translate(f"custody.handover.state.{h['status']}", "zh-CN"),
           _t(f"part.{h['role']}")] for h in report.get("handovers", [])]),
        ("access", _t("col.access").split("|"),
         [[_t("request_withdrawn"), str(i)] for i in report["requests_withdrawn"]]
         + [[_t("request_to_decide"), str(i)] for i in report["requests_to_decide"]]
         + [[_t("complaint_to_approve"), str(i)] for i in report["complaints_to_approve"]]
         + [[_t("grant_revoked"), str(i)] for i in report["grants_revoked"]]
         + [[_t("grant_given"), str(i)] for i in report["grants_given"]]),
    ]  # fmt: skip
    for key, columns, rows in sections:
        pdf.ln(3)
        pdf.set_font_size(12)
        pdf.cell(0, 8, _t(f"section.{key}", count=len(rows)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(10)
        if not rows:
            pdf.cell(0, 6, _t("none"), new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(text_align="LEFT", line_height=6, headings_style=heading) as table:
            table.row(columns)
            for row in rows:
                table.row(row)
    pdf.ln(8)
    for who in _t("signatures").split("|"):
        pdf.cell(0, 9, f"{who}：____________    {_t('date')}：____________", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
