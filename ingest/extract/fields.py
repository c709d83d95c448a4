"""Field extraction from document text (PDF text layer or OCR): dates, numbers, money, codes, customer.

Pure functions over text; each field keeps the original (un-normalised) text it was read from as
`raw`. The finders live in small modules (extract_dates, extract_amounts, extract_codes,
extract_parties, uscc); this module joins them into one `Extracted` result.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace

from ingest.extract.amounts import Amount, find_amounts, parse_capital, to_capital
from ingest.extract.codes import (
    ContractNumber,
    Phone,
    canonical_series,
    find_archive_numbers,
    find_contract_numbers,
    find_phones,
)
from ingest.extract.dates import DateField, find_dates, pick_contract_end, pick_doc_date, unique_dates
from ingest.extract.parties import CustomerCandidate, find_parties, is_own_org
from ingest.extract.textnorm import normalise, normalise_text, tables_to_text
from ingest.extract.uscc import CreditCode, check_char, find_credit_codes, is_valid_uscc

__all__ = [
    "Amount",
    "ContractNumber",
    "CreditCode",
    "CustomerCandidate",
    "DateField",
    "Extracted",
    "Phone",
    "canonical_series",
    "check_char",
    "extract_fields",
    "is_own_org",
    "is_valid_uscc",
    "normalise_text",
    "parse_capital",
    "to_capital",
]


@dataclass
class Extracted:
    """Everything extraction found in one document's text."""

    dates: list[DateField] = field(default_factory=list)
    doc_date: str | None = None
    contract_end: str | None = None
    contract_numbers: list[ContractNumber] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    credit_codes: list[CreditCode] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    customer: list[CustomerCandidate] = field(default_factory=list)
    archive_numbers: list[str] = field(default_factory=list)

    @property
    def best_customer(self) -> CustomerCandidate | None:
        """The most likely customer, if any."""
        return self.customer[0] if self.customer else None

    @property
    def contract_number(self) -> str | None:
        """The first (labelled first) contract number, canonical."""
        return self.contract_numbers[0].value if self.contract_numbers else None

    @property
    def registered_capital(self) -> Amount | None:
        """The amount labelled 注册资本, if any."""
        return next((a for a in self.amounts if a.label == "注册资本"), None)

    def to_dict(self) -> dict:
        """Plain JSON-able data: the public fields only (offsets into the normalised text left out)."""
        return {f.name: _public(getattr(self, f.name)) for f in fields(self)}


def _public(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _public(getattr(value, f.name)) for f in fields(value) if f.repr}
    if isinstance(value, list):
        return [_public(v) for v in value]
    return value


def extract_fields(text: str, *, org_name: str, tables: list | None = None) -> Extracted:
    """Extract dates, contract numbers, amounts, credit codes, phones, customer and archive numbers."""
    table_text = tables_to_text(tables)
    norm = normalise(f"{text}\n{table_text}" if table_text else text)
    dates = find_dates(norm)
    codes = find_credit_codes(norm)
    customers, own_codes = find_parties(norm.text, codes, org_name=org_name)
    return Extracted(
        dates=unique_dates(dates),
        doc_date=pick_doc_date(dates),
        contract_end=pick_contract_end(dates),
        contract_numbers=find_contract_numbers(norm),
        amounts=find_amounts(norm),
        credit_codes=[replace(c, own=True) if c.value in own_codes else c for c in codes],
        phones=find_phones(norm),
        customer=customers,
        archive_numbers=find_archive_numbers(norm.text),
    )
