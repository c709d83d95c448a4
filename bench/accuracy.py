"""Character accuracy: 1 − Levenshtein distance / length of the truth, on whitespace-stripped text."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein


def normalize(text: str, *, fold: bool = False) -> str:
    """Drop all whitespace; with fold, also NFKC-fold (full-width ：，（ → :,( , ㎡ → m2)."""
    if fold:
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


@dataclass(frozen=True)
class Score:
    """Edit distance against a truth of a given length; scores add up over pages and documents."""

    distance: int = 0
    length: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(self.distance + other.distance, self.length + other.length)

    @property
    def accuracy(self) -> float:
        """1 − distance/length, floored at 0 (a long garbage reading cannot go negative)."""
        if self.length == 0:
            return 1.0 if self.distance == 0 else 0.0
        return max(0.0, 1.0 - self.distance / self.length)


def score(truth: str, hypothesis: str, *, fold: bool = False) -> Score:
    """Levenshtein distance between the normalised texts, with the truth's length."""
    t, h = normalize(truth, fold=fold), normalize(hypothesis, fold=fold)
    return Score(Levenshtein.distance(t, h), len(t))


def char_accuracy(truth: str, hypothesis: str, *, fold: bool = False) -> float:
    """Character accuracy of hypothesis against truth, in [0, 1]."""
    return score(truth, hypothesis, fold=fold).accuracy


def score_pages(truth: list[str], pages: list[str], *, fold: bool = False) -> list[Score] | None:
    """Per-page scores when the page counts agree, else None (score the joined texts instead)."""
    if len(truth) != len(pages):
        return None
    return [score(t, p, fold=fold) for t, p in zip(truth, pages, strict=True)]


def score_document(truth: list[str], pages: list[str], *, fold: bool = False) -> Score:
    """A whole document's score: page by page when the counts agree, else on the joined text."""
    per_page = score_pages(truth, pages, fold=fold)
    if per_page is None:
        return score("".join(truth), "".join(pages), fold=fold)
    return sum(per_page, Score())


def pct(x: float) -> str:
    """A fraction as a percentage with two decimals."""
    return f"{x * 100:.2f}%"


ORIENTATIONS = {0: "upright (skew ±0.5–2.5°)", 180: "upside down", 90: "sideways", 270: "sideways"}


@dataclass
class CorpusAccuracy:
    """One reader's scores over corpus files: strict, NFKC-folded, and by page orientation."""

    strict: Score = field(default_factory=Score)
    folded: Score = field(default_factory=Score)
    by_orientation: dict[str, Score] = field(default_factory=dict)
    mismatched_docs: int = 0

    def add(self, entry: dict[str, Any], pages: list[str]) -> None:
        """Score one file's pages against its manifest entry."""
        truth = [p["text"] for p in entry["pages"]]
        self.strict += score_document(truth, pages)
        self.folded += score_document(truth, pages, fold=True)
        per_page = score_pages(truth, pages)
        if per_page is None:
            self.mismatched_docs += 1
            return
        for meta, s in zip(entry["pages"], per_page, strict=True):
            key = ORIENTATIONS[meta.get("rotation", 0)]
            self.by_orientation[key] = self.by_orientation.get(key, Score()) + s

    def text(self) -> str:
        """'97.85% (NFKC-folded 98.10%)', noting files whose page count differed."""
        extra = (
            f"; {self.mismatched_docs} file(s) with a different page count" if self.mismatched_docs else ""
        )
        return f"{pct(self.strict.accuracy)} (NFKC-folded {pct(self.folded.accuracy)}{extra})"
