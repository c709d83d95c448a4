"""Proof that a destroyed record is gone (DSP-4): every object key, the index (its entries, its files, its
searches) and the database, checked.

Each check is a plain dict kept with the batch item and the residual record: what was checked, against what,
and whether it passed. A record counts as destroyed only when every check passes.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import DanganError
from records.models import Derivative, Document, Page
from search import PurgeReport, SearchEngine, search

PHRASE_CHARS = 10
_CJK = re.compile(r"[\u4e00-\u9fff]{4,}")
_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9]{3,}")


def distinctive_phrase(text: str) -> str | None:
    """A phrase of the record's own text to search for after destruction (its longest run of CJK or words)."""
    runs = sorted(_CJK.findall(text), key=len, reverse=True)
    if runs:
        run = runs[0]
        middle = max(0, (len(run) - PHRASE_CHARS) // 2)
        return run[middle : middle + PHRASE_CHARS]
    words = _WORDS.findall(text)
    if len(words) >= 2:
        longest = max(range(len(words) - 1), key=lambda i: len(words[i]) + len(words[i + 1]))
        return f"{words[longest]} {words[longest + 1]}"
    return words[0] if words else None


def _phrase(value: str) -> str:
    return '"' + value.replace('"', " ").strip() + '"'


def object_checks(store, keys: list[str], *, workers: int = 8) -> list[dict]:  # store: storage.ObjectStore
    """Each key: no object and no version left (a store that cannot answer fails the check)."""

    def one(key: str) -> dict:
        try:
            left = store.versions(key)
        except (DanganError, OSError) as exc:
            return {
                "check": "object_gone",
                "key": key,
                "ok": False,
                "error": f"{type(exc).__name__}: {exc}"[:300],
            }
        return {"check": "object_gone", "key": key, "ok": left == 0, "versions": left}

    if len(keys) <= 1:
        return [one(k) for k in keys]
    with ThreadPoolExecutor(min(workers, len(keys))) as pool:
        return list(pool.map(one, keys))


def index_files_check(report: PurgeReport, document_id: int) -> dict:
    """The record's share of the engine's purge report: its files hold no deleted entry and no term or stored
    id of the record, and the rewritten segments' files are gone (read from disk, on every engine)."""
    return report.as_check() | {
        "ok": report.clean and document_id not in report.ids_left,
        "ids_left": [document_id] if document_id in report.ids_left else [],
    }


def search_checks(index: SearchEngine, document_id: int, probes: dict[str, str | None]) -> list[dict]:
    """No search by archive number, title or phrase finds the record.

    The three searches run first as one query joined by OR: if that does not find the record, none of them
    can; only when it does is each run alone, to say which one still finds it.
    """
    checks: list[dict] = []
    asked = {name: value.strip() for name, value in probes.items() if value and value.strip()}
    combined = None
    if asked:
        try:
            combined = search(index, " OR ".join(_phrase(v) for v in asked.values()), limit=100)
        except DanganError:
            combined = None
    for name in probes:
        if name not in asked:
            checks.append({"check": f"search_{name}", "ok": True, "skipped": "nothing to search for"})
            continue
        result = combined
        if result is None or any(hit.document_id == document_id for hit in result.hits):
            try:
                result = search(index, _phrase(asked[name]), limit=100)
            except DanganError as exc:
                checks.append({"check": f"search_{name}", "ok": False, "error": exc.code})
                continue
        found = any(hit.document_id == document_id for hit in result.hits)
        # The phrase is the record's own text: only its hash is kept, so the database keeps no text.
        shown = hashlib.sha256(asked[name].encode()).hexdigest()[:16] if name == "phrase" else asked[name]
        checks.append({"check": f"search_{name}", "query": shown, "ok": not found, "hits": result.total})
    return checks


def database_checks(session: Session, document_ids: list[int]) -> dict[int, list[dict]]:
    """Per record: no page text, extracted values or derivative rows left in the database."""
    pages = dict(session.execute(
        select(Page.document_id, func.count()).where(Page.document_id.in_(document_ids)).group_by(Page.document_id)
    ).all())  # fmt: skip
    derived = dict(session.execute(
        select(Derivative.document_id, func.count()).where(Derivative.document_id.in_(document_ids))
        .group_by(Derivative.document_id)
    ).all())  # fmt: skip
    extracted = dict(
        session.execute(select(Document.id, Document.extracted).where(Document.id.in_(document_ids))).all()
    )
    return {
        i: [
            {"check": "db_pages_gone", "ok": not pages.get(i), "rows": pages.get(i, 0)},
            {"check": "db_derivatives_gone", "ok": not derived.get(i), "rows": derived.get(i, 0)},
            {"check": "db_extracted_gone", "ok": not extracted.get(i)},
        ]
        for i in document_ids
    }


def passed(checks: list[dict]) -> bool:
    """Whether every check passed."""
    return bool(checks) and all(c["ok"] for c in checks)
