"""What every way in accepts, without the web framework: the id range of the columns, and the characters no
text field takes. `api.params` builds the FastAPI parameters on these; the command line uses them directly,
so that starting `dangan` does not import the web framework."""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the type of every id column
ID_RANGE = {"ge": 1, "le": MAX_ID}
CLI_ID = {"min": 1, "max": MAX_ID}  # typer.Argument / typer.Option

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_control_characters(text: str) -> bool:
    """Whether text holds a character no field accepts (C0 but tab/newline/CR, DEL, lone surrogates)."""
    return CONTROL.search(text) is not None
