"""Generate a realistic Chinese business-document corpus with ground truth (python -m bench.corpus OUT --pages N)."""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bigpdf import write_big_pdf
from bench.layout import families
from bench.people import ORG_NAME
from bench.planning import SCAN_FAMILIES, TEXT_FAMILIES, Planned, plan
from bench.render import (
    ScanParams,
    draw_page,
    jpeg_bytes,
    scan,
    subset_family,
    write_image_pdf,
    write_png,
    write_text_pdf,
    write_tiff,
)

MANIFEST = "manifest.json"


def _scan_params(rng: random.Random, fmt: str) -> ScanParams:
    roll = rng.random()
    rotation = 180 if roll < 0.10 else rng.choice((90, 270)) if roll < 0.15 else 0
    return ScanParams(
        rotation=rotation,
        skew_deg=round(rng.choice((-1, 1)) * rng.uniform(0.5, 2.5), 2),
        blur=round(rng.uniform(0.0, 0.9), 2),
        noise_sigma=round(rng.uniform(2.0, 7.0), 1),
        paper=rng.randint(228, 250),
        ink=rng.randint(15, 60),
        jpeg_quality=rng.randint(55, 90) if fmt in ("jpg", "pdf") else None,
    )


def _truth(item: Planned) -> dict[str, Any]:
    d = item.doc
    return {
        "doc_type": d.doc_type,
        "title": d.title,
        "customer": d.customer.name,
        "credit_code": d.customer.credit_code,
        "contract_number": d.contract_number,
        "dates": [x.isoformat() for x in d.dates],
        "amounts_fen": d.amounts_fen,
        "font": item.style.family.name,
        "body_pt": item.style.body,
    }


def _write_scan(
    out: Path, set_name: str, stem: str, fmt: str, item: Planned, params: list[ScanParams], dpi: int
) -> dict[str, Any]:
    """Render one document at dpi in the chosen format; returns its manifest entry."""
    rel = f"{set_name}/{stem}.{fmt}"
    images = [
        scan(draw_page(p, item.style.family, dpi), sp, item.seed + i)
        for i, (p, sp) in enumerate(zip(item.pages, params, strict=True))
    ]
    ocr_inputs = [rel]
    if fmt == "png":
        write_png(out / rel, images[0], dpi)
    elif fmt == "tif":
        write_tiff(out / rel, images, dpi)
    else:
        jpegs = [jpeg_bytes(im, sp.jpeg_quality or 85, dpi) for im, sp in zip(images, params, strict=True)]
        if fmt == "jpg":
            (out / rel).write_bytes(jpegs[0])
        else:
            write_image_pdf(
                out / rel, [(j, im.width, im.height) for j, im in zip(jpegs, images, strict=True)], dpi
            )
            # The embedded JPEG streams themselves, byte for byte, are what the raw-tesseract reference reads.
            (out / "pages" / set_name).mkdir(parents=True, exist_ok=True)
            ocr_inputs = []
            for n, data in enumerate(jpegs, 1):
                page_rel = f"pages/{set_name}/{stem}-p{n}.jpg"
                (out / page_rel).write_bytes(data)
                ocr_inputs.append(page_rel)
    pages = [
        {
            "text": p.text(),
            "rotation": sp.rotation,
            "skew_deg": sp.skew_deg,
            "blur": sp.blur,
            "noise_sigma": sp.noise_sigma,
            "jpeg_quality": sp.jpeg_quality,
        }
        for p, sp in zip(item.pages, params, strict=True)
    ]
    return {
        "file": rel,
        "set": set_name,
        "kind": "scan",
        "dpi": dpi,
        "format": fmt,
        **_truth(item),
        "pages": pages,
        "ocr_inputs": ocr_inputs,
    }


def _write_sidecar(out: Path, entry: dict[str, Any]) -> None:
    side = out / "truth" / (entry["file"] + ".json")
    side.parent.mkdir(parents=True, exist_ok=True)
    side.write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")


def generate_corpus(
    out: Path,
    pages: int,
    *,
    seed: int = 2024,
    dpis: tuple[int, ...] = (300, 200),
    text_pages: int | None = None,
    big_mb: float = 0.0,
    log: bool = False,
) -> dict[str, Any]:
    """Write scans at each dpi, text-layer PDFs and optionally a big PDF under out; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    entries: list[dict[str, Any]] = []
    sets: dict[str, dict[str, Any]] = {}
    rng = random.Random(seed)
    planned = plan(seed, pages, SCAN_FAMILIES) if pages else []
    formats = [
        rng.choice(("png", "jpg", "tif", "pdf")) if len(p.pages) == 1 else rng.choice(("tif", "pdf", "pdf"))
        for p in planned
    ]
    params = [
        [_scan_params(rng, fmt) for _ in item.pages] for item, fmt in zip(planned, formats, strict=True)
    ]
    for dpi in dpis if planned else ():
        set_name = f"scan{dpi}"
        (out / set_name).mkdir(exist_ok=True)
        sets[set_name] = {"dir": set_name, "kind": "scan", "dpi": dpi, "files": len(planned), "pages": pages}
        for i, (item, fmt, ps) in enumerate(zip(planned, formats, params, strict=True), 1):
            entries.append(_write_scan(out, set_name, f"scan_{i:04d}", fmt, item, ps, dpi))
            if log:
                print(f"  {entries[-1]['file']}: {len(item.pages)} page(s)", file=sys.stderr)
    text_pages = pages if text_pages is None else text_pages
    if text_pages:
        (out / "text").mkdir(exist_ok=True)
        text_planned = plan(seed + 1, text_pages, TEXT_FAMILIES)
        sets["text"] = {"dir": "text", "kind": "text", "files": len(text_planned), "pages": text_pages}
        chars = "".join(sorted({ch for item in text_planned for page in item.pages for ch in page.text()}))
        with tempfile.TemporaryDirectory(prefix="bench-fonts-") as fonts:
            cut = {name: subset_family(families()[name], chars, Path(fonts)) for name in TEXT_FAMILIES}
            for i, item in enumerate(text_planned, 1):
                rel = f"text/doc_{i:04d}.pdf"
                write_text_pdf(out / rel, item.pages, cut[item.style.family.name], item.doc.title)
                entries.append(
                    {
                        "file": rel,
                        "set": "text",
                        "kind": "text",
                        "format": "pdf",
                        **_truth(item),
                        "pages": [{"text": p.text()} for p in item.pages],
                    }
                )
    big: dict[str, Any] | None = None
    if big_mb > 0:
        (out / "big").mkdir(exist_ok=True)
        big = write_big_pdf(out / "big" / "big.pdf", target_bytes=int(big_mb * 1024 * 1024), seed=seed)
        big["file"] = "big/big.pdf"
    for entry in entries:
        _write_sidecar(out, entry)
    manifest = {
        "version": 1,
        "generator": "bench.corpus",
        "seed": seed,
        "org": ORG_NAME,
        "sets": sets,
        "files": entries,
        "big": big,
        "seconds": round(time.monotonic() - started, 1),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def load_manifest(out: Path) -> dict[str, Any]:
    """Read a corpus manifest written by generate_corpus."""
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def describe(manifest: dict[str, Any]) -> str:
    """One-paragraph description of a corpus for reports."""
    parts = []
    for name, s in manifest["sets"].items():
        files = [e for e in manifest["files"] if e["set"] == name]
        formats: dict[str, int] = {}
        for e in files:
            formats[e["format"]] = formats.get(e["format"], 0) + 1
        fmt = ", ".join(f"{k} {v}" for k, v in sorted(formats.items()))
        parts.append(f"{name}: {s['pages']} pages in {s['files']} files ({fmt})")
    if manifest.get("big"):
        b = manifest["big"]
        parts.append(f"big PDF: {b['bytes'] / 2**20:.0f} MiB, {b['pages']} text-layer pages")
    return f"seed {manifest['seed']}; " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__)
    ap.add_argument("out", type=Path, help="output directory")
    ap.add_argument("--pages", type=int, default=20, help="scanned pages per dpi set (default 20)")
    ap.add_argument(
        "--text-pages", type=int, default=None, help="text-layer PDF pages (default: same as --pages)"
    )
    ap.add_argument(
        "--dpi", type=int, nargs="+", default=[300, 200], help="scan resolutions (default 300 200)"
    )
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--big-mb", type=float, default=0.0, help="also write big/big.pdf of about this many MiB")
    args = ap.parse_args(argv)
    manifest = generate_corpus(
        args.out,
        args.pages,
        seed=args.seed,
        dpis=tuple(args.dpi),
        text_pages=args.text_pages,
        big_mb=args.big_mb,
        log=True,
    )
    print(f"{args.out}: {describe(manifest)} ({manifest['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
