"""Small realistic Chinese documents (and OCR-damaged readings of them) for extraction and classification tests."""

from __future__ import annotations

from ingest.extract.uscc import check_char

ORG = "鸿达融资担保有限公司"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc(region: str, org8: str, authority: str = "91") -> str:
    """A valid credit code: authority + region + GB 11714 organisation code (with its check) + GB 32100 check."""
    digit = 11 - sum(int(ch, 36) * w for ch, w in zip(org8, ORG_CODE_WEIGHTS, strict=True)) % 11
    body = authority + region + org8 + {10: "X", 11: "0"}.get(digit, str(digit))
    return body + check_char(body)


ORG_USCC = uscc("350100", "MA2Y3K7Q")
CUSTOMER = "深圳市星河科技有限公司"
CUSTOMER_USCC = uscc("440300", "MA5F0H2K")
FORM_CUSTOMER = "福建闽江食品有限公司"
FORM_USCC = uscc("350102", "15438862")

LOAN_CONTRACT = f"""借款合同
合同编号：HT-2025-0008
甲方（出借人）：{ORG}
统一社会信用代码：{ORG_USCC}
住所：福州市鼓楼区五四路158号环球广场20层
法定代表人：林国华    联系电话：0591-87651234
乙方（借款人）：{CUSTOMER}
统一社会信用代码：{CUSTOMER_USCC}
住所：深圳市南山区粤海街道科技园路1号
法定代表人：张伟    联系电话：0755-26881234  手机：138 1234 5678
甲乙双方经平等协商，就乙方向甲方借款事宜签订本合同。
第一条 借款金额：人民币1,234,567.89元（大写：人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分）。
第二条 借款期限：自2025年1月1日起至2026年12月31日止。
第三条 违约责任：乙方未按期还款的，每日按未还金额的万分之五支付违约金。
第四条 争议解决：因本合同引起的争议，提交甲方住所地人民法院诉讼解决。
甲方（盖章）：{ORG}          乙方（盖章）：{CUSTOMER}
签订日期：二〇二四年十二月二十一日
"""

LICENCE = f"""营 业 执 照
（副 本）
统一社会信用代码 {CUSTOMER_USCC}
名 称 {CUSTOMER}
类 型 有限责任公司（自然人投资或控股）
法定代表人 张伟
注册资本 人民币伍佰万元整
成立日期 2018年05月20日
营业期限 2018年05月20日 至 长期
住 所 深圳市南山区粤海街道科技园路1号
经营范围 计算机软件开发；信息技术咨询服务。
登记机关 深圳市市场监督管理局
2023年06月15日
国家企业信用信息公示系统网址：http://www.gsxt.gov.cn
"""

LETTER = f"""关于借款合同履行情况的函
致：{CUSTOMER}
贵公司与我公司于2025年1月1日签订的《借款合同》（合同编号：HT-2025-0008），截至2025年6月30日，
贵公司尚欠借款本金人民币500,000.00元。请贵公司于2025年7月15日前归还上述款项。
特此函告。
此致
敬礼！
{ORG}
2025年7月1日
联系人：李明  电话：0591-87654321
"""

TITLE_DEED = """不动产权证书
粤（2024）深圳市不动产权第0123456号
权利人 张伟、王芳
共有情况 共同共有
坐落 深圳市南山区科技园路1号星河大厦A座1201
不动产单元号 440305006003GB00012F00010012
权利类型 国有建设用地使用权/房屋所有权
权利性质 出让/市场化商品房
用途 城镇住宅用地/住宅
面积 共有宗地面积5000.00㎡/房屋建筑面积89.50㎡
使用期限 2010年01月01日起2080年12月31日止
登簿日期 2024年03月05日
"""

SERVICE_RECORD = f"""客户回访记录表
客户名称：{CUSTOMER}
回访日期：2025-03-18
回访方式：电话回访
联系人：张伟  电话：13812345678
回访内容：了解借款资金使用情况及对我公司服务的满意度。
客户意见：服务及时，无投诉。
满意度：非常满意
处理结果：无需处理
下次回访日期：2025年6月18日
回访人：李明
"""

CUSTOMER_FORM = f"""客户资料表
客户名称：{FORM_CUSTOMER}
统一社会信用代码：{FORM_USCC}
企业性质：民营企业    所属行业：食品制造业
注册资本：1000万元
成立日期：2010年3月8日
联系人：陈静  电话：(0591)83334444  手机：159-0591-2233
客户等级：A    信用等级：AA
填表日期：2025年2月10日
"""

SAMPLES = {
    "contract": LOAN_CONTRACT,
    "licence": LICENCE,
    "correspondence": LETTER,
    "title_deed": TITLE_DEED,
    "service_record": SERVICE_RECORD,
    "customer_form": CUSTOMER_FORM,
}

_FULL = str.maketrans("0123456789:()", "０１２３４５６７８９：（）")


def ocr_noise(text: str) -> str:
    """The kind of damage tesseract does: spaced-out characters, full-width digits, a dropped separator."""
    lines = []
    for i, line in enumerate(text.split("\n")):
        line = line.translate(_FULL) if i % 2 else line
        if i % 3 == 0:
            line = " ".join(line)
        lines.append(line)
    return "\n".join(lines).replace("HT-2025-0008", "HT.2025-0008")
