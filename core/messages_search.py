"""The catalogue's part for search: query language, index life, check (merged into core.messages.CATALOGUE)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}
