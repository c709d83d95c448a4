"""Type detection by content, and every reason a file is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from core.errors import RejectedInput
from core.settings import Settings
from ingest.detect import detect, mislabelled
from tests.ingest import samples


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path)


def small_image(text: str = "档案") -> Image.Image:
    return samples.render_page([text], title=None, dpi=40)


def refused(path: Path, settings: Settings) -> RejectedInput:
    with pytest.raises(RejectedInput) as caught:
        detect(path, settings=settings)
    return caught.value


def test_pdf_is_detected_with_its_page_count(text_pdf: Path, settings: Settings) -> None:
    found = detect(text_pdf, settings=settings)
    assert (found.kind, found.mime, found.page_count) == ("pdf", "application/pdf", 3)
    assert found.size == text_pdf.stat().st_size


@pytest.mark.parametrize(("fmt", "kind"), [("PNG", "png"), ("JPEG", "jpeg"), ("TIFF", "tiff")])
def test_image_is_detected_with_its_size(tmp_path: Path, settings: Settings, fmt: str, kind: str) -> None:
    path = tmp_path / f"scan.{kind}"
    small_image().save(path, fmt)
    found = detect(path, settings=settings)
    assert (found.kind, found.mime, found.page_count) == (kind, f"image/{kind}", 1)
    assert (found.width, found.height) == small_image().size


def test_type_comes_from_content_not_name(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scan.pdf"
    small_image().save(path, "PNG")
    found = detect(path, settings=settings)
    assert found.kind == "png"
    note = mislabelled(path, found)
    assert note is not None and ".pdf" in note and "PNG" in note


def test_matching_or_missing_extension_is_not_mislabelled(
    text_pdf: Path, tmp_path: Path, settings: Settings
) -> None:
    found = detect(text_pdf, settings=settings)
    assert mislabelled(text_pdf, found) is None
    assert mislabelled(tmp_path / "noextension", found) is None
    assert mislabelled(tmp_path / "SCAN.PDF", found) is None


def test_multipage_tiff_counts_frames(tmp_path: Path, settings: Settings) -> None:
    path = samples.write_tiff(
        tmp_path / "scan.tif", [small_image("一"), small_image("二"), small_image("三")]
    )
    assert detect(path, settings=settings).page_count == 3


def test_empty_file_is_refused(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert refused(path, settings).code == "input.empty"


def test_file_over_upload_limit_is_refused(text_pdf: Path, tmp_path: Path) -> None:
    error = refused(text_pdf, Settings(home=tmp_path, max_upload_bytes=1000))
    assert error.code == "input.too_large"
    assert error.params == {"size": text_pdf.stat().st_size, "limit": 1000}


def test_text_file_named_pdf_is_refused_as_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("这不是 PDF 文件，只是文字。\n" * 100, encoding="utf-8")
    error = refused(path, settings)
    assert (error.code, error.params) == ("input.unsupported_type", {"detected": "text/plain"})


def test_other_image_type_is_refused_by_name(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scan.png"
    small_image().save(path, "GIF")
    error = refused(path, settings)
    assert (error.code, error.params) == ("input.unsupported_type", {"detected": "image/gif"})


def test_truncated_pdf_is_corrupt(text_pdf: Path, tmp_path: Path, settings: Settings) -> None:
    error = refused(samples.truncate(text_pdf, tmp_path / "cut.pdf"), settings)
    assert error.code == "input.corrupt_pdf"


def test_pdf_header_over_garbage_is_corrupt(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert refused(path, settings).code == "input.corrupt_pdf"


def test_pdf_needing_a_password_is_refused(text_pdf: Path, tmp_path: Path, settings: Settings) -> None:
    locked = samples.encrypt_pdf(text_pdf, tmp_path / "locked.pdf", user="secret")
    assert refused(locked, settings).code == "input.encrypted_pdf"


def test_pdf_with_only_owner_restrictions_is_accepted(
    text_pdf: Path, tmp_path: Path, settings: Settings
) -> None:
    restricted = samples.encrypt_pdf(text_pdf, tmp_path / "restricted.pdf", user="")
    assert detect(restricted, settings=settings).page_count == 3


def test_pdf_without_pages_is_refused(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "blank.pdf"
    with pikepdf.new() as pdf:
        pdf.save(path)
    assert refused(path, settings).code == "input.no_pages"


def test_pdf_with_too_many_pages_is_refused(text_pdf: Path, tmp_path: Path) -> None:
    error = refused(text_pdf, Settings(home=tmp_path, max_pages=2))
    assert (error.code, error.params) == ("input.too_many_pages", {"pages": 3, "limit": 2})


def test_tiff_with_too_many_frames_is_refused(tmp_path: Path) -> None:
    path = samples.write_tiff(tmp_path / "scan.tif", [small_image()] * 3)
    assert refused(path, Settings(home=tmp_path, max_pages=2)).code == "input.too_many_pages"


def test_png_claiming_huge_size_is_refused_before_decoding(tmp_path: Path, settings: Settings) -> None:
    error = refused(samples.png_claiming(tmp_path / "bomb.png", 50_000, 50_000), settings)
    assert (error.code, error.params) == (
        "input.image_too_large",
        {"pixels": 2_500_000_000, "limit": settings.max_image_pixels},
    )


def test_image_over_pixel_setting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    small_image().save(path)
    assert refused(path, Settings(home=tmp_path, max_image_pixels=1000)).code == "input.image_too_large"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_truncated_image_is_corrupt(tmp_path: Path, settings: Settings, fmt: str) -> None:
    whole = tmp_path / "whole"
    samples.render_page(dpi=100).save(whole, fmt)
    error = refused(samples.truncate(whole, tmp_path / "cut", keep=0.5), settings)
    assert error.code == "input.corrupt_image"


def test_image_with_mangled_header_is_corrupt(tmp_path: Path, settings: Settings) -> None:
    buffer = io.BytesIO()
    small_image().save(buffer, "PNG")
    path = tmp_path / "bad.png"
    path.write_bytes(buffer.getvalue()[:8] + b"\0" * 40)
    assert refused(path, settings).code == "input.corrupt_image"
