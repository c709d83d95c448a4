"""Every word on a page comes from the catalogue: no sentence in a template, no code missing a language."""

from __future__ import annotations

import re
from pathlib import Path

from api.web import TEMPLATES_DIR
from core.messages import CATALOGUE

# Words a template may hold itself: each language's own name on the switch, and format hints.
ALLOWED = {"简体中文", "English", "YYYY-MM-DD", "access.*"}
JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.DOTALL)
TAG = re.compile(r"<[^>]*>", re.DOTALL)
ATTRIBUTE = re.compile(r'[\w-]+="[^"]*"?')  # attributes a macro writes into its caller's tag
LETTERS = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def _templates() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


def test_templates_hold_no_sentences():
    found = {}
    for path in _templates():
        text = ATTRIBUTE.sub(" ", TAG.sub(" ", JINJA.sub(" ", path.read_text(encoding="utf-8"))))
        words = {w for w in text.split() if LETTERS.search(w) and w not in ALLOWED}
        if words:
            found[path.name] = sorted(words)
    assert found == {}


def test_every_code_a_template_names_exists_in_both_languages():
    names = set()
    for path in [*_templates(), *Path(TEMPLATES_DIR.parent, "web").glob("*.py")]:
        names |= set(re.findall(r"""["'](ui\.[a-z_.-]*[a-z_])["']""", path.read_text(encoding="utf-8")))
    missing = sorted(n for n in names if set(CATALOGUE.get(n, {})) != {"zh-CN", "en"})
    assert missing == []


def test_dynamic_codes_cover_every_value():
    from access.models import ROLES
    from records.customer_profile import EDITABLE
    from records.models import CUSTOMER_KINDS, CUSTOMER_STATUSES, ENTRY_KINDS, LEVELS

    for prefix, values in (
        ("ui.level.", LEVELS),
        ("ui.role.", ROLES),
        ("ui.customer_status.", CUSTOMER_STATUSES),
        ("ui.state.", ("received", "queued", "processing", "filed", "indexed", "failed")),
        ("ui.request.", ("pending", "approved", "refused", "withdrawn")),
        ("ui.facet.", ("type", "customer", "year", "level")),
        ("ui.customer_kind.", CUSTOMER_KINDS),
        ("ui.entry_kind.", (*ENTRY_KINDS, "document")),
        ("ui.entry_state.", ("recorded", "needs_approval", "approved")),
        ("ui.customer.field.", (*EDITABLE, "former_names", "status_on", "status_reason", "last_contact")),
        ("uscc.", ("length", "authority", "region", "characters", "checksum")),
    ):
        assert [v for v in values if prefix + v not in CATALOGUE] == [], prefix
