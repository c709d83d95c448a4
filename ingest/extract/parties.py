"""The customer named in a document: the counterparty, never the archive's own organisation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from ingest.extract.textnorm import HAN
from ingest.extract.uscc import CreditCode

# label -> (base confidence, a personal name is acceptable)
_PARTY_LABELS: dict[str, tuple[float, bool]] = {
    "客户名称": (0.75, False), "客户单位": (0.7, False), "客户姓名": (0.7, True), "企业名称": (0.7, False),
    "单位名称": (0.65, False), "公司名称": (0.65, False), "名称": (0.65, False), "权利人": (0.75, True),
    "借款人": (0.7, True), "被担保人": (0.7, True), "委托人": (0.65, True), "委托方": (0.65, True),
    "债务人": (0.6, True), "抵押人": (0.6, True), "申请人": (0.6, True), "申请单位": (0.6, False),
    "乙方": (0.6, True), "甲方": (0.6, True), "丙方": (0.5, True), "致": (0.6, False), "尊敬的": (0.55, False),
}  # fmt: skip
_CONTRACT_SIDES = ("甲方", "乙方", "丙方")
# Labels that must start a line (名称 and 致 are common inside other words and sentences).
_LINE_START = ("名称", "致", "尊敬的")
# Printed forms (licences, deeds) set these labels apart from the value without a colon.
_NO_COLON = ("致", "尊敬的", "名称", "权利人", "客户名称", "企业名称", "单位名称")
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s,;。|]))(?P<label>" + "|".join(sorted(_PARTY_LABELS, key=len, reverse=True)) + r")"
    # OCR reads the role's brackets as any bracket shape: 乙方〈借款人) as often as 乙方(借款人).
    r"(?:\s*[(〈《「【〔<](?P<role>[^()〈〉《》「」【】〔〕<>\n]{1,12})[)〉》」】〕>])?\s*(?P<colon>:)?\s*",
    re.MULTILINE,
)
# Where a party's name ends: the next field of its block, or a signature mark.
_FIELD = re.compile(
    r"(?:地址|住所|法定代表人|法人代表|负责人|联系人|联系电话|电话|手机|传真|邮编|邮政编码|统一社会信用代码|"
    r"社会信用代码|证件号码|身份证号|身份证|开户行|开户银行|账号|签字|签章|盖章|\(盖章\)|\(公章\)|\(签字\)|日期|"
    r"类型|注册资本|成立日期|共有情况|坐落)"
)
_ORG_SUFFIX = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|分公司|公司|集团|厂|中心|合作社|联合社|事务所|商行|商店|店|银行|支行|分行|"
    r"信用社|医院|学校|学院|大学|研究院|研究所|协会|商会|基金会|\(有限合伙\)|\(普通合伙\)|合伙企业|工作室|经营部|"
    r"门市部|营业部|管理处|委员会|局|馆|农场|牧场|超市|酒店|宾馆|药房|诊所)$"
)
_NOT_NAMES = {"本公司", "贵公司", "我公司", "该公司", "公司", "有限公司", "我司", "贵司", "客户", "借款人", "出借人",
              "申请人", "委托人", "权利人", "甲方", "乙方", "丙方", "本人", "先生", "女士"}  # fmt: skip
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔"
    "谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文施洪"
    "辛柯庄樊葛翟牛关左章伍兰聂齐岳鲁詹申凌倪安彭包柴艾苗温甘霍单车骆陈耿解邢蓝游季焦阎华俞殷谷芦麦"
)
_COMPOUND_SURNAME = re.compile("欧阳|司马|诸葛|上官|东方|皇甫|尉迟|公孙|慕容|令狐|司徒|夏侯")
_TRAILING_JUNK = re.compile(r"(?:\((?:盖章|公章|签字|签章|章)\)|盖章|签字|签章|[\s_\-|·.。,;:丨、\[\]])+$")
_NAME_CHARS = re.compile(rf"^[{HAN}A-Za-z0-9()·&]+$")


@dataclass(frozen=True)
class CustomerCandidate:
    """A party that may be the document's customer, with a linked credit code and 0..1 confidence."""

    name: str
    credit_code: str | None
    label: str
    confidence: float
    pos: int = field(default=-1, compare=False, repr=False)


def fold_name(name: str) -> str:
    """A name folded for comparison: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def is_own_org(name: str, org_name: str) -> bool:
    """True if name is the archive's own organisation, one of its branches, or an OCR misreading of it."""
    # A misreading: within one character of our length and SequenceMatcher ratio >= 0.9 (one wrong
    # character in ten). Taking ourselves for a customer is the worse mistake; a longer name that
    # merely contains ours (福建鸿达…) is another company.
    a, b = fold_name(name), fold_name(org_name)
    if not a or not b:
        return False
    if a == b or a.startswith(b):  # ours, or one of our branches (…有限公司福州分公司)
        return True
    return abs(len(a) - len(b)) <= 1 and SequenceMatcher(None, a, b).ratio() >= 0.9


def is_org_name(name: str) -> bool:
    """True if name reads like an organisation (ends with 有限公司, 厂, 中心, 合作社 ...)."""
    suffix = _ORG_SUFFIX.search(name)
    return bool(
        suffix
        and name not in _NOT_NAMES
        and suffix.start() >= 2
        and name[0] not in "本贵我该其此"
        and 4 <= len(name) <= 60
        and _NAME_CHARS.match(name)
    )


def is_person_name(name: str) -> bool:
    """True if name reads like a Chinese personal name (2-4 characters beginning with a surname)."""
    if not re.fullmatch(f"[{HAN}]{{2,4}}", name) or name in _NOT_NAMES:
        return False
    if _COMPOUND_SURNAME.match(name):
        return len(name) >= 3
    return name[0] in _SURNAMES and not re.search("[人方司先女士生]$", name)


def _clean(value: str) -> str:
    # A name is at most 60 characters; a longer tail is another field (and would make the junk strip slow).
    value = re.split(r"\s{2,}|\t", value.strip()[:100], maxsplit=1)[0]
    cut = _FIELD.search(value)
    if cut and cut.start() > 0:
        value = value[: cut.start()]
    value = _TRAILING_JUNK.sub("", re.split(r"[,;。:]", value, maxsplit=1)[0])
    # A closing bracket belongs to the name ((有限合伙)) unless it closes nothing.
    while value.endswith("(") or (value.endswith(")") and value.count(")") > value.count("(")):
        value = _TRAILING_JUNK.sub("", value[:-1])
    return value.strip(" _-|·")


def _names(value: str, allow_person: bool) -> list[tuple[str, bool]]:
    """The names in a label's value (several persons may share one 权利人 line), each with is_person."""
    name = _clean(value).replace(" ", "")
    if is_org_name(name):
        return [(name, False)]
    if allow_person:
        people = [p for p in re.split(r"[、,;/]", name) if p]
        if people and all(is_person_name(p) for p in people):
            return [(p, True) for p in people]
    return []


def find_customers(text: str, codes: list[CreditCode], *, org_name: str) -> list[CustomerCandidate]:
    """Counterparty candidates best first; a credit code in the same party block is linked to the name."""
    return find_parties(text, codes, org_name=org_name)[0]


def find_parties(
    text: str, codes: list[CreditCode], *, org_name: str
) -> tuple[list[CustomerCandidate], set[str]]:
    """Customer candidates best first, and the credit codes found in our own organisation's blocks."""
    labels = [m for m in _LABEL_RE.finditer(text) if _label_ok(text, m)]
    # A line that is just our own name (a letter's sign-off, a stamp) starts a block of ours.
    own_lines = [m.start() for m in re.finditer(r"^.+$", text, re.MULTILINE) if _is_own_line(m[0], org_name)]
    boundaries = sorted({m.start() for m in labels} | set(own_lines))
    raw: list[tuple[str, str, float, int, int, bool]] = []  # name, label, base, pos, block end, person
    own_sides: set[str] = set()
    own_codes: set[str] = set()
    for match in labels:
        label = match["label"]
        base, allow_person = _PARTY_LABELS[label]
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        value = text[match.end() : line_end]
        names = _names(value, allow_person)
        if not names and line_end < len(text):
            # A name broken over two lines by the scan: try the value joined with the next line.
            next_line = text[line_end + 1 :].split("\n", 1)[0]
            if re.match(f"[{HAN}]", next_line) and ":" not in next_line[:8]:
                names = _names(value.strip() + next_line, allow_person)
        block_end = _next_boundary(boundaries, match.start(), len(text), match.end() + 400)
        for name, person in names:
            if is_own_org(name, org_name):
                own_sides.add(label)
                own_code = _linked_code(codes, match.start(), block_end, label)
                if own_code:
                    own_codes.add(own_code)
                continue
            raw.append((name, label, base, match.start(), block_end, person))
    for start in own_lines:
        code = _linked_code(codes, start, _next_boundary(boundaries, start, len(text), start + 400), "")
        if code:
            own_codes.add(code)
    merged: dict[str, CustomerCandidate] = {}
    for name, label, base, pos, block_end, person in raw:
        code = _linked_code(codes, pos, block_end, label)
        confidence = base + (0.15 if code else 0) - (0.1 if person else 0)
        if label in _CONTRACT_SIDES and own_sides & set(_CONTRACT_SIDES) and label not in own_sides:
            confidence += 0.2  # the other side of a contract we signed is our customer
        candidate = CustomerCandidate(name, code, label, round(min(confidence, 0.99), 2), pos)
        previous = merged.get(name)
        if previous:
            # Named again (e.g. in the signature block): keep the stronger mention, gain a little.
            best = previous if previous.confidence >= candidate.confidence else candidate
            candidate = replace(
                best,
                credit_code=best.credit_code or previous.credit_code or code,
                confidence=round(min(best.confidence + 0.05, 0.99), 2),
            )
        merged[name] = candidate
    # A code in our own block is ours even if a sloppy layout also puts it near a customer's name.
    customers = [replace(c, credit_code=None) if c.credit_code in own_codes else c for c in merged.values()]
    return sorted(customers, key=lambda c: (-c.confidence, c.pos)), own_codes


def _label_ok(text: str, match: re.Match[str]) -> bool:
    label = match["label"]
    if label in _LINE_START:
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start : match.start()].strip():
            return False
    if match["colon"]:
        return True
    if label not in _NO_COLON:
        return False
    line_start = text.rfind("\n", 0, match.start()) + 1
    return not text[line_start : match.start()].strip()


def _is_own_line(line: str, org_name: str) -> bool:
    line = line.strip()
    if not org_name or len(line) > len(org_name) + 12:
        return False
    return is_own_org(_TRAILING_JUNK.sub("", line), org_name)


def _next_boundary(boundaries: list[int], start: int, end: int, limit: int) -> int:
    return min(next((b for b in boundaries if b > start), end), limit)


def _linked_code(codes: list[CreditCode], pos: int, block_end: int, label: str) -> str | None:
    inside = [(p, c.value) for c in codes for p in c.positions if pos <= p < block_end]
    if inside:
        return min(inside)[1]
    if label in ("名称", "企业名称", "单位名称"):
        # A business licence prints the code above the name.
        before = [(p, c.value) for c in codes for p in c.positions if pos - 300 <= p < pos]
        if before:
            return max(before)[1]
    return None
