"""Page: search — one box with the query language, facets as filters, <mark> snippets, sort and paging.

Everything is in the URL (q, sort, page), so a result page can be shared; the hits, the total and the
facet counts come from workflows.searching.run_search (a SearchPage), which searches only what the user may read.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.web import language, render
from api.web.session import RuntimeDep, Viewer
from core.errors import DanganError, NotFound
from custody.ledgers import parse_code
from search import FIELD_ALIASES
from workflows import custody_records, searching
from workflows.searching import SearchPage

router = APIRouter(include_in_schema=False)
PER_PAGE = 20
SORTS = ("relevance", "-date", "date", "archive_no")
MAX_PAGE = 500


def search_url(q: str, sort: str = "relevance", page: int = 1) -> str:
    params = {"q": q} | ({"sort": sort} if sort != "relevance" else {}) | ({"page": page} if page > 1 else {})
    return "/search?" + urlencode(params)


# Facet → the query field that narrows to it, and whether it filters by the value or the label.
FACET_FIELDS = {"type": ("type", "value"), "customer": ("customer", "label"), "year": ("date", "value")}


def _facet_term(name: str, value: str, label: str) -> str | None:
    """The query words that filter on a facet value, when the query language has a field for it."""
    field, by = FACET_FIELDS.get(name, ("", ""))
    if field not in FIELD_ALIASES.values():
        return None
    text = label if by == "label" else value
    return f'{field}:"{text}"' if by == "label" or any(c.isspace() for c in text) else f"{field}:{text}"


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    me: Viewer,
    rt: RuntimeDep,
    q: Annotated[str, Query(max_length=1000)] = "",
    sort: str = "relevance",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    q, sort = q.strip(), sort if sort in SORTS else "relevance"
    if parse_code(q) is not None:  # issue 13: a scanned label typed into the search box opens its item
        try:
            with rt.factory() as session, session.begin():
                found = custody_records.scan(session, code=q, actor=me.user(session), client=me.client)
            kind = "items" if found.kind == "item" else "locations"
            return RedirectResponse(f"/custody/{kind}/{found.id}", status_code=303)  # type: ignore[return-value]
        except NotFound:
            pass  # not a label after all: search for the text
    result: SearchPage | None = None
    error: DanganError | None = None
    if q:
        try:
            result = searching.search_documents(
                rt.factory,
                rt.index,
                user_id=me.user_id,
                query=q,
                limit=PER_PAGE,
                offset=(page - 1) * PER_PAGE,
                sort=sort,
                facets=True,
                client=me.client,
                language=language(request),
            )
        except DanganError as exc:
            error = exc
    facets = []
    for name, values in (result.facets if result is not None else {}).items():
        items = []
        for v in values:
            term = _facet_term(name, v.value, v.label or v.value)
            href = search_url(f"{q} {term}") if term and term not in q else None
            items.append({"label": v.label or v.value, "count": v.count, "href": href})
        if items:
            facets.append({"name": name, "items": items})
    total = result.total if result is not None else 0
    pages = min(MAX_PAGE, max(1, -(-total // PER_PAGE)))
    return render(
        request,
        "search/results.html",
        status_code=400 if error else 200,
        q=q,
        sort=sort,
        sorts=SORTS,
        page=page,
        pages=pages,
        result=result,
        facets=facets,
        error=error,
        url=search_url,
    )
