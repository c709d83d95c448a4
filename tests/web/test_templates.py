"""Templates the site's own CSP (`script-src 'self'`) would break: no inline event handler, no inline script,
no `javascript:` URL may appear in any of them (a browser silently drops them; issue 15 found a form that
could not be saved because of one)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"
INLINE = [
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline script"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_holds_script_the_content_security_policy_blocks() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {what}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for pattern, what in INLINE
        if pattern.search(line)
    ]
    assert len(list(TEMPLATES.rglob("*.html"))) > 20
    assert found == []
