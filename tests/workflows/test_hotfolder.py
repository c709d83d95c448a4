"""The hot folder takes a file only once it stops growing, then moves it to done/ or rejected/."""

from __future__ import annotations

from tests.api.test_cli_ingest import LICENCE
from tests.ingest import samples
from workflows.hotfolder import HotFolder


def test_growing_file_waits_and_finished_ones_are_moved(runtime, tmp_path):
    folder = tmp_path / "hot"
    folder.mkdir()
    hot = HotFolder(runtime, folder, actor="scanner", interval=0)
    samples.write_text_pdf(folder / "licence.pdf", [LICENCE])
    (folder / "junk.pdf").write_text("not a pdf", encoding="utf-8")
    growing = folder / "growing.pdf"
    growing.write_bytes(b"%PDF-1.7\n")

    assert hot.candidates() == []  # first sight: nothing has held still yet
    with open(growing, "ab") as fh:
        fh.write(b"% more bytes arriving from the scanner\n")
    ready = hot.candidates()
    assert sorted(p.name for p in ready) == ["junk.pdf", "licence.pdf"]

    results = {r.file.rsplit("/", 1)[-1]: r for r in hot.take(ready)}
    assert results["licence.pdf"].status == "ingested"
    assert results["junk.pdf"].status == "rejected"
    assert (folder / "done" / "licence.pdf").exists()
    assert (folder / "rejected" / "junk.pdf").exists()
    reason = (folder / "rejected" / "junk.pdf.reason.txt").read_text(encoding="utf-8")
    assert "不支持" in reason and "Unsupported" in reason
    assert growing.exists()  # still being written: untouched


def test_same_name_twice_does_not_overwrite_in_done(runtime, tmp_path):
    folder = tmp_path / "hot"
    folder.mkdir()
    hot = HotFolder(runtime, folder, actor="scanner", interval=0)
    samples.write_text_pdf(folder / "a.pdf", [LICENCE])
    hot.candidates()
    hot.take(hot.candidates())
    samples.write_text_pdf(folder / "a.pdf", [[*LICENCE, "附：第二份"]])
    hot.candidates()
    hot.take(hot.candidates())
    assert sorted(p.name for p in (folder / "done").iterdir()) == ["a.1.pdf", "a.pdf"]
