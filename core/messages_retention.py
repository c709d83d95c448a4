"""The catalogue's part for retention: schedules, holds, destruction batches (merged into core.messages.CATALOGUE)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}
