"""The metadata correction form, shared by the document page and the review queue so the two cannot drift:
its fields (a dependency), their parsing for access.metadata.correct_metadata and the field a domain error
shows beside. Its template is documents/_metadata_form.html (the `metadata_form` macro).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Form

from api.params import form_id

Field = Annotated[str, Form(max_length=2000)]
Errors = dict[str, tuple[str, dict]]

# Domain refusals shown beside the field they are about; others go above the form.
FIELD_OF = {
    "doctype.unknown": "doc_type",
    "metadata.title_empty": "title",
    "customer.not_found": "customer_id",
    "metadata.reason_required": "reason",
}


@dataclass(frozen=True)
class MetadataForm:
    """The form's fields as sent (shown again beside their errors)."""

    reason: str = ""
    doc_type: str = ""
    title: str = ""
    doc_date: str = ""
    customer_id: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def parse(self) -> tuple[Errors, dict[str, Any]]:
        """Checked values for correct_metadata (only the fields filled in), and errors by field."""
        errors: Errors = {}
        values: dict[str, Any] = {"reason": self.reason.strip()}
        if not values["reason"]:
            errors["reason"] = ("metadata.reason_required", {})
        if self.doc_type:
            values["doc_type"] = self.doc_type
        if self.title.strip():
            values["title"] = self.title
        if self.doc_date:
            try:
                values["doc_date"] = date.fromisoformat(self.doc_date)
            except ValueError:
                errors["doc_date"] = ("ui.error.date", {})
        if self.customer_id:
            if form_id(self.customer_id) is not None:
                values["customer_id"] = form_id(self.customer_id)
            else:
                errors["customer_id"] = ("ui.error.number", {})
        return errors, values


def metadata_form(
    reason: Field = "", doc_type: Field = "", title: Field = "", doc_date: Field = "", customer_id: Field = ""
) -> MetadataForm:
    return MetadataForm(reason, doc_type, title, doc_date, customer_id)


MetadataFormDep = Annotated[MetadataForm, Depends(metadata_form)]


def field_of(code: str) -> str:
    """The field a domain error about the form belongs beside ("form": above it)."""
    return FIELD_OF.get(code, "form")
