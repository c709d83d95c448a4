"""Document-type classification: the samples, their OCR readings, titles, fallback, and the rules as data."""

from __future__ import annotations

import json
import random

import pytest

from core.errors import DanganError
from ingest.classify import (
    DEFAULT_RULES,
    LEVELS,
    RETENTIONS,
    DocTypeRule,
    Keyword,
    classify,
    load_rules,
    rule_for,
    rules_from_data,
    rules_to_data,
)
from tests.ingest.docsamples import SAMPLES, ocr_noise

CODES = ["contract", "licence", "correspondence", "title_deed", "service_record", "customer_form", "other"]


@pytest.mark.parametrize(("code", "text"), SAMPLES.items(), ids=list(SAMPLES))
def test_each_sample_is_classified_right(code, text):
    result = classify(text)
    assert result.code == code
    assert 0.5 <= result.confidence <= 1
    assert max(result.scores, key=result.scores.get) == code


@pytest.mark.parametrize(("code", "text"), SAMPLES.items(), ids=list(SAMPLES))
def test_noisy_ocr_is_still_classified_right(code, text):
    noisy = ocr_noise(text)
    assert noisy != text
    assert classify(noisy).code == code


def _garble(text: str, seed: int, drop: float = 0.08, junk: float = 0.04) -> str:
    """Drop and replace characters at random, as a poor scan does."""
    rng = random.Random(seed)
    out = []
    for ch in text:
        roll = rng.random()
        if roll >= drop:
            out.append(rng.choice("口一丨.,'|") if roll < drop + junk else ch)
    return "".join(out)


@pytest.mark.parametrize(("code", "text"), SAMPLES.items(), ids=list(SAMPLES))
def test_badly_garbled_scans_are_still_mostly_classified_right(code, text):
    right = sum(classify(_garble(text, seed)).code == code for seed in range(40))
    assert right >= 38


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (
            "contract",
            "最高额保证合同\n保证人：张三\n债权人：鸿达融资担保有限公司\n保证期间为主债务履行期届满之日起三年。",
        ),
        (
            "licence",
            "营 业 执 照\n统一社会信用代码 91350100M000100Y43\n经营范围 食品销售\n登记机关 福州市市场监督管理局",
        ),
        ("correspondence", "催款通知书\n尊敬的福建闽江食品有限公司：\n……\n特此通知。\n此致\n敬礼"),
        ("title_deed", "房屋所有权证\n房屋所有权人 王芳\n他项权利：抵押\n土地使用权 出让"),
        ("service_record", "维修服务单\n报修时间：2025-03-01\n维修内容：更换配件\n客户满意度：满意"),
        ("customer_form", "开户申请书\n客户信息\n企业性质：国有\n所属行业：制造业\n联系人：陈静"),
    ],
)
def test_other_wordings_of_each_type(code, text):
    assert classify(text).code == code


@pytest.mark.parametrize("text", ["", "   \n ", "第3页 共12页", "会议纪要\n与会人员讨论了下季度的工作安排。"])
def test_text_without_evidence_falls_back_to_other(text):
    result = classify(text)
    assert result.code == "other"
    assert 0 <= result.confidence <= 1


def test_title_weighs_more_than_body():
    body = "我公司已收到合同款项。\n请核对。\n附件：借款合同复印件\n说明\n联系人：李明"
    assert classify(body).code != "correspondence"
    titled = classify(body, title="关于收到借款合同款项的函")
    assert titled.code == "correspondence"
    assert titled.scores["correspondence"] > classify(body).scores["correspondence"]


def test_a_keyword_in_the_first_lines_counts_more_than_further_down():
    head = classify("营业执照\n" + "\n".join(["正文"] * 5))
    tail = classify("\n".join(["正文"] * 5) + "\n营业执照")
    assert head.scores["licence"] > tail.scores["licence"]


def test_confidence_is_lower_when_two_types_compete():
    clear = classify(SAMPLES["licence"])
    mixed = classify(SAMPLES["licence"] + "\n" + SAMPLES["contract"])
    assert mixed.confidence < clear.confidence


def test_packaged_rules_cover_every_type_with_level_and_retention():
    rules = rules_from_data(load_rules())
    assert [r.code for r in rules] == CODES
    assert all(r.name_zh and r.name_en and r.default_level in LEVELS for r in rules)
    assert {r.code: r.retention for r in rules} == {
        "contract": "D30",
        "licence": "D10",
        "correspondence": "D10",
        "title_deed": "Y",
        "service_record": "D10",
        "customer_form": "D10",
        "other": "D10",
    }
    assert rule_for("title_deed").name_zh == "权证"
    assert set(RETENTIONS) == {"Y", "D30", "D10"}


def test_rules_round_trip_through_their_json_shape(tmp_path):
    data = load_rules()
    assert data == json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    rules = rules_from_data(data)
    assert rules_to_data(rules) == data
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_rules(path) == data


def test_rules_as_stored_dicts_classify_like_the_packaged_ones():
    stored = load_rules()  # the shape the database keeps per document type
    for code, text in SAMPLES.items():
        assert classify(text, stored) == classify(text) == classify(text, rules_from_data(stored))
        assert classify(text, stored).code == code


def test_a_broken_rules_file_is_refused(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(DanganError) as caught:
        load_rules(path)
    assert caught.value.code == "doctype.rules_invalid"


def test_edited_rules_change_the_result():
    rules = [
        DocTypeRule("minutes", "会议纪要", "Minutes", "internal", "D10", (Keyword("会议纪要", 5),)),
        DocTypeRule("other", "其他", "Other", "department", "D10"),
    ]
    result = classify("会议纪要\n与会人员讨论了工作安排。", rules)
    assert result.code == "minutes"
    assert set(result.scores) == {"minutes", "other"}


def test_regex_keywords_match_on_lines():
    rules = rules_from_data(
        [
            {
                "code": "invoice",
                "name_zh": "发票",
                "name_en": "Invoice",
                "default_level": "internal",
                "retention": "D30",
                "keywords": [{"pattern": r"^发票号码[:：]?\s*\d{8}$", "weight": 5, "regex": True}],
            },
        ]
    )
    assert classify("抬头\n发票号码：12345678\n", rules).code == "invoice"
    assert classify("抬头 发票号码：1234\n", rules).code == "other"


@pytest.mark.parametrize(
    "data",
    [
        {"code": "x"},
        [{"code": "x", "name_zh": "甲", "name_en": "X", "default_level": "secret", "retention": "D10"}],
        [{"code": "x", "name_zh": "甲", "name_en": "X", "default_level": "company", "retention": "D5"}],
        [
            {
                "code": "x",
                "name_zh": "甲",
                "name_en": "X",
                "default_level": "company",
                "retention": "Y",
                "keywords": [{"pattern": "(", "weight": 1, "regex": True}],
            }
        ],
        [
            {
                "code": "x",
                "name_zh": "甲",
                "name_en": "X",
                "default_level": "company",
                "retention": "Y",
                "keywords": [{"pattern": "甲", "weight": "heavy"}],
            }
        ],
        [{"code": "x", "name_zh": "甲", "name_en": "X", "default_level": "company", "retention": "Y"}] * 2,
        [{"code": "x", "name_en": "X", "default_level": "company", "retention": "Y"}],
    ],
    ids=["not-a-list", "bad-level", "bad-retention", "bad-regex", "bad-weight", "duplicate", "missing-name"],
)
def test_invalid_rules_are_refused_with_a_translated_error(data):
    with pytest.raises(DanganError) as caught:
        rules_from_data(data)
    assert caught.value.code == "doctype.rules_invalid"
    assert "档案类型规则无效" in caught.value.message("zh-CN")


def test_unknown_type_code_has_no_rule():
    with pytest.raises(KeyError):
        rule_for("memo")


# issue 18: English documents are classified by English rules too
@pytest.mark.parametrize(
    "code, text",
    [
        (
            "contract",
            "LOAN AGREEMENT\nThis Agreement is made between the parties below.\nLender: Beijing Hongda Technology "
            "Co., Ltd.\nBorrower: Shanghai Mingyuan Trading Co., Ltd.\nGoverning law: the laws of the PRC.\n"
            "IN WITNESS WHEREOF the parties have signed this Agreement.",
        ),
        (
            "correspondence",
            "Letter on the price adjustment\nDear Sirs,\nWe write to inform you that our prices change from "
            "1 June 2023.\nYours faithfully,\nShanghai Mingyuan Trading Co., Ltd.",
        ),
        (
            "licence",
            "BUSINESS LICENSE\nName: Shanghai Mingyuan Trading Co., Ltd.\nLegal representative: Zhang Wei\n"
            "Registered capital: RMB 5,000,000\nDate of establishment: 12 March 2015\nBusiness scope: trading",
        ),
    ],
)
def test_english_documents_are_classified_by_english_rules(code, text):
    assert classify(text).code == code
