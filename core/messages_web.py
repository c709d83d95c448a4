"""The catalogue's part for the web UI: pages, forms, labels (merged into core.messages.CATALOGUE)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}
