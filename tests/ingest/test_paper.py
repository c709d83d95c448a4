"""Real-world paper (issue 18): photocopies, seals, photos; the clean-ups, the second engine and the choice."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench import paper as degrade
from ingest.ocr.page import lines_again, ocr_image_path
from ingest.ocr.paper import prepare
from ingest.ocr.rapid import model_files, read_rapidocr
from ingest.ocr.tsv import Line, Word, page_text
from tests.ingest import samples

CREDIT_CODE = "91310115MA1K4Q8X21"


@pytest.fixture(scope="module")
def copied(contract_page: Image.Image) -> Image.Image:
    return degrade.photocopy(contract_page, np.random.default_rng(1))


@pytest.fixture(scope="module")
def sealed(contract_page: Image.Image) -> Image.Image:
    return degrade.seal(contract_page, np.random.default_rng(3))


def test_clean_scan_is_left_as_it_came(contract_page: Image.Image) -> None:
    prepared = prepare(contract_page, 300)
    assert prepared.steps == [] and prepared.seals == [] and prepared.image is contract_page


def test_photocopy_borders_are_cropped_and_grey_paper_flattened(copied: Image.Image) -> None:
    prepared = prepare(copied, 300)
    assert prepared.steps == ["border_cropped", "despeckled", "flattened"]
    pixels = np.asarray(prepared.image)
    assert (
        pixels[:, :5].mean() > 150 and np.percentile(pixels, 50) > 200
    )  # no dark band, paper lifted from grey


def test_photocopy_of_photocopy_reads_no_less_than_plain_tesseract(
    copied: Image.Image, tmp_path: Path
) -> None:
    path = samples.save_png(copied, tmp_path / "copy.png")
    plain = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "chi_sim+eng", "--psm", "6"], capture_output=True, text=True
    ).stdout
    result = ocr_image_path(path, engine="tesseract")
    truth = samples.ground_truth()
    assert samples.char_accuracy(truth, result.text) >= max(0.9, samples.char_accuracy(truth, plain))
    assert CREDIT_CODE in result.text.replace(" ", "")
    assert result.confidence > 70


def test_seal_is_found_where_it_was_stamped(sealed: Image.Image) -> None:
    prepared = prepare(sealed, 300)
    assert len(prepared.seals) == 1
    seal = prepared.seals[0]
    assert abs(seal.x - 0.62) < 0.02 and abs(seal.y - 0.3) < 0.02 and 0.08 < seal.radius < 0.12
    assert "seal_suppressed" in prepared.steps


def test_red_underline_is_not_a_seal(contract_page: Image.Image) -> None:
    page = contract_page.convert("RGB")
    page.paste((214, 38, 42), (300, 1000, 1500, 1012))
    assert prepare(page, 300).seals == []


def test_text_under_a_seal_is_read_and_the_seal_recorded(sealed: Image.Image, tmp_path: Path) -> None:
    result = ocr_image_path(samples.save_png(sealed, tmp_path / "sealed.png"), engine="tesseract")
    assert samples.char_accuracy(samples.ground_truth(), result.text) >= 0.95
    assert CREDIT_CODE in result.text and "年利率为百分之四点五" in result.text
    assert len(result.seals) == 1 and result.seals[0]["x"] == pytest.approx(0.62, abs=0.02)


def test_photo_is_found_flattened_and_read_by_rapidocr(sealed: Image.Image, tmp_path: Path) -> None:
    photo = degrade.photo(sealed, np.random.default_rng(4))
    prepared = prepare(photo, 72)
    assert prepared.photo and prepared.steps[:2] == ["page_found", "perspective"]
    assert prepared.dpi == 300 and prepared.image.width == round(8.27 * 300)
    path = tmp_path / "photo.jpg"
    photo.save(path, quality=90)
    result = ocr_image_path(path)  # auto
    assert result.engine == "rapidocr"
    assert samples.char_accuracy(samples.ground_truth(), result.text) >= 0.95
    assert CREDIT_CODE in result.text and len(result.seals) == 1
    # The searchable page shows the flattened page, not the desk around it.
    assert Image.open(path).size != prepared.image.size


def test_rapidocr_models_come_from_its_wheel_and_it_reads_offline(
    contract_page: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert {p.name.split("_infer")[0] for p in model_files()} >= {"ch_PP-OCRv4_det", "ch_PP-OCRv4_rec"}

    def no_network(*args, **kwargs):
        raise AssertionError("RapidOCR tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    top = contract_page.crop((0, 0, contract_page.width, 1100))
    assert "HT-2024-0012" in page_text(read_rapidocr(top))


def test_engine_setting_overrides_the_choice(contract_page: Image.Image, tmp_path: Path) -> None:
    path = samples.save_png(contract_page.crop((0, 0, contract_page.width, 930)), tmp_path / "top.png")
    assert ocr_image_path(path).engine == "tesseract"  # auto: a clean scan stays with tesseract
    forced = ocr_image_path(path, engine="rapidocr")
    assert forced.engine == "rapidocr" and "北京鸿达科技有限公司" in forced.text


TRADITIONAL = ["關於價格調整的函", "上海明遠貿易有限公司：", "貴公司與我司簽訂的供貨合同將於本月底到期。"]


def test_traditional_chinese_page_is_read_as_such(tmp_path: Path) -> None:
    page = samples.render_page(TRADITIONAL, title="價格調整通知")
    result = ocr_image_path(samples.save_png(page, tmp_path / "trad.png"), engine="tesseract")
    assert samples.char_accuracy(samples.ground_truth(TRADITIONAL, "價格調整通知"), result.text) >= 0.9
    assert "上海明遠貿易有限公司" in result.text and "貴公司與我司簽訂的供貨合同將於本月底到期" in result.text


@pytest.mark.parametrize("title", ["催款函", "关于延期交货的函"])
def test_a_heading_tesseract_garbles_is_read_again(title: str, tmp_path: Path) -> None:
    # Three body lines: tesseract read these headings as 吱三 and 1巧<, with boxes no taller than the body.
    page = samples.render_page(samples.LINES[:3], title=title)
    result = ocr_image_path(samples.save_png(page, tmp_path / "title.png"))
    assert result.text.splitlines()[0] == title


def test_a_heading_read_right_but_unsure_is_kept_once() -> None:
    # chi_tra read this title right at 86; RapidOCR's recogniser read it the same at 98, and the line was then
    # taken for a duplicate of itself and dropped.
    page = samples.render_page(["甲方（出借人）：北京鴻達科技有限公司"], title="關於借款合同的函", dpi=200)
    rows = np.nonzero((np.asarray(page) < 128).any(axis=1))[0]
    top = int(rows[0])
    bottom = int(rows[np.argmax(np.diff(rows) > 1)])  # the end of the first band of ink: the title
    columns = np.nonzero((np.asarray(page)[top:bottom] < 128).any(axis=0))[0]
    left, right = int(columns[0]), int(columns[-1])
    title = Line((Word("關於借款合同的函", 80.0, left, top, right - left, bottom - top),))
    assert [line.text for line in lines_again(page, [title], [])] == ["關於借款合同的函"]
