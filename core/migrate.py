"""Schema migrations: `dangan init` upgrades the database to the newest revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision (idempotent)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    # SQLite: our engine issues BEGIN IMMEDIATE itself; Alembic's own transaction runs inside it.
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
