"""Search scale smoke test: index N generated Chinese documents, time indexing and queries.

    .venv/bin/python -m bench.search_scale --docs 2000 [--corpus documents] [--chars 1500] [--keep DIR]

Prints docs/s for indexing (wall and CPU time: the machine is shared) and p50/p95 latency
per query kind. --corpus templates (default) uses a small clause generator here, where
nearly every document matches every query word (a worst case); --corpus documents uses
the OCR corpus's document builders (bench.documents) for realistic text.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from search import IndexDoc, make_index, search

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文辉鹏飞春梅海燕"
_CITIES = ["杭州", "宁波", "温州", "绍兴", "嘉兴", "湖州", "金华", "台州", "上海", "苏州", "南京", "合肥"]
_TRADES = ["贸易", "科技", "建材", "纺织", "机械", "食品", "物流", "电子", "化工", "服装", "印染", "模具"]
_BRANDS = "明远海天鑫源华盛恒达金诚永泰宏图瑞丰嘉禾新联东方天成顺发博远中信万通德隆"
_GROUPS = {
    "loan": [
        "甲方同意按照本合同约定向乙方提供借款，乙方应按期足额偿还本金及利息。",
        "借款期限自{d1}起至{d2}止，借款金额为人民币{amount}元整。",
        "如乙方未按约定还款，甲方有权宣布借款提前到期并要求乙方立即清偿。",
    ],
    "guarantee": [
        "保证人自愿为债务人在主合同项下的全部债务提供连带责任保证担保。",
        "担保范围包括主债权、利息、罚息、复利、违约金、损害赔偿金和实现债权的费用。",
    ],
    "mortgage": [
        "抵押人以其合法拥有的位于{city}市的房产作为抵押物，抵押物已办理抵押登记。",
        "担保范围包括主债权、利息、罚息、复利、违约金、损害赔偿金和实现债权的费用。",
    ],
    "contract": [
        "本合同编号为{code}，与主合同具有同等法律效力。",
        "双方因履行本合同发生争议的，应协商解决；协商不成的，向甲方所在地人民法院提起诉讼。",
        "本合同一式三份，甲乙双方各执一份，登记机关留存一份，具有同等法律效力。",
    ],
    "letter": [
        "我司于{d1}收到贵司来函，现就有关事项函复如下。",
        "贵司在我司办理的借款已于{d2}到期，截至目前尚欠本金人民币{amount}元。",
        "请贵司在收到本函之日起十五日内归还欠款，否则我司将依法采取措施。",
    ],
    "licence": [
        "经核查，{company}的统一社会信用代码为{uscc}，登记机关为{city}市市场监督管理局。",
        "企业类型有限责任公司，经营范围包括{trade}产品的生产与销售、货物进出口。",
    ],
    "deed": [
        "权利人{person}，不动产单元号{code2}，共有情况单独所有，权利性质出让。",
        "本证书是权利人享有该不动产权利的证明，记载的事项应当与不动产登记簿一致。",
    ],
    "service": [
        "本次回访客户对服务表示满意，提出希望简化续贷审批流程的建议。",
        "联系人{person}，联系电话{phone}，地址{city}市{district}区{street}路{no}号。",
    ],
    "minutes": [
        "会议研究了{company}的授信申请，同意给予综合授信额度人民币{amount}元。",
        "档案管理员已对原件进行核对，页数完整，无涂改、无缺页。",
    ],
    "english": [
        "The parties agree that this agreement shall be governed by the laws of the PRC.",
        "Payment shall be made within thirty days after receipt of a valid invoice.",
    ],
}
# Each type draws most clauses from its own groups, so a word matches a realistic share of
# the archive rather than nearly every document.
_TYPES = {
    "借款合同": ["loan", "contract"],
    "保证合同": ["guarantee", "contract"],
    "抵押合同": ["mortgage", "contract"],
    "营业执照": ["licence"],
    "催款函": ["letter"],
    "律师函": ["letter"],
    "不动产权证书": ["deed"],
    "服务记录": ["service"],
    "会议纪要": ["minutes"],
}
_ALL_CLAUSES = [clause for clauses in _GROUPS.values() for clause in clauses]


def _company(rng: random.Random) -> str:
    brand = "".join(rng.sample(_BRANDS, 2))
    return f"{rng.choice(_CITIES)}{brand}{rng.choice(_TRADES)}有限公司"


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.randint(1, 2)))


def _fill(rng: random.Random, template: str, company: str, code: str) -> str:
    day = date(2020, 1, 1) + timedelta(days=rng.randint(0, 2000))
    return template.format(
        d1=f"{day.year}年{day.month}月{day.day}日",
        d2=f"{day.year + 1}年{day.month}月{day.day}日",
        amount=f"{rng.randint(1, 900) * 10000:,}",
        city=rng.choice(_CITIES),
        district=rng.choice(["西湖", "上城", "拱墅", "滨江", "鄞州", "江北"]),
        street=rng.choice(["解放", "人民", "中山", "文一", "庆春", "凤起"]),
        no=rng.randint(1, 999),
        code=code,
        code2=f"3301{rng.randint(10**13, 10**14 - 1)}",
        person=_person(rng),
        phone=f"1{rng.randint(3, 9)}{rng.randint(10**8, 10**9 - 1)}",
        company=company,
        uscc=f"9133{rng.randint(10**13, 10**14 - 1)}X",
        trade=rng.choice(_TRADES),
    )


def generate(count: int, chars: int, seed: int = 7) -> list[IndexDoc]:
    """count documents of about chars characters each, reproducibly."""
    rng = random.Random(seed)
    customers = [_company(rng) for _ in range(max(10, count // 20))]
    docs = []
    for number in range(1, count + 1):
        customer = rng.choice(customers)
        doc_type = rng.choice(list(_TYPES))
        own = [clause for group in _TYPES[doc_type] for clause in _GROUPS[group]]
        code = f"HT-{rng.randint(2019, 2025)}-{rng.randint(1, 9999):04d}"
        parts: list[str] = []
        while sum(map(len, parts)) < chars:
            pool = _ALL_CLAUSES if rng.random() < 0.1 else own
            parts.append(_fill(rng, rng.choice(pool), customer, code))
        docs.append(
            IndexDoc(
                document_id=number,
                title=f"{customer}{doc_type}",
                text="\n".join(parts)[:chars],
                customer=customer,
                doc_type=doc_type,
                archive_no=f"A001-KH·{rng.randint(2019, 2025)}-D30-XS-{number:04d}",
                codes=[code],
                doc_date=date(2024, 1, 1) + timedelta(days=number % 365),
                level="internal",
            )
        )
    return docs


def generate_from_bench_documents(count: int, chars: int, seed: int = 7) -> list[IndexDoc]:
    """count documents from the OCR corpus's document builders (bench.documents), ~chars each."""
    from bench import documents, people

    rng = random.Random(seed)
    customers = people.make_customers(rng, max(10, count // 20))
    builders = [documents.contract, documents.licence, documents.correspondence, documents.title_deed]
    builders.append(documents.service_record)
    docs = []
    for number in range(1, count + 1):
        customer = rng.choice(customers)
        parts: list[str] = []
        title = doc_type = ""
        codes: list[str] = []
        while sum(map(len, parts)) < chars:  # a customer file often holds several records
            built = rng.choice(builders)(rng, customer, rng.randint(0, 3))
            title, doc_type = title or built.title, doc_type or built.doc_type
            codes += [built.contract_number] if built.contract_number else []
            parts += [f"{block.label}{block.text}" for block in built.blocks if block.text or block.label]
        docs.append(
            IndexDoc(
                document_id=number,
                title=title,
                text="\n".join(parts)[:chars],
                customer=customer.name,
                doc_type=doc_type,
                archive_no=f"A001-KH·{rng.randint(2019, 2025)}-D30-XS-{number:04d}",
                codes=[*codes, customer.credit_code],
                level="internal",
            )
        )
    return docs


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    """Run the smoke test and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument(
        "--keep", type=Path, default=None, help="index directory to keep (default: temporary)"
    )
    parser.add_argument(
        "--corpus",
        choices=("templates", "documents"),
        default="templates",
        help="templates (here) or documents (bench.documents, the OCR corpus builders)",
    )
    parser.add_argument("--queries-only", action="store_true", help="reuse the index in --keep; time queries")
    args = parser.parse_args(argv)

    make = generate_from_bench_documents if args.corpus == "documents" else generate
    docs = make(args.docs, args.chars)
    directory = args.keep or Path(tempfile.mkdtemp(prefix="dangan-search-scale-"))
    index = make_index("whoosh", directory, batch_size=args.batch).open_or_create()
    if not args.queries_only:
        started, cpu_started = time.perf_counter(), time.process_time()
        index.add_documents(docs)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(
            f"indexed {len(docs)} docs of {args.chars} chars in {elapsed:.1f}s: {len(docs) / elapsed:.0f} docs/s"
            f" ({len(docs) / cpu:.0f} docs/s of CPU time; the difference is other load on the machine)"
        )
    print(f"{index.doc_count()} docs")

    rng = random.Random(11)
    kinds = {
        "one word": lambda: rng.choice(["借款", "担保", "抵押", "违约金", "授信"]),
        "two words (AND)": lambda: rng.choice(
            ["借款 担保", "抵押 登记", "合同 违约金", "回访 客户", "授信 额度"]
        ),
        "phrase": lambda: rng.choice(['"连带责任保证"', '"统一社会信用代码"', '"借款合同"', '"不动产权利"']),
        "customer": lambda: rng.choice(docs).customer[2:6],
        "code": lambda: rng.choice(docs).codes[0].replace("-", "", 1),
        "single char": lambda: rng.choice("债押函证"),
        "NOT": lambda: rng.choice(["借款 -抵押", "担保 NOT 催款"]),
    }
    print("query kind        wall p50 / p95 ms     CPU p50 / p95 ms   mean hits")
    for kind, make in kinds.items():
        walls, cpus, totals = [], [], []
        for _ in range(40):
            query = make()
            t0, c0 = time.perf_counter(), time.thread_time()
            totals.append(search(index, query, limit=20).total)
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.thread_time() - c0) * 1000)
        print(
            f"{kind:16s} {statistics.median(walls):8.1f} / {_percentile(walls, 0.95):7.1f}"
            f"   {statistics.median(cpus):8.1f} / {_percentile(cpus, 0.95):7.1f}   {statistics.mean(totals):8.0f}"
        )
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
