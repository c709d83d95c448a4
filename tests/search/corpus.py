"""Thirty-odd realistic archive documents for the search behaviour tests.

Each document exists for a reason noted beside it; the tests refer to them by id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from search.schema import IndexDoc

MINGYUAN = "杭州明远贸易有限公司"
HAITIAN = "宁波海天机械有限公司"
XINYUAN = "温州鑫源纺织有限公司"
HONGHAI = "台灣鴻海精密工業股份有限公司"  # traditional characters on purpose
ORG = "鸿达融资担保有限公司"

UPDATED = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def _doc(document_id: int, **fields: object) -> IndexDoc:
    fields.setdefault("updated_at", UPDATED)
    fields.setdefault("level", "internal")
    return IndexDoc(document_id=document_id, **fields)  # type: ignore[arg-type]


DOCS: list[IndexDoc] = [
    # 1: the loan contract; its number is an explicit code
    _doc(
        1,
        title="借款合同",
        customer=MINGYUAN,
        customer_id=11,
        doc_type="借款合同",
        archive_no="A001-KH·2024-D30-XS-0001",
        codes=["HT-2024-0173", "91330100MA2H3XYZ1K"],
        doc_date=date(2024, 5, 6),
        department="信贷部",
        text=(
            "借款合同\n合同编号：HT-2024-0173\n"
            f"贷款人（甲方）：{ORG}\n借款人（乙方）：{MINGYUAN}\n"
            "统一社会信用代码：91330100MA2H3XYZ1K\n"
            "第一条 借款金额：人民币壹佰万元整（¥1,000,000.00）。\n"
            "第二条 借款期限自2024年5月6日起至2025年5月5日止。\n"
            "第三条 乙方应按期足额归还借款本金及利息，逾期按日万分之五计收罚息。\n"
            "第四条 本借款合同自双方签字盖章之日起生效。"
        ),
    ),
    # 2: a dunning letter that mentions the contract number as OCR read it (no first dash)
    _doc(
        2,
        title="催款函",
        customer=MINGYUAN,
        customer_id=11,
        doc_type="函件",
        archive_no="A001-KH·2025-D10-XS-0002",
        doc_date=date(2025, 6, 1),
        text=(
            f"致：{MINGYUAN}\n贵司与我司签订的编号为HT2024-0173的借款合同已于2025年5月5日到期，"
            "截至本函发出之日，贵司尚欠借款本金人民币叁拾万元。请于收到本函之日起十五日内归还。\n"
            f"{ORG}\n2025年6月1日"
        ),
    ),
    # 3: a guarantee contract, scanned: OCR spaces between characters and a dotted code
    _doc(
        3,
        title="保证合同",
        customer=HAITIAN,
        customer_id=12,
        doc_type="保证合同",
        archive_no="A001-KH·2025-D30-XS-0003",
        codes=["HT-2025-0008"],
        doc_date=date(2025, 1, 8),
        text=(
            "保 证 合 同\n合同编号 HT.2025-0008\n"
            f"债权人：{ORG}\n保证人：{HAITIAN}\n"
            "保证人自愿为债务人在主合同项下的全部债务提供连带责任保证担保。\n"
            "保证期间为主债务履行期限届满之日起三年。"
        ),
    ),
    # 4: business licence with an 18-character credit code
    _doc(
        4,
        title="营业执照",
        customer=HAITIAN,
        customer_id=12,
        doc_type="营业执照",
        archive_no="A001-KH·2025-Y-XS-0004",
        codes=["91330200MA2B7C8D9E"],
        text=(
            "营业执照\n统一社会信用代码 91330200MA2B7C8D9E\n"
            f"名称 {HAITIAN}\n类型 有限责任公司（自然人投资或控股）\n法定代表人 周建国\n"
            "经营范围 通用机械设备制造、销售；货物进出口。\n登记机关 宁波市市场监督管理局"
        ),
    ),
    # 5: traditional-character contract from a Taiwanese customer
    _doc(
        5,
        title="借款合約書",
        customer=HONGHAI,
        customer_id=13,
        doc_type="借款合同",
        archive_no="A001-KH·2023-D30-XS-0005",
        codes=["HT-2023-0456"],
        text=(
            "借款合約書\n立合約書人：台灣鴻海精密工業股份有限公司（以下簡稱乙方）\n"
            "甲方同意貸與乙方新臺幣伍佰萬元整，乙方應於約定期限內清償本金與利息。\n"
            "雙方因本合約發生爭議時，以臺灣臺北地方法院為第一審管轄法院。"
        ),
    ),
    # 6: full-width digits and letters, as some word processors produce
    _doc(
        6,
        title="展期协议",
        customer=MINGYUAN,
        customer_id=11,
        doc_type="协议",
        archive_no="A001-KH·2025-D30-XS-0006",
        text=(
            "展期协议\n原合同编号：ＨＴ－２０２３－０７８９\n"
            "经双方协商一致，原借款期限展期六个月，展期期间利率不变。"
        ),
    ),
    # 7: English loan agreement (stemming)
    _doc(
        7,
        title="Loan Agreement",
        customer="Pacific Trading Limited",
        customer_id=14,
        doc_type="借款合同",
        archive_no="A001-KH·2024-D30-XS-0007",
        text=(
            "LOAN AGREEMENT\nThe Lender agrees to lend and the Borrower agrees to borrow the principal amount. "
            "All payments shall be made in Renminbi. The Borrower repays the loan in twelve instalments. "
            "This Agreement is governed by the laws of the People's Republic of China."
        ),
    ),
    # 8: a mortgage registration where 抵押登记 is broken across two lines
    _doc(
        8,
        title="抵押合同",
        customer=XINYUAN,
        customer_id=15,
        doc_type="抵押合同",
        archive_no="A001-KH·2024-D30-XS-0008",
        codes=["DY-2024-0031"],
        text=(
            "抵押合同\n抵押人以其位于温州市鹿城区的厂房设定抵押，双方应于本合同签订后十日内办理抵押\n"
            "登记手续。抵押物的评估价值为人民币捌佰万元。"
        ),
    ),
    # 9: 借款 and 合同 both present but never adjacent
    _doc(
        9,
        title="还款计划说明",
        customer=XINYUAN,
        customer_id=15,
        doc_type="函件",
        archive_no="A001-KH·2024-D10-XS-0009",
        text=("借款人温州鑫源纺织有限公司拟于下季度分三期归还欠款，具体金额以双方另行签订的合同为准。"),
    ),
    # 10: a house-style document number 鸿借字第001号
    _doc(
        10,
        title="借款通知书",
        customer=XINYUAN,
        customer_id=15,
        doc_type="通知书",
        archive_no="A001-KH·2024-D10-XS-0010",
        codes=["鸿借字第001号"],
        text="鸿借字第001号\n根据贵司申请，我司同意发放借款人民币贰佰万元，请于三日内办理提款手续。",
    ),
    # 11: phone numbers written in the usual mixed ways
    _doc(
        11,
        title="客户联系单",
        customer=HAITIAN,
        customer_id=12,
        doc_type="服务记录",
        archive_no="A001-KH·2025-D10-XS-0011",
        codes=["0574-8765 4321"],
        text="联系人：周建国\n办公电话：0574-8765 4321\n手机：138 0013 8000\n传真：0574-87654322",
    ),
    # 12: title deed with a provincial certificate number
    _doc(
        12,
        title="不动产权证书",
        customer=XINYUAN,
        customer_id=15,
        doc_type="权证",
        archive_no="A001-KH·2024-Y-XS-0012",
        codes=["浙(2023)温州市不动产权第0012345号"],
        text=(
            "不动产权证书\n浙（2023）温州市不动产权第0012345号\n权利人 温州鑫源纺织有限公司\n"
            "共有情况 单独所有\n坐落 温州市鹿城区工业路88号\n权利性质 出让\n用途 工业用地"
        ),
    ),
    # 13: a draft, to be excluded with NOT
    _doc(
        13,
        title="借款合同（草稿）",
        customer=MINGYUAN,
        customer_id=11,
        doc_type="借款合同",
        archive_no="A001-KH·2024-D30-XS-0013",
        text="草稿 借款合同 本稿仅供内部讨论，不作为签约文本。借款金额待定。",
    ),
    # 14: mentions 明远 in its text while belonging to another customer
    _doc(
        14,
        title="会议纪要",
        customer=HAITIAN,
        customer_id=12,
        doc_type="会议纪要",
        archive_no="A001-KH·2025-D10-XS-0014",
        text="会议讨论了宁波海天机械有限公司的授信申请，并参照杭州明远贸易有限公司的还款记录确定利率。",
    ),
    # 15: a single character at the end of a run, before punctuation
    _doc(
        15,
        title="采购合同",
        customer=XINYUAN,
        customer_id=15,
        doc_type="采购合同",
        archive_no="A001-KH·2024-D30-XS-0015",
        text="乙方向甲方采购动力煤。交货地点为温州港。",
    ),
    # 16: HTML-like characters that snippets must escape
    _doc(
        16,
        title="系统导出记录",
        customer=MINGYUAN,
        customer_id=11,
        doc_type="服务记录",
        archive_no="A001-KH·2025-D10-XS-0016",
        text="导出说明：<script>alert('x')</script> 客户回访 & 满意度 \"很好\"。",
    ),
]

_FILLER = [
    (
        "律师函",
        "函件",
        MINGYUAN,
        "本律师受鸿达融资担保有限公司委托，就贵司拖欠借款一事致函如下，请贵司于七日内与我方联系。",
    ),
    (
        "授信审批表",
        "审批表",
        HAITIAN,
        "申请授信额度人民币五百万元，期限一年，担保方式为保证加抵押。风险评级为B级。",
    ),
    ("服务回访记录", "服务记录", XINYUAN, "客户对续贷流程表示满意，建议缩短放款审批时间。回访人：李敏。"),
    ("贷后检查报告", "报告", MINGYUAN, "经现场检查，借款人经营正常，库存充足，未发现挪用贷款情况。"),
    ("股东会决议", "决议", HAITIAN, "全体股东一致同意公司为本次借款提供连带责任保证。"),
    (
        "财务报表",
        "报表",
        XINYUAN,
        "二〇二四年度营业收入三千二百万元，净利润二百一十万元，资产负债率百分之五十八。",
    ),
    ("担保费收据", "收据", MINGYUAN, "今收到杭州明远贸易有限公司交来担保费人民币贰万元整。"),
    ("档案移交清单", "清单", HAITIAN, "移交档案共计十二卷，其中合同类五卷，权证类三卷，其他四卷。"),
    ("法定代表人身份证明", "证明", XINYUAN, "兹证明王伟同志在我公司任执行董事职务，系我公司法定代表人。"),
    (
        "代偿通知书",
        "通知书",
        MINGYUAN,
        "因借款人未能按期还款，我司已于二〇二五年七月代偿本息合计人民币三十一万元。",
    ),
    ("反担保合同", "保证合同", HAITIAN, "反担保人以其持有的股权向担保人提供质押反担保。"),
    ("续贷申请书", "申请书", XINYUAN, "因经营需要，申请续贷人民币三百万元，期限十二个月。"),
    ("征信查询授权书", "授权书", MINGYUAN, "本人授权鸿达融资担保有限公司查询本人的信用报告。"),
    ("项目评审意见", "评审意见", HAITIAN, "评审委员会认为该项目第一还款来源充足，同意提交总经理审批。"),
    ("解除抵押通知", "通知书", XINYUAN, "借款已全部结清，同意解除温州市鹿城区工业路88号房产的抵押。"),
]

DOCS += [
    _doc(
        100 + number,
        title=title,
        customer=customer,
        doc_type=doc_type,
        archive_no=f"A001-KH·2025-D10-XS-{100 + number:04d}",
        text=text,
    )
    for number, (title, doc_type, customer, text) in enumerate(_FILLER, start=1)
]

BY_ID = {doc.document_id: doc for doc in DOCS}
