"""The front page until the full web UI lands: a search box over the API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home() -> str:
    """A plain page pointing at the API."""
    return (
        "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>Dangan 档案</title>"
        "<h1>Dangan 档案</h1><form action='/api/search'><input name='q' autofocus>"
        "<button>搜索 Search</button></form><p><a href='/docs'>API</a></p></html>"
    )
