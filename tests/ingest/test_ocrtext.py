"""Tesseract's TSV into page text: lines, no spaces inside Chinese, Chinese punctuation and symbols, no noise."""

from __future__ import annotations

import pytest

from ingest.ocr.tsv import (
    Line,
    Word,
    cjk_punctuation,
    cjk_symbols,
    join_cjk,
    page_text,
    parse_tsv,
    parse_tsv_pages,
    without_noise,
)

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def tsv_row(line: int, word: int, text: str, conf: float = 90.0, level: int = 5, page: int = 1) -> str:
    return f"{level}\t{page}\t1\t1\t{line}\t{word}\t{word * 60}\t{line * 80}\t50\t50\t{conf}\t{text}"


def line(*words: tuple[str, float]) -> Line:
    return Line(tuple(Word(text, conf, 60 * i, 0, 50, 50) for i, (text, conf) in enumerate(words)))


def test_spaces_beside_chinese_are_dropped_and_latin_spaces_kept() -> None:
    assert (
        join_cjk("借 款 合 同 ， 甲 方 ： Loan Agreement 2024 年 3 月")
        == "借款合同，甲方：Loan Agreement 2024年3月"
    )


def test_tsv_words_are_grouped_into_lines() -> None:
    tsv = "\n".join(
        [
            TSV_HEADER,
            tsv_row(1, 0, "", -1, level=4),
            tsv_row(1, 1, "合同"),
            tsv_row(1, 2, "编号"),
            tsv_row(1, 3, "HT-01", 80.0),
            tsv_row(2, 1, "Loan"),
            tsv_row(2, 2, "Agreement", 50.0),
            tsv_row(3, 1, " ", 95.0),
        ]
    )
    lines = parse_tsv(tsv)
    assert [line.text for line in lines] == ["合同编号HT-01", "Loan Agreement"]
    assert lines[1].confidence == 70.0


def test_a_run_over_several_images_gives_lines_per_image() -> None:
    tsv = "\n".join(
        [TSV_HEADER, tsv_row(1, 1, "借款"), tsv_row(1, 1, "Loan", page=2), tsv_row(1, 2, "Agreement", page=2)]
    )
    pages = parse_tsv_pages(tsv)
    assert {n: [line.text for line in lines] for n, lines in pages.items()} == {
        1: ["借款"],
        2: ["Loan Agreement"],
    }


@pytest.mark.parametrize(
    ("read", "stored"),
    [
        ("合同编号: HT-2024-0012", "合同编号：HT-2024-0012"),
        ("甲方(出借人):北京鸿达科技有限公司", "甲方（出借人）：北京鸿达科技有限公司"),
        ("甲方〈出借人) :北京", "甲方（出借人）：北京"),  # 〈 closed by ) is tesseract's （
        ("经营范围:建筑材料销售;水泥制品制造", "经营范围：建筑材料销售；水泥制品制造"),
        ("此致\n敬礼!", "此致\n敬礼！"),
        ("是否同意?", "是否同意？"),
        ("北京某投资中心(有限合伙)", "北京某投资中心（有限合伙）"),
        ("人民币壹佰万元整(¥1,000,000.00)", "人民币壹佰万元整（¥1,000,000.00）"),
        ("(1)借款用途", "（1）借款用途"),
        ("代码为91110108MAC225ARXR, 具有", "代码为91110108MAC225ARXR，具有"),  # a code, then Chinese
        (
            "(除依法须经批准的项目外，凭\n营业执照依法自主开展经营活动)。",
            "（除依法须经批准的项目外，凭\n营业执照依法自主开展经营活动）。",
        ),
        ("鸿达担函【2023]37号", "鸿达担函〔2023〕37号"),
        ("不动产单元号 ”330205384327GB", "不动产单元号330205384327GB"),  # a quote nothing opened
    ],
)
def test_ascii_punctuation_beside_chinese_becomes_full_width(read: str, stored: str) -> None:
    assert join_cjk(cjk_punctuation(read)) == stored


@pytest.mark.parametrize(
    "text",
    [
        "金额 1,000,000.00 元",
        "会议时间 10:30",
        "网址：http://www.gsxt.gov.cn?id=1",
        "HT-2024-0173",
        "Contract No. HT-2024-0173, Amount: USD 1,250,000.00 (one million two hundred)",
        'Beijing Hongda Technology Co., Ltd. (the "Lender")',
        "《民法典》〈附件〉",
        "以下简称“债\n权人”）",  # a quotation may wrap
    ],
)
def test_codes_numbers_and_english_keep_their_punctuation(text: str) -> None:
    assert cjk_punctuation(text) == text


def test_english_word_before_chinese_keeps_its_colon() -> None:
    assert cjk_punctuation("Amount: 壹佰万元") == "Amount: 壹佰万元"


@pytest.mark.parametrize(
    ("read", "stored"),
    [
        ("（小写：#10,000,000.00）", "（小写：¥10,000,000.00）"),
        ("（小写：习5,000,000.00）", "（小写：¥5,000,000.00）"),
        ("宗地面积38761.79m'/房屋建筑面积", "宗地面积38761.79㎡/房屋建筑面积"),
        ("16267.93m:", "16267.93㎡"),
        ("24117.10mm使用期限", "24117.10㎡使用期限"),
        ("钢板厚5mm，宽2m", "钢板厚5mm，宽2m"),  # not areas
        ("编号#12", "编号#12"),
    ],
)
def test_yuan_and_square_metre_look_alikes_are_repaired(read: str, stored: str) -> None:
    assert cjk_symbols(read) == stored


def test_noise_words_and_scraps_are_dropped_but_doubtful_chinese_kept() -> None:
    lines = [
        line(("不动产", 96), ("单元号", 90), ("。”", 1), ("330108", 90)),
        line(("-和", 14)),  # a scrap of a page border
        line(("壹", 8), ("亿", 0), ("元整", 90)),
    ]
    assert [x.text for x in without_noise(lines)] == ["不动产单元号330108", "壹亿元整"]


def test_page_text_sets_chinese_punctuation_without_spaces() -> None:
    lines = [line(("甲方", 90), ("(", 90), ("出借人", 90), (")", 90), (":", 90), ("北京", 90))]
    assert page_text(lines) == "甲方（出借人）：北京"
