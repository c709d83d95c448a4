"""The customer list's filters as CLI options, shared by `customers list`, `export`, `analysis` and
`files-catalogue` so that every command filters alike (records.customer_query.CustomerFilter)."""

from __future__ import annotations

from typing import Annotated

import typer

from records.customer_query import CustomerFilter

Status = Annotated[str | None, typer.Option(help="active, potential, former or lost.")]
Grade = Annotated[str | None, typer.Option(help="A, B, C or D.")]
Kind = Annotated[str | None, typer.Option(help="distributor or end_customer.")]
Industry = Annotated[str | None, typer.Option(help="Only files in this industry.")]
Region = Annotated[str | None, typer.Option(help="Only files in this province or city.")]
Department = Annotated[str | None, typer.Option(help="Only files kept by this department code.")]
Owner = Annotated[str | None, typer.Option(help="Only files owned by this login.")]
StaleDays = Annotated[int | None, typer.Option(help="Only files not updated for N days.")]
Sort = Annotated[str, typer.Option(help="name (pinyin order), grade or last_contact.")]


def customer_filter(
    *,
    status: str | None,
    grade: str | None,
    kind: str | None,
    industry: str | None,
    region: str | None,
    department: str | None,
    owner: str | None,
    stale_days: int | None,
) -> CustomerFilter:
    """The options as one filter (checked where it is used, so that a bad value is refused like any other)."""
    return CustomerFilter(
        status=status,
        grade=grade,
        kind=kind,
        industry=industry,
        region=region,
        department=department,
        owner=owner,
        stale_days=stale_days,
    )
