"""Real-world paper (issue 18): a seeded degraded corpus read by tesseract alone, RapidOCR alone and Dangan's
auto choice, side by side in one run, with raw tesseract (psm 6 on the untouched file) as the reference.

python -m bench.paper_eval [--per-kind 1] [--seed 18] [--kinds clean photo ...] [--no-write]

Kinds: clean 300 dpi scan; photo (phone photo: perspective, shadow, desk, and a seal); seal (red seal over the
text); fax; photocopy (of a photocopy: grey, speckle, dark borders, skew); landscape (scanned sideways);
two_page (contract number and amount only on page 2); traditional (a letter in traditional Chinese).
Per kind and engine: character accuracy (bench.accuracy, NFKC-folded; traditional pages compared folded to
simplified), extraction accuracy (credit code, contract number, amount, date found right), recall@10 and MRR of
labelled queries typed as people type them (short name, credit code with a misread, contract number without
separators, amount in capitals and as 万, the month), and pages/s (wall time, one process, this machine).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from opencc import OpenCC
from PIL import Image

from bench import paper as degrade
from bench.accuracy import char_accuracy
from bench.report import machine, table, write_section
from ingest.extract.amounts import to_capital
from ingest.extract.fields import extract_fields
from ingest.ocr.page import PageJob, ocr_page
from records.customer_aliases import learned_aliases
from records.uscc import check_char
from search import IndexDoc, make_index, search
from tests.ingest.samples import render_page

KINDS = ("clean", "photo", "seal", "fax", "photocopy", "landscape", "two_page", "traditional")
ENGINES = ("raw", "tesseract", "rapidocr", "auto")
CITIES = ("上海", "苏州", "武汉", "杭州", "南京", "宁波", "成都", "天津", "厦门", "青岛")
CORES = ("明远", "鼎盛", "华瑞", "海天", "鑫源", "恒通", "博雅", "嘉禾", "天成", "永信", "瑞丰", "宏图")
TRADES = (("贸易", "商贸"), ("化工", "化工"), ("精密机械", "机械"), ("纺织", "纺织"), ("物流", "物流"))
_t2s = OpenCC("t2s")
_s2t = OpenCC("s2t")


@dataclass
class Doc:
    """One generated document: its pages' text (ground truth), its facts and the queries that should find it."""

    id: int
    kind: str
    name: str
    short: str
    code: str
    contract: str
    fen: int
    signed: date
    pages: list[list[str]]
    title: str
    queries: list[str] = field(default_factory=list)


def _credit_code(rng: random.Random) -> str:
    body = (
        "91"
        + f"{rng.randrange(110000, 659999):06d}"
        + "MA"
        + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(7))
    )
    return body + check_char(body)


def make_corpus(per_kind: int, seed: int, kinds: tuple[str, ...]) -> list[Doc]:
    """Documents with ground truth, seeded: same seed, same corpus."""
    rng = random.Random(seed)
    docs = []
    for kind in kinds:
        for _ in range(per_kind):
            n = len(docs) + 1
            city, core, (trade, _short_trade) = rng.choice(CITIES), CORES[n % len(CORES)], rng.choice(TRADES)
            name = f"{city}{core}{trade}有限公司"
            code = _credit_code(rng)
            contract = f"HT-{rng.randrange(2019, 2025)}-{rng.randrange(1, 9999):04d}"
            fen = rng.randrange(1, 500) * 100_000 + rng.choice((0, 50_000))
            signed = date(rng.randrange(2019, 2025), rng.randrange(1, 13), rng.randrange(1, 28))
            yuan = f"{fen // 100:,}.00"
            facts = [
                f"合同编号：{contract}",
                f"合同金额：人民币{to_capital(fen)}（¥{yuan}）",
            ]
            head = [
                "甲方（出借人）：北京鸿达科技有限公司",
                f"乙方（借款人）：{name}",
                f"统一社会信用代码：{code}",
            ]
            tail = [
                f"借款期限：自{signed.year}年{signed.month}月{signed.day}日起十二个月。",
                "年利率为百分之四点五，按季度付息，到期还本。",
                f"签订日期：{signed.year}年{signed.month}月{signed.day}日",
            ]
            title = "借款合同"
            if kind == "two_page":
                pages = [head + tail, ["第二页 补充条款", *facts, "双方确认以上内容无误。"]]
            else:
                pages = [head + facts + tail]
            if kind == "traditional":
                title = _s2t.convert("关于借款合同的函")
                pages = [[_s2t.convert(line) for line in page] for page in pages]
            queries = [
                core,  # the short name
                code.replace("0", "O", 1) if "0" in code[:8] else code,  # with a misread
                contract.replace("-", ""),
                to_capital(fen),
                f"{fen / 1_000_000:g}万",
                f"{signed.year}年{signed.month}月",
            ]
            docs.append(Doc(n, kind, name, core, code, contract, fen, signed, pages, title, queries))
    return docs


def page_images(doc: Doc, seed: int) -> list[Image.Image]:
    """The document's pages as the kind degrades them."""
    rng = np.random.default_rng(seed + doc.id)
    images = []
    for number, lines in enumerate(doc.pages):
        page = render_page(lines, title=doc.title if number == 0 else None)
        if doc.kind == "photo":
            page = degrade.photo(degrade.seal(page, rng, name=doc.name), rng)
        elif doc.kind == "seal":
            page = degrade.seal(page, rng, name=doc.name, centre=(0.55, 0.25))
        elif doc.kind == "fax":
            page = degrade.fax(page, rng)
        elif doc.kind == "photocopy":
            page = degrade.photocopy(page, rng)
        elif doc.kind == "landscape":
            page = page.rotate(90, expand=True)
            page.info["dpi"] = (300, 300)
        images.append(page)
    return images


def truth(doc: Doc) -> list[str]:
    return ["\n".join(([doc.title] if i == 0 else []) + lines) for i, lines in enumerate(doc.pages)]


def read_raw(path: Path) -> str:
    """Raw tesseract: psm 6, chi_sim+eng, the untouched file."""
    return subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "chi_sim+eng", "--psm", "6"],
        capture_output=True,
        text=True,
        check=False,
        env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
    ).stdout


def extraction_score(doc: Doc, text: str) -> float:
    """Share of the four facts extraction found right from the read text (all pages)."""
    found = extract_fields(_t2s.convert(text), org_name="鸿达融资担保有限公司")
    got = found.to_dict()
    checks = [
        doc.code in {c["value"] for c in got.get("credit_codes", [])},
        doc.contract in {c["value"] for c in got.get("contract_numbers", [])},
        doc.fen in {a["fen"] for a in got.get("amounts", [])},
        doc.signed.isoformat() in {d.get("value") for d in got.get("dates", []) if isinstance(d, dict)}
        or found.doc_date == doc.signed.isoformat(),
    ]
    return sum(checks) / len(checks)


def query_scores(
    docs: list[Doc], texts: dict[int, str], work: Path, engine: str = ""
) -> dict[str, tuple[float, float]]:
    """recall@10 and MRR per kind over the labelled queries, on a Whoosh index of what was read."""
    index = make_index("whoosh", work, batch_size=50).open_or_create()
    entries = []
    for doc in docs:
        text = texts[doc.id]
        got = extract_fields(_t2s.convert(text), org_name="鸿达融资担保有限公司").to_dict()
        codes = [c["value"] for c in got.get("credit_codes", [])] + [
            c["value"] for c in got.get("contract_numbers", [])
        ]
        entries.append(
            IndexDoc(
                document_id=doc.id,
                title=doc.title,
                text=text,
                customer=doc.name,
                aliases=learned_aliases(doc.name),  # as ingest learns them when the file is opened
                doc_type="contract",
                codes=codes,
                doc_date=doc.signed,
                level="internal",
                amounts=sorted({a["fen"] for a in got.get("amounts", []) if isinstance(a.get("fen"), int)}),
                updated_at=datetime(2025, 1, 1, tzinfo=UTC),
            )
        )
    index.add_documents(entries)
    out: dict[str, list[tuple[bool, float]]] = {}
    for doc in docs:
        for query in doc.queries:
            hits = [h.document_id for h in search(index, query, limit=10).hits]
            rank = hits.index(doc.id) + 1 if doc.id in hits else None
            if rank != 1:
                print(
                    f"{engine:9s} {doc.kind:11s} doc {doc.id}: {query!r} ranked {rank or 'not in 10'}",
                    flush=True,
                )
            out.setdefault(doc.kind, []).append((rank is not None, 1 / rank if rank else 0.0))
    index.close()
    return {kind: (sum(r for r, _ in v) / len(v), sum(m for _, m in v) / len(v)) for kind, v in out.items()}


def run(
    per_kind: int, seed: int, kinds: tuple[str, ...], engines: tuple[str, ...] = ENGINES
) -> dict[str, dict[str, dict[str, float]]]:
    """Figures[engine][kind] = {chars, extraction, recall10, mrr, pages_per_s}."""
    docs = make_corpus(per_kind, seed, kinds)
    figures: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="dangan-paper-") as tmp:
        folder = Path(tmp)
        files: dict[int, list[Path]] = {}
        for doc in docs:
            files[doc.id] = []
            for number, image in enumerate(page_images(doc, seed)):
                path = folder / f"doc{doc.id}-p{number + 1}.{'jpg' if doc.kind == 'photo' else 'png'}"
                image.save(
                    path,
                    dpi=image.info.get("dpi", (300, 300)),
                    **({"quality": 90} if doc.kind == "photo" else {}),
                )
                files[doc.id].append(path)
        # Engines take turns on each document, so a shared machine's load falls on all of them alike.
        texts: dict[str, dict[int, str]] = {engine: {} for engine in engines}
        rows: dict[str, dict[str, dict[str, list[float]]]] = {engine: {} for engine in engines}
        for doc in docs:
            for engine in engines:
                started = time.perf_counter()
                pages = []
                for path in files[doc.id]:
                    if engine == "raw":
                        pages.append(read_raw(path))
                    else:
                        kind = "jpeg" if path.suffix == ".jpg" else "png"
                        pages.append(ocr_page(PageJob(str(path), kind, engine=engine)).text)
                seconds = time.perf_counter() - started
                text = "\n\n".join(pages)
                texts[engine][doc.id] = text
                fold = doc.kind == "traditional"
                truth_text = "\n\n".join(truth(doc))
                accuracy = (
                    char_accuracy(_t2s.convert(truth_text), _t2s.convert(text), fold=True)
                    if fold
                    else char_accuracy(truth_text, text, fold=True)
                )
                row = rows[engine].setdefault(
                    doc.kind, {"chars": [], "extraction": [], "seconds": [], "pages": []}
                )
                row["chars"].append(accuracy)
                row["extraction"].append(extraction_score(doc, text))
                row["seconds"].append(seconds)
                row["pages"].append(len(files[doc.id]))
                print(
                    f"{engine:9s} {doc.kind:11s} doc {doc.id}: chars {accuracy:.3f} {seconds:.1f} s",
                    flush=True,
                )
        for engine in engines:
            per_kind_rows = rows[engine]
            queries = query_scores(docs, texts[engine], folder / f"index-{engine}", engine)
            figures[engine] = {
                kind: {
                    "chars": sum(r["chars"]) / len(r["chars"]),
                    "extraction": sum(r["extraction"]) / len(r["extraction"]),
                    "recall10": queries[kind][0],
                    "mrr": queries[kind][1],
                    "pages_per_s": sum(r["pages"]) / sum(r["seconds"]),
                }
                for kind, r in per_kind_rows.items()
            }
    return figures


def report(figures: dict[str, dict[str, dict[str, float]]], *, per_kind: int, seed: int) -> str:
    kinds = list(next(iter(figures.values())))
    engines = [engine for engine in ENGINES if engine in figures]
    rows = []
    for kind in kinds:
        for engine in engines:
            f = figures[engine][kind]
            rows.append(
                [
                    kind,
                    engine,
                    f"{f['chars'] * 100:.1f}%",
                    f"{f['extraction']:.2f}",
                    f"{f['recall10']:.2f}",
                    f"{f['mrr']:.2f}",
                    f"{f['pages_per_s']:.3f}",
                ]
            )
    overall = []
    for engine in engines:
        values = figures[engine].values()
        seconds = sum(1 / v["pages_per_s"] for v in values)
        overall.append(
            [
                engine,
                f"{sum(v['chars'] for v in values) / len(kinds) * 100:.1f}%",
                f"{sum(v['extraction'] for v in values) / len(kinds):.2f}",
                f"{sum(v['recall10'] for v in values) / len(kinds):.2f}",
                f"{sum(v['mrr'] for v in values) / len(kinds):.2f}",
                f"{(len(kinds) / seconds) / (len(kinds) / sum(1 / v['pages_per_s'] for v in figures['raw'].values())):.2f}x",
            ]
        )
    return (
        f"`python -m bench.paper_eval --per-kind {per_kind} --seed {seed}` on {machine()}.\n"
        "Engines: raw = `tesseract --psm 6 -l chi_sim+eng` on the untouched file (the reference); tesseract = "
        "Dangan's pipeline with `DANGAN_OCR_ENGINE=tesseract`; rapidocr = RapidOCR alone (after the same page "
        "preparation); auto = Dangan's default. Characters NFKC-folded (traditional compared folded to "
        "simplified); extraction = credit code, contract number, amount and date found right; queries = short "
        "name, credit code with an O for 0, contract number without separators, amount in capitals and in 万, "
        "the month as 2023年5月.\n\n"
        + table(["kind", "engine", "characters", "extraction", "recall@10", "MRR", "pages/s"], rows)
        + "\n\nOver all kinds (mean of the kinds; throughput relative to raw tesseract over the mixed batch):\n\n"
        + table(["engine", "characters", "extraction", "recall@10", "MRR", "throughput vs raw"], overall)
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=1)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    figures = run(args.per_kind, args.seed, tuple(args.kinds), tuple(args.engines))
    body = report(figures, per_kind=args.per_kind, seed=args.seed)
    print(body)
    if not args.no_write:
        write_section("paper", body)


if __name__ == "__main__":
    main()
