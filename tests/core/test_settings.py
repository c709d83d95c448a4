"""Every setting is documented: a help text in code and a row in the README table."""

from __future__ import annotations

import re
from pathlib import Path

from core.settings import Settings, setting_docs

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_has_help_text():
    missing = [name for name, field in Settings.model_fields.items() if not field.description]
    assert missing == []


def test_readme_settings_table_matches_code():
    text = README.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(DANGAN_[A-Z0-9_]+)` \| (.*) \|$", text, flags=re.M))
    documented = {name for name, _default, _help in setting_docs()}
    assert set(rows) == documented, "regenerate with `dangan settings --markdown`"
    for name, default, help_text in setting_docs():
        assert rows[name] == f"`{default}` | {help_text}", name


def test_postgresql_urls_use_psycopg3():
    settings = Settings(database_url="postgresql://127.0.0.1:5432/test", _env_file=None)
    assert settings.resolved_database_url() == "postgresql+psycopg://127.0.0.1:5432/test"


def test_default_database_is_sqlite_under_home(tmp_path):
    settings = Settings(home=tmp_path, _env_file=None)
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path.resolve()}/dangan.db"
