"""Document-type classification by weighted keywords; the rules are data (ingest/doctypes.json).

Rule shape (a JSON list; the database holds each type's rule in the same shape, and classify takes
either these dicts or parsed DocTypeRule values):
    {"code": "contract", "name_zh": "合同", "name_en": "Contract",
     "default_level": "internal" | "department" | "company" | "personal",
     "retention": "Y" | "D30" | "D10",          # archive-number retention code: 永久, 定期30年, 定期10年
     "keywords": [{"pattern": "违约责任", "weight": 3}, {"pattern": "^…合同$", "weight": 4, "regex": true}]}

Plain patterns are matched against the normalised text with all whitespace removed (OCR breaks
words over lines); regex patterns against the normalised text with its lines (MULTILINE). Each
keyword scores weight x (1 + 0.5 per further occurrence, at most 4 more); a keyword found in the
title or the first lines scores TITLE_BOOST times. Below MIN_SCORE the document is `other`.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import DanganError
from ingest.extract.textnorm import normalise_text

DEFAULT_RULES = Path(__file__).with_name("doctypes.json")
LEVELS = ("internal", "department", "company", "personal")
RETENTIONS = ("Y", "D30", "D10")
FALLBACK = "other"
TITLE_BOOST = 3.0
HEAD_LINES = 3
MIN_SCORE = 4.0
SATURATION = 15.0  # a score this high is full-strength evidence


@dataclass(frozen=True)
class Keyword:
    """A weighted keyword: a literal substring, or a regular expression when regex is true."""

    pattern: str
    weight: float
    regex: bool = False


@dataclass(frozen=True)
class DocTypeRule:
    """One document type: names, default confidentiality level, retention code and keywords."""

    code: str
    name_zh: str
    name_en: str
    default_level: str
    retention: str
    keywords: tuple[Keyword, ...] = ()


@dataclass(frozen=True)
class Classification:
    """The chosen type code, a 0..1 confidence and every type's raw score."""

    code: str
    confidence: float
    scores: dict[str, float]


def _invalid(detail: str) -> DanganError:
    return DanganError("doctype.rules_invalid", detail=detail)


def rules_from_data(data: object) -> list[DocTypeRule]:
    """Rules from their JSON shape, validated (unique codes, known levels and retentions, valid regexes)."""
    if not isinstance(data, list):
        raise _invalid("not a list")
    rules: list[DocTypeRule] = []
    for item in data:
        if not isinstance(item, dict):
            raise _invalid(f"not an object: {item!r}")
        try:
            code = str(item["code"])
            keywords = tuple(
                Keyword(str(k["pattern"]), float(k.get("weight", 1)), bool(k.get("regex", False)))
                for k in item.get("keywords", [])
            )
            rule = DocTypeRule(
                code, str(item["name_zh"]), str(item["name_en"]),
                str(item["default_level"]), str(item["retention"]), keywords,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _invalid(f"{item.get('code', '?')}: {exc!r}") from exc
        if any(r.code == code for r in rules):
            raise _invalid(f"duplicate code {code}")
        if rule.default_level not in LEVELS:
            raise _invalid(f"{code}: default_level {rule.default_level}")
        if rule.retention not in RETENTIONS:
            raise _invalid(f"{code}: retention {rule.retention}")
        for keyword in keywords:
            if not keyword.pattern or not math.isfinite(keyword.weight):
                raise _invalid(f"{code}: keyword {keyword.pattern!r}")
            if keyword.regex:
                try:
                    _compiled(keyword.pattern)
                except re.error as exc:
                    raise _invalid(f"{code}: {keyword.pattern!r}: {exc}") from exc
        rules.append(rule)
    return rules


def rules_to_data(rules: list[DocTypeRule]) -> list[dict]:
    """Rules in their JSON shape (for storing edited rules)."""
    return [
        {
            "code": r.code,
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "default_level": r.default_level,
            "retention": r.retention,
            "keywords": [
                {"pattern": k.pattern, "weight": k.weight} | ({"regex": True} if k.regex else {})
                for k in r.keywords
            ],
        }  # fmt: skip
        for r in rules
    ]


def load_rules(path: str | Path | None = None) -> list[dict]:
    """The rules in their JSON shape from a file (default: ingest/doctypes.json), validated."""
    source = DEFAULT_RULES if path is None else Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _invalid(f"{source}: {exc}") from exc
    rules_from_data(data)
    return data


@functools.lru_cache(maxsize=1)
def _default_rules() -> tuple[DocTypeRule, ...]:
    return tuple(rules_from_data(load_rules()))


def _as_rules(rules: Sequence[DocTypeRule | dict] | None) -> list[DocTypeRule]:
    if rules is None:
        return list(_default_rules())
    return [r if isinstance(r, DocTypeRule) else rules_from_data([r])[0] for r in rules]


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE)


def _head(text: str, title: str | None) -> str:
    lines = [line for line in text.split("\n") if line.strip()][:HEAD_LINES]
    return "\n".join([normalise_text(title), *lines] if title else lines)


def _score(rule: DocTypeRule, text: str, compact: str, head: str, compact_head: str) -> float:
    total = 0.0
    for keyword in rule.keywords:
        if keyword.regex:
            pattern = _compiled(keyword.pattern)
            count = len(pattern.findall(text))
            in_head = bool(pattern.search(head))
        else:
            count = compact.count(keyword.pattern)
            in_head = keyword.pattern in compact_head
        if count or in_head:
            total += keyword.weight * (1 + 0.5 * min(max(count - 1, 0), 4))
            if in_head:
                total += keyword.weight * (TITLE_BOOST - 1)
    return total


def classify(
    text: str, rules: Sequence[DocTypeRule | dict] | None = None, *, title: str | None = None
) -> Classification:
    """The document type of text by weighted keywords; title and first lines weigh more."""
    rules = _as_rules(rules)
    normal = normalise_text(text)
    head = _head(normal, title)
    compact, compact_head = "".join(normal.split()), "".join(head.split())
    scores = {r.code: round(_score(r, normal, compact, head, compact_head), 2) for r in rules}
    ranked = sorted(((s, c) for c, s in scores.items() if c != FALLBACK), reverse=True)
    best, code = ranked[0] if ranked else (0.0, FALLBACK)
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if best < MIN_SCORE:
        # Nothing convincing: `other`, surer the less any type matched.
        return Classification(FALLBACK, round(1 - max(best, 0.0) / MIN_SCORE, 2), scores)
    margin = best / (best + max(second, 0.0))
    return Classification(code, round(margin * min(1.0, best / SATURATION), 2), scores)


def rule_for(code: str, rules: Sequence[DocTypeRule | dict] | None = None) -> DocTypeRule:
    """The rule for a type code; KeyError if there is none."""
    for rule in _as_rules(rules):
        if rule.code == code:
            return rule
    raise KeyError(code)
