"""Document content: the blocks of text each kind of customer record carries, and its ground truth."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.cnformat import amount_numeral, amount_upper, cn_date, ordinal
from bench.people import ORG_ADDRESS, ORG_LEGAL_REP, ORG_NAME, Customer, bank_branch, person_name, phone

DOC_TYPES = ("contract", "licence", "correspondence", "title_deed", "service_record")


@dataclass(frozen=True)
class Block:
    """One piece of a page (title, center, right, para, line, kv, pair, gap, rule); kv and pair use label too."""

    kind: str
    text: str = ""
    label: str = ""
    size: float | None = None
    bold: bool = False


@dataclass
class Document:
    """A document's blocks plus the facts a reader should find in it."""

    doc_type: str
    title: str
    blocks: list[Block]
    customer: Customer
    contract_number: str | None = None
    dates: list[dt.date] = field(default_factory=list)
    amounts_fen: list[int] = field(default_factory=list)
    framed: bool = False


Builder = Callable[[random.Random, Customer, int], Document]


def _day(rng: random.Random, start: int = 2021, end: int = 2024) -> dt.date:
    return dt.date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))


def contract_number(rng: random.Random, year: int, prefix: str = "HT") -> str:
    """Our contract numbering: HT-2024-0173."""
    return f"{prefix}-{year}-{rng.randint(1, 999):04d}"


def _loan_amount(rng: random.Random) -> int:
    if rng.random() < 0.8:
        return rng.choice((50, 80, 100, 150, 200, 300, 500, 800, 1000, 1500, 2000)) * 10000 * 100
    return rng.randint(100_000, 9_999_999) * 100 + rng.choice((0, 50, 35))


def contract(rng: random.Random, c: Customer, extra: int) -> Document:
    """借款合同 or 委托保证合同 between us (甲方) and the customer (乙方)."""
    signed = _day(rng)
    number = contract_number(rng, signed.year)
    amount = _loan_amount(rng)
    months = rng.choice((6, 12, 12, 24, 36))
    start = signed + dt.timedelta(days=rng.randint(1, 20))
    end = start + dt.timedelta(days=months * 30 + rng.randint(0, 4))
    bank = bank_branch(rng, c.city, c.district)
    loan = rng.random() < 0.5
    title = "借款合同" if loan else "委托保证合同"
    money = f"人民币（大写）{amount_upper(amount)}（小写：{amount_numeral(amount)}）"
    core = [
        f"借款金额：乙方向甲方借款{money}。"
        if loan
        else f"保证金额：甲方为乙方向{bank}（以下简称“债权人”）申请的{money}流动资金借款提供连带责任保证。",
        f"借款期限：自{cn_date(start)}起至{cn_date(end)}止，共计{months}个月，实际放款日以借款借据记载为准。",
        "借款用途：本合同项下借款用于乙方日常生产经营周转，未经甲方书面同意，乙方不得改变借款用途。"
        if loan
        else f"担保费：乙方应按担保金额的年费率{rng.choice(('1.5', '1.8', '2.0', '2.2'))}%向甲方支付担保费，"
        "于本合同签订之日一次性付清；担保费一经收取，不予退还。",
        f"利率与结息：年利率为{rng.choice(('4.35', '5.20', '6.00', '7.80'))}%，按月结息，结息日为每月第二十日，"
        "乙方应于结息日足额支付当期利息。"
        if loan
        else "反担保：乙方同意以其合法拥有的不动产及应收账款向甲方提供反担保，并另行签订反担保合同，"
        "反担保合同为本合同的附件。",
    ]
    optional = [
        "还款方式：乙方应按照本合同附件还款计划表按期足额归还借款本息；乙方提前还款的，应提前十五日书面通知甲方。",
        f"乙方的声明与保证：乙方系依法设立并有效存续的企业法人，统一社会信用代码为{c.credit_code}，"
        "具有签订和履行本合同所需的民事权利能力和民事行为能力；乙方向甲方提供的财务报表及其他资料真实、准确、完整。",
        "信息披露：在本合同有效期内，乙方发生合并、分立、减资、股权变更、重大诉讼或经营状况严重恶化等情形的，"
        "应在事实发生之日起五个工作日内书面通知甲方。",
        "甲方的权利：甲方有权了解乙方的生产经营和财务状况，有权要求乙方按期提供财务报表等资料，"
        "乙方应予以配合并保证资料的真实性。",
        "违约责任：乙方未按期归还借款本息的，甲方有权对逾期款项按日万分之五计收违约金，并有权宣布全部借款提前到期。"
        if loan
        else "追偿权：甲方履行保证责任后，有权向乙方追偿代偿的全部款项及自代偿之日起按日万分之五计算的资金占用费。",
        "费用承担：因实现本合同项下债权所发生的诉讼费、律师费、保全费、公告费、执行费等费用，均由乙方承担。",
        "通知与送达：本合同首页所列地址为双方确认的送达地址，一方变更地址的，应于变更后三日内书面通知对方。",
        "争议解决：因履行本合同发生的争议，由双方协商解决；协商不成的，任何一方均可向甲方所在地人民法院提起诉讼。",
        "保密：双方对在签订和履行本合同过程中知悉的对方商业秘密负有保密义务，但法律法规另有规定的除外。",
    ]
    clauses = (
        core
        + optional[:extra]
        + [
            f"其他：本合同自双方签字或盖章之日起生效。本合同一式{rng.choice(('两', '三', '四'))}份，双方各执一份，"
            "其余报有关部门备案，每份具有同等法律效力。"
        ]
    )
    blocks = [
        Block("title", title),
        Block("right", f"合同编号：{number}"),
        Block("kv", ORG_NAME, "甲方：" if loan else "甲方（保证人）："),
        Block("kv", ORG_ADDRESS, "住所："),
        Block("kv", ORG_LEGAL_REP, "法定代表人："),
        Block("kv", c.name, "乙方：" if loan else "乙方（被保证人）："),
        Block("kv", c.credit_code, "统一社会信用代码："),
        Block("kv", c.address, "住所："),
        Block("kv", c.legal_rep, "法定代表人："),
        Block(
            "para",
            "甲乙双方根据《中华人民共和国民法典》等有关法律法规的规定，经平等协商一致，订立本合同，共同遵守。",
        ),
    ]
    blocks += [Block("para", f"第{ordinal(i)}条 {text}") for i, text in enumerate(clauses, 1)]
    blocks += [
        Block("para", "（以下无正文）"),
        Block("gap"),
        Block("pair", "甲方（盖章）：", f"乙方（盖章）：{c.name}"),
        Block("pair", f"法定代表人：{ORG_LEGAL_REP}", f"法定代表人：{c.legal_rep}"),
        Block("pair", f"签订日期：{cn_date(signed)}", f"签订日期：{cn_date(signed)}"),
    ]
    return Document("contract", title, blocks, c, number, [signed, start, end], [amount])


def licence(rng: random.Random, c: Customer, extra: int) -> Document:
    """营业执照 (副本) of the customer."""
    issued = max(c.established, _day(rng, 2019, 2024))
    blocks = [
        Block("title", "营业执照", size=26),
        Block("center", "（副本）"),
        Block("kv", c.credit_code, "统一社会信用代码"),
        Block("gap"),
        Block("kv", c.name, "名称"),
        Block("kv", c.company_type, "类型"),
        Block("kv", c.legal_rep, "法定代表人"),
        Block("kv", c.business_scope, "经营范围"),
        Block("kv", amount_upper(c.capital_fen), "注册资本"),
        Block("kv", cn_date(c.established, padded=True), "成立日期"),
        Block("kv", f"{cn_date(c.established, padded=True)}至长期", "营业期限"),
        Block("kv", c.address, "住所"),
        Block("gap"),
        Block("right", f"登记机关 {c.city}{c.district}市场监督管理局"),
        Block("right", cn_date(issued, padded=True)),
        Block("gap"),
        Block("center", "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", size=9),
        Block("center", "国家市场监督管理总局监制", size=9),
    ]
    return Document(
        "licence", "营业执照", blocks, c, None, [c.established, issued], [c.capital_fen], framed=True
    )


def title_deed(rng: random.Random, c: Customer, extra: int) -> Document:
    """不动产权证书 registered to the customer."""
    registered = _day(rng, 2015, 2024)
    short = {
        "浙江省": "浙",
        "北京市": "京",
        "上海市": "沪",
        "广东省": "粤",
        "江苏省": "苏",
        "四川省": "川",
        "湖北省": "鄂",
        "山东省": "鲁",
        "福建省": "闽",
    }[c.province]
    cert = f"{short}（{registered.year}）{c.city}不动产权第{rng.randint(1, 9999999):07d}号"
    land, floor, storeys = rng.randint(2000, 40000), rng.randint(800, 20000), rng.randint(1, 8)
    until = dt.date(registered.year + 50, registered.month, registered.day)
    unit = f"{c.credit_code[2:8]}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}GB{rng.randint(1, 99999):05d}F{rng.randint(1, 9999):04d}0001"
    blocks = [
        Block("title", "不动产权证书", size=24),
        Block("center", cert),
        Block("gap"),
        Block("kv", c.name, "权利人"),
        Block("kv", "单独所有", "共有情况"),
        Block(
            "kv",
            f"{c.city}{c.district}{rng.choice(('工业园路', '科技园路', '新华路'))}{rng.randint(1, 300)}号",
            "坐落",
        ),
        Block("kv", unit, "不动产单元号"),
        Block("kv", "国有建设用地使用权/房屋所有权", "权利类型"),
        Block("kv", "出让/自建房", "权利性质"),
        Block("kv", "工业用地/工业", "用途"),
        Block(
            "kv",
            f"共有宗地面积{land}.{rng.randint(0, 99):02d}㎡/房屋建筑面积{floor}.{rng.randint(0, 99):02d}㎡",
            "面积",
        ),
        Block("kv", f"国有建设用地使用权{cn_date(registered)}起{cn_date(until)}止", "使用期限"),
        Block(
            "kv", f"房屋结构：钢筋混凝土结构 房屋总层数：{storeys}层 所在层：1-{storeys}层", "权利其他状况"
        ),
        Block("gap"),
        Block("right", f"登记机构 {c.city}自然资源和规划局"),
        Block("right", cn_date(registered)),
    ]
    return Document("title_deed", "不动产权证书", blocks, c, None, [registered, until], [], framed=True)


def correspondence(rng: random.Random, c: Customer, extra: int) -> Document:
    """A letter (函) from us to the customer about its guarantee."""
    sent = _day(rng)
    number = contract_number(rng, sent.year - rng.randint(0, 1))
    amount = _loan_amount(rng)
    due = sent + dt.timedelta(days=rng.randint(10, 40))
    subject, body = rng.choice(
        (
            (
                "履行还款义务",
                f"贵公司与我公司签订的《委托保证合同》（合同编号：{number}）项下借款本金"
                f"{amount_numeral(amount)}（{amount_upper(amount)}）将于{cn_date(due)}到期。请贵公司提前筹措资金，按期归还借款本息，"
                "以免产生逾期记录并影响贵公司的信用状况。",
            ),
            (
                "开展保后检查",
                f"根据《委托保证合同》（合同编号：{number}）的约定，我公司定于{cn_date(due)}对贵公司开展保后检查，"
                f"核实担保借款{amount_numeral(amount)}的使用情况及反担保物状况。请贵公司提前准备近期财务报表、纳税申报表及银行流水等资料。",
            ),
            (
                "补充提供资料",
                f"贵公司申请的担保业务（合同编号：{number}，金额{amount_numeral(amount)}）正在审查中。"
                f"请贵公司于{cn_date(due)}前补充提供最近三年审计报告、主要资产权属证明及法定代表人个人征信报告。",
            ),
        )
    )
    more = [
        "如贵公司经营状况、财务状况或实际控制人发生重大变化，请及时书面告知我公司。",
        "贵公司如对上述事项有任何疑问，请与我公司业务部联系，我们将及时予以答复。",
        "感谢贵公司长期以来对我公司工作的理解和支持，我公司将一如既往地为贵公司提供优质的融资担保服务。",
    ]
    staff = person_name(rng)
    blocks = [
        Block("title", ORG_NAME, size=18),
        Block("center", f"关于{subject}的函", size=16, bold=True),
        Block("center", f"鸿达担函〔{sent.year}〕{rng.randint(1, 120)}号"),
        Block("gap"),
        Block("line", f"致{c.name}："),
        *[Block("para", p) for p in [body, *more[:extra]]],
        Block("para", "特此函告。"),
        Block("para", "此致"),
        Block("line", "敬礼！"),
        Block("gap"),
        Block("right", ORG_NAME),
        Block("right", cn_date(sent)),
        Block("kv", f"{staff}  联系电话：0571-{rng.randint(80000000, 89999999)}", "联系人："),
    ]
    return Document("correspondence", f"关于{subject}的函", blocks, c, number, [sent, due], [amount])


def service_record(rng: random.Random, c: Customer, extra: int) -> Document:
    """客户回访记录: one or more visits to the customer."""
    number = contract_number(rng, 2024, "FW")
    visits = [_day(rng, 2023, 2024) for _ in range(1 + min(extra, 6) // 2)]
    blocks = [
        Block("title", "客户回访记录表"),
        Block("right", f"记录编号：{number}"),
        Block("kv", c.name, "客户名称："),
        Block("kv", c.credit_code, "统一社会信用代码："),
        Block("kv", f"{c.contact}  {c.phone}", "客户联系人："),
    ]
    findings = (
        "企业生产经营正常，主要设备运转良好，订单较去年同期有所增长，资金周转基本正常。",
        "企业本季度销售收入较上季度略有下降，主要原因是原材料价格上涨，企业已采取措施控制成本。",
        "反担保抵押物现状良好，未发现出租、查封等异常情况，企业按期支付利息，无逾期记录。",
        "企业新增一条生产线，预计下半年产能提升约两成，流动资金需求相应增加。",
    )
    for i, day in enumerate(sorted(visits), 1):
        blocks += [
            Block("rule"),
            Block(
                "kv",
                f"第{ordinal(i)}次  {cn_date(day)}  {rng.choice(('电话回访', '上门回访', '视频回访'))}",
                "回访情况：",
            ),
            Block("kv", f"{person_name(rng)}、{person_name(rng)}", "回访人员："),
            Block("kv", rng.choice(findings) + rng.choice(findings), "回访内容："),
            Block(
                "kv",
                rng.choice(("对我公司服务表示满意。", "希望简化续保手续，缩短审批时间。", "无其他意见。")),
                "客户意见：",
            ),
            Block(
                "kv",
                rng.choice(
                    ("继续按季度跟踪。", "已转业务部跟进续保需求。", "列入重点关注名单，下月再次回访。")
                ),
                "处理结果：",
            ),
        ]
    blocks += [
        Block("rule"),
        Block("pair", f"记录人：{person_name(rng)}", f"日期：{cn_date(max(visits))}"),
        Block("pair", f"审核人：{person_name(rng)}", f"联系电话：{phone(rng)}"),
    ]
    return Document("service_record", "客户回访记录表", blocks, c, number, sorted(visits), [])


BUILDERS: dict[str, Builder] = {
    "contract": contract,
    "licence": licence,
    "correspondence": correspondence,
    "title_deed": title_deed,
    "service_record": service_record,
}
# The optional-paragraph range each builder understands; one-page forms ignore it.
EXTRA_RANGE: dict[str, int] = {
    "contract": 9,
    "licence": 0,
    "correspondence": 3,
    "title_deed": 0,
    "service_record": 8,
}
