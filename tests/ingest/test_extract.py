"""Field extraction: dates, contract numbers, amounts, credit codes, phones, customer, on clean and OCR text."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.extract.fields import extract_fields, is_valid_uscc, normalise_text, parse_capital, to_capital
from ingest.extract.uscc import ALPHABET, check_char, org_code_valid
from tests.ingest.docsamples import (
    CUSTOMER,
    CUSTOMER_USCC,
    FORM_CUSTOMER,
    FORM_USCC,
    LETTER,
    LICENCE,
    LOAN_CONTRACT,
    ORG,
    ORG_USCC,
    SERVICE_RECORD,
    TITLE_DEED,
    uscc,
)


def fields(text: str, **kwargs):
    return extract_fields(text, org_name=ORG, **kwargs)


# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("甲 方 ： 鸿达", "甲方 : 鸿达"),
        ("合同编号：ＨＴ－２０２５—０００８", "合同编号:HT-2025-0008"),
        ("（大写）人民币", "(大写)人民币"),
        ("A001-KH•2025", "A001-KH·2025"),
        ("第一行\r\n第 二 行", "第一行\n第二行"),
        ("Dangan 档 案 system", "Dangan 档案 system"),
    ],
)
def test_normalise_text_folds_width_spaces_and_dashes(text, expected):
    assert normalise_text(text) == expected


def test_raw_values_keep_the_original_text():
    found = fields("合同编号：ＨＴ．２０２５－０００８").contract_numbers
    assert [(c.value, c.raw) for c in found] == [("HT-2025-0008", "ＨＴ．２０２５－０００８")]


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("签订日期：2024年3月5日", "2024-03-05", "签订日期"),
        ("签署日期: 2024 年 3 月 5 日", "2024-03-05", "签署日期"),
        ("二〇二四年三月五日", "2024-03-05", None),
        ("二零二四年十二月二十一日", "2024-12-21", None),
        ("日期：二○二四年十月三十一日", "2024-10-31", "日期"),
        ("成立日期 2018.05.20", "2018-05-20", "成立日期"),
        ("2024/3/5", "2024-03-05", None),
        ("2024-03-05", "2024-03-05", None),
        ("签订日期：20240305", "2024-03-05", "签订日期"),
        ("有效期至２０２６年１２月３１日", "2026-12-31", "有效期至"),
        ("日期:2O24年O3月05日", "2024-03-05", "日期"),
    ],
)
def test_dates_are_read_in_every_form(text, value, label):
    dates = fields(text).dates
    assert [(d.value, d.label) for d in dates] == [(value, label)]


@pytest.mark.parametrize(
    "text",
    ["2024年2月30日", "二〇二三年二月二十九日", "2024.13.01", "20240305", "编号 20241340", "1,234.56"],
)
def test_invalid_or_unlabelled_compact_dates_are_dropped(text):
    assert fields(text).dates == []


def test_contract_period_gives_start_and_end():
    found = fields("借款期限：自2024年1月1日起至2026年12月31日止。")
    assert [(d.value, d.label) for d in found.dates] == [("2024-01-01", "start"), ("2026-12-31", "end")]
    assert found.contract_end == "2026-12-31"


@pytest.mark.parametrize(
    ("text", "doc_date"),
    [
        (LOAN_CONTRACT, "2024-12-21"),  # 签订日期 beats the period
        (LICENCE, "2023-06-15"),  # the issue date under 登记机关, not 成立日期
        (LETTER, "2025-07-01"),  # the sign-off, not the later deadline in the body
        (SERVICE_RECORD, "2025-03-18"),  # 回访日期, not 下次回访日期
        (TITLE_DEED, "2024-03-05"),  # 登簿日期, not the end of the land-use term
        ("自2024年1月1日起至2026年12月31日止", "2024-01-01"),
        ("无日期", None),
    ],
)
def test_doc_date_is_the_documents_own_date(text, doc_date):
    assert fields(text).doc_date == doc_date


def _chinese_date(day: dt.date) -> str:
    digits = "〇一二三四五六七八九"

    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        return (digits[tens] if tens > 1 else "") + ("十" if tens else "") + (digits[ones] if ones else "")

    return "".join(digits[int(c)] for c in str(day.year)) + f"年{small(day.month)}月{small(day.day)}日"


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)), st.integers(0, 4))
def test_any_date_round_trips_through_every_written_form(day, form):
    text = [
        f"{day.year}年{day.month}月{day.day}日",
        _chinese_date(day),
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}/{day.month}/{day.day}",
        f"签订日期：{day:%Y%m%d}",
    ][form]
    assert [d.value for d in fields(text).dates] == [day.isoformat()]


# --- contract numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("合同编号：HT-2024-0173", "HT-2024-0173"),
        ("合同编号：HT2025-0008", "HT-2025-0008"),
        ("合同编号 : HT.2025-0008", "HT-2025-0008"),
        ("合同号:HT 2025·0008", "HT-2025-0008"),
        ("No. HT-2O25-OO08", "HT-2025-0008"),
        ("本合同（HT-2024-0173）", "HT-2024-0173"),
        ("协议编号：DB-JK-2024-017", "DB-JK-2024-017"),
        ("编号：鸿借字第001号", "鸿借字第001号"),
        ("鸿担字〔2024〕第12号", "鸿担字〔2024〕第12号"),
        ("XX字[2024]第12号", "XX字〔2024〕第12号"),
        ("编号：2024.017", "2024-017"),
    ],
)
def test_contract_numbers_are_canonical_despite_ocr(text, value):
    numbers = fields(text).contract_numbers
    assert numbers[0].value == value
    assert numbers[0].raw in text


@pytest.mark.parametrize(
    "text",
    [
        "执行标准 GB 32100-2015",
        "档案编号：A001-KH·2025-D30-XS-0007",
        "证书编号：2024-0001",
        "RMB 2024-0001",
        "Notice 2024-0001A",
    ],
)
def test_things_that_are_not_contract_numbers_are_ignored(text):
    assert fields(text).contract_numbers == []


def test_archive_numbers_are_found_and_made_canonical():
    found = fields("档号：A001-KH・2025-D30-XS-0007，另见 A001-KH·2024-Y-XS-0012")
    assert found.archive_numbers == ["A001-KH·2025-D30-XS-0007", "A001-KH·2024-Y-XS-0012"]


# --- amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("人民币 1,234,567.89 元", 123456789),
        ("人民币 1，234，567.89 元", 123456789),
        ("¥1234.5", 123450),
        ("￥１２３４．５", 123450),
        ("RMB 12万元", 12000000),
        ("12.5万元", 12500000),
        ("3亿元", 30000000000),
        ("人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分", 123456789),
        ("人民币伍拾万元整", 50000000),
        ("人民币壹万圆整", 1000000),
        ("人民币壹拾万零伍佰元整", 10050000),
        ("人民币拾万元整", 10000000),
        ("人民币十万元", 10000000),
        ("人民币壹仟陆佰捌拾元零叁角贰分", 168032),
        ("人民币壹仟陆佰捌拾元叁角贰分", 168032),
        ("人民币捌角伍分", 85),
        ("金额(元):1,234.00", 123400),
        ("注册资本（万元）：500", 500000000),
    ],
)
def test_amounts_are_integer_fen(text, fen):
    amounts = fields(text).amounts
    assert [a.fen for a in amounts] == ([fen] if fen is not None else [])


@pytest.mark.parametrize("text", ["2024年3月5日", "第3条", "年利率4.35%", "统一元器件", "共12页"])
def test_numbers_that_are_not_money_are_not_amounts(text):
    assert fields(text).amounts == []


def test_capital_and_numeric_forms_are_paired_and_checked():
    agree = fields(
        "借款金额：人民币1,234,567.89元（大写：人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分）"
    ).amounts
    assert [(a.fen, a.capital, a.label, a.agrees) for a in agree] == [
        (123456789, False, "借款金额", True),
        (123456789, True, "借款金额", True),
    ]
    assert agree[0].pair == agree[1].pair is not None
    disagree = fields("担保金额：人民币伍拾万元整（¥500,100.00）").amounts
    assert [(a.capital, a.agrees) for a in disagree] == [(True, False), (False, False)]
    apart = fields("金额：¥100.00\n第二条 其他约定\n费用：人民币贰佰元整").amounts
    assert [(a.pair, a.agrees) for a in apart] == [(None, None), (None, None)]


@pytest.mark.parametrize(
    "text", ["注册资本 500万元人民币", "注册资本：人民币伍佰万元整", "注册资本(万元):500万元"]
)
def test_registered_capital_is_labelled(text):
    capital = fields(text).registered_capital
    assert capital is not None and capital.fen == 500000000


@pytest.mark.parametrize(
    ("fen", "capital"),
    [
        (0, "零元整"),
        (5, "伍分"),
        (80, "捌角整"),
        (100, "壹元整"),
        (105, "壹元零伍分"),
        (1000, "壹拾元整"),
        (10050000, "壹拾万零伍佰元整"),
        (123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        (10000000000, "壹亿元整"),
        (10000000100, "壹亿零壹元整"),
    ],
)
def test_to_capital_writes_bank_style_amounts(fen, capital):
    assert to_capital(fen) == capital


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_capital_amounts_round_trip(fen):
    capital = to_capital(fen)
    assert parse_capital(capital) == fen
    assert [a.fen for a in fields(f"金额：人民币{capital}").amounts] == [fen]


@pytest.mark.parametrize("text", ["壹贰元", "元角", "伍角角", ""])
def test_malformed_capital_amounts_are_refused(text):
    assert parse_capital(text) is None


# --- credit codes --------------------------------------------------------------------------------


def test_sample_codes_from_the_standard_validate():
    assert is_valid_uscc("91350100M000100Y43")
    assert is_valid_uscc("91110000600037341L")
    assert org_code_valid("91110000600037341L")
    assert is_valid_uscc(CUSTOMER_USCC) and org_code_valid(CUSTOMER_USCC)


_codes = st.builds(
    lambda head, region, body: uscc(region, body, head),
    st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "Y1", "N2"]),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(_codes, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_a_valid_code_with_one_character_changed_is_rejected(code, position, replacement):
    assert is_valid_uscc(code)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert not is_valid_uscc(changed)
        assert fields(f"统一社会信用代码：{changed}").credit_codes == []


@settings(max_examples=200, deadline=None)
@given(_codes, st.lists(st.integers(1, 17), max_size=4, unique=True))
def test_a_code_split_by_ocr_spaces_is_found(code, cuts):
    spaced = "".join(ch + (" " if i + 1 in cuts else "") for i, ch in enumerate(code))
    found = fields(f"统一社会信用代码 {spaced} 法定代表人").credit_codes
    assert [c.value for c in found] == [code]


def test_o_for_zero_is_repaired_only_when_the_repair_validates():
    damaged = CUSTOMER_USCC.replace("0", "O")
    assert damaged != CUSTOMER_USCC
    found = fields(f"统一社会信用代码：{damaged}").credit_codes
    assert [(c.value, c.raw, c.corrected, c.labelled) for c in found] == [
        (CUSTOMER_USCC, damaged, True, True)
    ]
    wrong = damaged[:-1] + ALPHABET[(ALPHABET.index(damaged[-1]) + 1) % 31]
    assert fields(f"统一社会信用代码：{wrong}").credit_codes == []


@pytest.mark.parametrize(
    "text",
    [
        "订单号 ABCDEFGHJKLMNPQRTU",  # wrong shape (region digits)
        "身份证号 440301199001011234",  # all digits but the check fails or shape is wrong
        f"统一社会信用代码：{CUSTOMER_USCC[:-1]}",  # 17 characters
    ],
)
def test_non_codes_are_not_taken(text):
    assert fields(text).credit_codes == []


def test_identity_card_number_passing_the_check_is_not_a_credit_code():
    body = next(b for n in range(1000) if check_char(b := f"44030119900101{n:03d}").isdigit())
    id_number = body + check_char(body)
    assert is_valid_uscc(id_number)
    assert fields(f"法定代表人身份证号：{id_number}").credit_codes == []
    assert [c.value for c in fields(f"统一社会信用代码：{id_number}").credit_codes] == [id_number]


def test_inner_organisation_check_is_reported_not_enforced():
    body = "91440300MA5F0H2K1"  # GB 11714 check should be 2 for MA5F0H2K, here 1
    code = body + check_char(body)
    found = fields(f"统一社会信用代码：{code}").credit_codes
    assert [(c.value, c.inner_valid) for c in found] == [(code, False)]


# --- phones --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("手机：13812345678", "13812345678", "mobile"),
        ("手机：138 1234 5678", "13812345678", "mobile"),
        ("手机：+86 159-0591-2233", "15905912233", "mobile"),
        ("电话：010-12345678", "010-12345678", "landline"),
        ("电话：0755-1234567", "0755-1234567", "landline"),
        ("电话：(021)12345678", "021-12345678", "landline"),
        ("电话：（０２１）１２３４５６７８转８０１", "021-12345678-801", "landline"),
        ("服务热线：400-820-8820", "400-820-8820", "service"),
        ("服务热线：800 8208820", "800-820-8820", "service"),
    ],
)
def test_phones_are_normalised(text, value, kind):
    assert [(p.value, p.kind) for p in fields(text).phones] == [(value, kind)]


@pytest.mark.parametrize("text", ["账号 6222020200112233445", "12812345678", "2024-03-05", CUSTOMER_USCC])
def test_other_digit_runs_are_not_phones(text):
    assert fields(text).phones == []


# --- customer ------------------------------------------------------------------------------------


def test_loan_contract_customer_is_the_other_party_with_its_code():
    found = fields(LOAN_CONTRACT)
    assert [(c.name, c.credit_code, c.label) for c in found.customer] == [(CUSTOMER, CUSTOMER_USCC, "乙方")]
    assert {(c.value, c.own) for c in found.credit_codes} == {(ORG_USCC, True), (CUSTOMER_USCC, False)}
    assert found.contract_number == "HT-2025-0008"
    assert found.contract_end == "2026-12-31"


@pytest.mark.parametrize(
    ("text", "name", "code", "label"),
    [
        (LICENCE, CUSTOMER, CUSTOMER_USCC, "名称"),
        (LETTER, CUSTOMER, None, "致"),
        (SERVICE_RECORD, CUSTOMER, None, "客户名称"),
        (TITLE_DEED, "张伟", None, "权利人"),
    ],
)
def test_customer_of_each_document_kind(text, name, code, label):
    best = fields(text).best_customer
    assert best is not None and (best.name, best.credit_code, best.label) == (name, code, label)


def test_title_deed_with_joint_owners_gives_both():
    assert [c.name for c in fields(TITLE_DEED).customer] == ["张伟", "王芳"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (f"委托方：{FORM_CUSTOMER}（盖章）", FORM_CUSTOMER),
        (f"客户名称：{FORM_CUSTOMER}    联系人：陈静", FORM_CUSTOMER),
        (f"借款人：{FORM_CUSTOMER}地址：福州市", FORM_CUSTOMER),
        ("借款人：李建国", "李建国"),
        ("申请人：欧阳娜娜", "欧阳娜娜"),
        ("尊敬的福州市台江区老街坊商行：", "福州市台江区老街坊商行"),
        ("甲方：福清市龙田镇东山村果蔬专业合作社|", "福清市龙田镇东山村果蔬专业合作社"),
        ("致:福建正大律师事务所", "福建正大律师事务所"),
        ("委托人：厦门海沧创新投资合伙企业(有限合伙)（盖章）", "厦门海沧创新投资合伙企业(有限合伙)"),
        ("乙方：泉州市丰泽区美食店）", "泉州市丰泽区美食店"),
        (f"乙方：福建{ORG}", f"福建{ORG}"),
    ],
)
def test_customer_names_are_cleaned(text, name):
    assert [c.name for c in fields(text).customer] == [name]


@pytest.mark.parametrize(
    "text",
    [
        "尊敬的客户：",
        "乙方承诺其为依法设立的有限公司。",
        "借款人民币伍拾万元整",
        "甲方：本公司",
        "产品名称：担保服务",
        "借款人：借款人",
        "致：",
        "此致\n敬礼",
    ],
)
def test_words_that_are_not_parties_give_no_customer(text):
    assert fields(text).customer == []


def test_noisy_ocr_contract_still_yields_every_field():
    damaged_code = CUSTOMER_USCC.replace("0", "O")
    noisy = (
        "借 款 合 同\n合同编号 : HT.2025-0008\n"
        "甲 方（出借人）： 鸿达融资担保有限公 司\n"
        "乙方（借款人）：深圳市星河科\n技有限公司\n"
        f"统一社会信用代码：{damaged_code[:4]} {damaged_code[4:9]} {damaged_code[9:]}\n"
        "借款金额：人民币 1，234，567.89 元（大写：人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分）\n"
        "借款期限：自２０２５年１月１日起至２０２６年１２月３１日止\n"
        "签订日期：２０２４年１２月２１日\n电话：０７５５－２６８８１２３４\n"
    )
    found = fields(noisy)
    assert found.contract_number == "HT-2025-0008"
    assert [(c.name, c.credit_code) for c in found.customer] == [(CUSTOMER, CUSTOMER_USCC)]
    assert (found.doc_date, found.contract_end) == ("2024-12-21", "2026-12-31")
    assert [a.fen for a in found.amounts] == [123456789, 123456789]
    assert [p.value for p in found.phones] == ["0755-26881234"]


@pytest.mark.parametrize(
    "own",
    [ORG, "鸿达融资担保有限公 司", "鸿达融资担保有限公司福州分公司", "鸿达融姿担保有限公司"],
    ids=["exact", "spaced", "branch", "one-char-ocr-error"],
)
@pytest.mark.parametrize("own_side", ["甲方", "乙方"])
def test_the_customer_is_never_our_own_organisation(own, own_side):
    other_side = "乙方" if own_side == "甲方" else "甲方"
    text = f"保证合同\n{own_side}：{own}\n{other_side}：{FORM_CUSTOMER}\n{own_side}（盖章）：{own}"
    names = [c.name for c in fields(text).customer]
    assert names == [FORM_CUSTOMER]
    assert fields(f"致：{own}\n函").customer == []


@settings(max_examples=100, deadline=None)
@given(st.permutations(["甲方", "乙方", "丙方", "致", "客户名称", "委托方"]), st.integers(0, 5))
def test_org_name_is_never_a_candidate_whatever_its_label(labels, own_index):
    lines = [f"{label}：{ORG if i == own_index else FORM_CUSTOMER}" for i, label in enumerate(labels)]
    names = {c.name for c in fields("\n".join(lines)).customer}
    assert ORG not in names and names == {FORM_CUSTOMER}


def test_counterparty_of_our_contract_ranks_first():
    text = f"甲方：{ORG}\n乙方：{CUSTOMER}\n丙方（保证人）：{FORM_CUSTOMER}"
    assert [c.name for c in fields(text).customer] == [CUSTOMER, FORM_CUSTOMER]


def test_credit_code_is_linked_to_its_own_party_block():
    text = f"甲方：{CUSTOMER}\n统一社会信用代码：{CUSTOMER_USCC}\n乙方：{FORM_CUSTOMER}\n统一社会信用代码：{FORM_USCC}"
    assert {c.name: c.credit_code for c in fields(text).customer} == {
        CUSTOMER: CUSTOMER_USCC,
        FORM_CUSTOMER: FORM_USCC,
    }


def test_our_own_code_is_marked_and_never_linked_to_a_customer():
    text = f"致：{CUSTOMER}\n特此函告。\n{ORG}\n统一社会信用代码：{ORG_USCC}\n甲方：{ORG}\n统一社会信用代码：{ORG_USCC}"
    found = fields(text)
    assert [(c.value, c.own) for c in found.credit_codes] == [(ORG_USCC, True)]
    assert [(c.name, c.credit_code) for c in found.customer] == [(CUSTOMER, None)]


def test_to_dict_is_plain_data_without_offsets():
    data = fields(LOAN_CONTRACT).to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["customer"][0] == {
        "name": CUSTOMER,
        "credit_code": CUSTOMER_USCC,
        "label": "乙方",
        "confidence": fields(LOAN_CONTRACT).customer[0].confidence,
    }
    assert "pos" not in data["dates"][0] and data["doc_date"] == "2024-12-21"


def test_tables_give_key_value_fields():
    tables = [
        [["客户名称", FORM_CUSTOMER, "统一社会信用代码", FORM_USCC], ["注册资本", "1000万元", None, None]]
    ]
    found = fields("客户资料表", tables=tables)
    assert [(c.name, c.credit_code) for c in found.customer] == [(FORM_CUSTOMER, FORM_USCC)]
    assert found.registered_capital is not None and found.registered_capital.fen == 1000000000


def test_empty_text_extracts_nothing():
    found = fields("")
    assert (found.dates, found.customer, found.amounts, found.doc_date) == ([], [], [], None)


_FUZZ = "0123456789OolI年月日号元圆整角分万亿人民币¥,.:-/() \n甲乙方致名称权利人借款合同编号字第〔〕零壹贰叁肆伍陆柒捌玖拾佰仟〇一二十有限公司HTXY"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_FUZZ, max_size=120))
def test_extraction_never_fails_on_arbitrary_text(text):
    found = fields(text)
    assert all(len(d.value) == 10 for d in found.dates)
    assert all(a.fen >= 0 for a in found.amounts)
    assert all(is_valid_uscc(c.value) for c in found.credit_codes)
    assert ORG not in {c.name for c in found.customer}


def test_a_long_document_is_read_quickly():
    import time

    text = (LOAN_CONTRACT + "\n" + "本合同未尽事宜，双方另行协商。" * 20 + "\n") * 200
    started = time.perf_counter()
    found = fields(text)
    assert time.perf_counter() - started < 5
    assert found.best_customer is not None and found.best_customer.name == CUSTOMER


# issue 18: S for 5 and Z for 2, letters outside the code's alphabet, under seals and in photocopies
@pytest.mark.parametrize("digit, letter", [("5", "S"), ("2", "Z")])
def test_s_and_z_are_repaired_only_when_the_check_character_confirms(digit, letter):
    code = "91310115MA1K4Q8X21"
    damaged = code.replace(digit, letter)
    assert damaged != code
    found = fields(f"统一社会信用代码：{damaged}").credit_codes
    assert [(c.value, c.corrected) for c in found] == [(code, True)]
    wrong = damaged[:-1] + ALPHABET[(ALPHABET.index(damaged[-1]) + 1) % 31]
    assert fields(f"统一社会信用代码：{wrong}").credit_codes == []


def test_figure_in_brackets_after_a_capital_amount_is_read_when_ocr_lost_its_yuan_sign():
    # issue 18: the 大写 misread (贰仟 → 直件) and the ¥ lost; the figure still gives the amount
    found = fields("合同金额：人民币壹拾伍万直件伍佰元整（152,500.00）").amounts
    assert 15_250_000 in [a.fen for a in found]
    assert fields("合同编号（2023）第7号").amounts == []


@pytest.mark.parametrize("sign", ["Y", "#f", "习"])
def test_figure_after_a_capital_amount_is_read_when_ocr_misread_its_yuan_sign(sign: str):
    # issue 18: a fax and a scan turned sideways read ¥ as Y and #f, and the 大写 as 参拾伍万警什
    found = fields(f"合同金额：人民币参拾伍万警什元整（{sign}351,000.00）").amounts
    assert 35_100_000 in [a.fen for a in found]
    assert fields("合同编号（HT2023）第7号").amounts == []
