"""A customer name misread by OCR matched to a known file before a new one is opened (issue 18).

Under a seal or in a photocopy a name comes out one or two characters wrong (苏州见盛 for 苏州鼎盛, 华瑞化工有限公局
for 华瑞化工有限公司); taken as read it opens a wrong new file. A name that is not on file is compared with
every file's name and former names: a name whose short form (records.customer_aliases: 上海明远贸易公司 →
明远贸易) is the alias of one file only is taken for that file; else one that differs by at most MAX_EDITS characters, with the same length
give or take one and no rival as close, is taken for it. Anything looser stays a new file, flagged for review.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein
from sqlalchemy import select
from sqlalchemy.orm import Session

from records.customer_aliases import files_by_alias, learned_aliases
from records.customers import normalise_name
from records.models import Customer

MAX_EDITS = 2  # characters; and never more than a fifth of the name
MIN_LENGTH = 6  # characters: shorter names are too easily one another


def closest_known_name(session: Session, name: str | None) -> str | None:
    """The name of the one file the read name is a near-miss of; None when it is on file, or none is near."""
    if not name:
        return None
    key = normalise_name(name)
    if len(key) < MIN_LENGTH or session.scalar(select(Customer.id).where(Customer.name == key)) is not None:
        return None
    for alias in learned_aliases(key):
        files = files_by_alias(session, alias)
        if len(files) == 1:
            return session.get_one(Customer, files[0]).name
    limit = min(MAX_EDITS, len(key) // 5)
    near: dict[str, int] = {}
    for file_name, former in session.execute(select(Customer.name, Customer.former_names)):
        for candidate in [file_name, *(f.get("name", "") for f in former or [] if isinstance(f, dict))]:
            candidate = normalise_name(candidate)
            if abs(len(candidate) - len(key)) > 1:
                continue
            edits = Levenshtein.distance(key, candidate, score_cutoff=limit)
            # Two characters off, both in the place name, is another company in another city (深圳华瑞 is
            # not 武汉华瑞), not a misreading.
            if edits <= limit and not (edits > 1 and key[:2] != candidate[:2] and key[2:] == candidate[2:]):
                near[file_name] = min(edits, near.get(file_name, edits))
    if not near:
        return None
    best = min(near.values())
    closest = [n for n, e in near.items() if e == best]
    return closest[0] if len(closest) == 1 else None
