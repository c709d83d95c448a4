"""Inputs shared by the ingest tests, made once per session (treat them as read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.ingest import samples

TABLE = [["项目", "金额", "备注"], ["本金", "1,000,000.00", "一次性"], ["利息", "45,000.00", "按季"]]


@pytest.fixture(scope="session")
def text_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three pages with a Chinese text layer; page 1 has a ruled table, page 3 only a page number."""
    path = tmp_path_factory.mktemp("text") / "contract.pdf"
    return samples.write_text_pdf(path, [samples.LINES, samples.LINES[:4], ["第3页"]], table=TABLE)


@pytest.fixture(scope="session")
def contract_page() -> Image.Image:
    """The sample contract rendered as a 300 dpi A4 scan."""
    return samples.render_page()
