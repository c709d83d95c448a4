"""Second readings: languages split between the page pass and English re-reads, English words read apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.ocr.reread import reread, split_languages
from ingest.ocr.tsv import Line, Word
from tests.ingest import samples


@pytest.mark.parametrize(
    ("languages", "split"),
    [
        ("chi_sim+eng", ("chi_sim", "eng")),
        ("chi_sim+chi_tra+eng", ("chi_sim+chi_tra", "eng")),
        ("chi_sim", ("chi_sim", None)),
        ("eng", ("eng", None)),
    ],
)
def test_chinese_models_read_the_page_and_english_only_english_words(
    languages: str, split: tuple[str, str | None]
) -> None:
    assert split_languages(languages) == split


def test_english_words_run_together_are_read_apart(tmp_path: Path) -> None:
    # What chi_sim makes of an English line: words run together, at middling confidence.
    image = Image.new("L", (1600, 120), 255)
    font = ImageFont.truetype(samples.NOTO, 40, index=samples.NOTO_SC)
    ImageDraw.Draw(image).text((40, 30), "This Agreement is made on 1 March 2024", font=font, fill=0)
    left, top, right, bottom = ImageDraw.Draw(image).textbbox(
        (40, 30), "This Agreement is made on 1 March 2024", font=font
    )
    third = (right - left) // 3
    glued = ["ThisAgreementis", "madeon1March", "2024"]
    line = Line(
        tuple(Word(text, 70.0, left + n * third, top, third, bottom - top) for n, text in enumerate(glued))
    )
    [again] = reread(image, [line], dpi=200, languages="chi_sim+eng", work=tmp_path, timeout=60)
    assert again.text == "This Agreement is made on 1 March 2024"
