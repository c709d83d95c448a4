"""The customer list's filters as query parameters, shared by the list, the export, the analysis and the
catalogue of files (one dependency: every route filters alike; records.customer_query.CustomerFilter)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from records.customer_query import CustomerFilter


def customer_filter(
    status: Annotated[
        str | None, Query(max_length=20, description="active, potential, former or lost.")
    ] = None,
    grade: Annotated[str | None, Query(max_length=1, description="A, B, C or D.")] = None,
    kind: Annotated[str | None, Query(max_length=20, description="distributor or end_customer.")] = None,
    industry: Annotated[str | None, Query(max_length=100)] = None,
    region: Annotated[str | None, Query(max_length=40, description="A province or a city.")] = None,
    department: Annotated[str | None, Query(max_length=100)] = None,
    owner: Annotated[str | None, Query(max_length=100)] = None,
    stale_days: Annotated[int | None, Query(ge=0, le=36_500, description="Not updated for N days.")] = None,
) -> CustomerFilter:
    """The filters of a customer list request."""
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


Filters = Annotated[CustomerFilter, Depends(customer_filter)]
