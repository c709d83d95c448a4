"""Generated parties: customer companies, people, banks, phone numbers."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from bench.uscc import DIVISIONS, make_uscc

ORG_NAME = "鸿达融资担保有限公司"
ORG_ADDRESS = "浙江省杭州市西湖区文三路478号华星时代广场A座12层"
ORG_LEGAL_REP = "陈国栋"

_TRADE_NAMES = (
    "瑞丰",
    "恒信",
    "华盛",
    "鼎泰",
    "宏远",
    "永昌",
    "金诚",
    "德润",
    "天瑞",
    "中联",
    "嘉禾",
    "汇通",
    "新元",
    "博远",
    "润达",
    "盛世",
    "安泰",
    "兴业",
    "明辉",
    "远航",
    "正和",
    "东升",
    "锦程",
    "信达",
    "海川",
    "同创",
    "凯旋",
    "康宁",
    "朗润",
    "铭泰",
    "卓越",
    "九鼎",
    "星河",
    "长青",
    "创联",
    "富源",
)
_INDUSTRIES = (
    ("精密机械", "机械设备研发、制造、销售；五金产品批发；金属加工机械制造"),
    ("纺织品", "面料纺织加工；针纺织品及原料销售；服装制造；货物进出口"),
    ("电子科技", "电子元器件制造；集成电路设计；软件开发；技术服务、技术开发、技术咨询"),
    ("建材", "建筑材料销售；水泥制品制造；轻质建筑材料制造；普通货物仓储服务"),
    ("食品", "食品生产；食品经营；农副产品销售；食用农产品初加工"),
    ("物流", "道路货物运输；国内货物运输代理；装卸搬运；供应链管理服务"),
    ("新材料科技", "新材料技术研发；塑料制品制造；合成材料销售；技术进出口"),
    ("贸易", "金属材料销售；化工产品销售（不含许可类化工产品）；日用百货销售；货物进出口"),
    ("建筑工程", "建设工程施工；住宅室内装饰装修；园林绿化工程施工；市政设施管理"),
    ("医疗器械", "第二类医疗器械销售；医疗器械研发；卫生用品和一次性使用医疗用品销售"),
    ("汽车零部件", "汽车零部件及配件制造；汽车零配件批发；模具制造；通用零部件制造"),
    ("包装印刷", "包装装潢印刷品印刷；纸制品制造；塑料包装箱及容器制造"),
)
_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
_TYPES = {
    "有限公司": "有限责任公司（自然人投资或控股）",
    "股份有限公司": "股份有限公司（非上市、自然人投资或控股）",
    "有限责任公司": "有限责任公司（自然人独资）",
}
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁沈"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文斌鹏辉玉兰红海波宁晨欣怡浩然子轩雨萱"
_ROADS = (
    "文三路",
    "学院路",
    "建设大道",
    "人民路",
    "中山路",
    "解放路",
    "科技园路",
    "滨江大道",
    "工业园路",
    "新华路",
)
_BANKS = (
    "中国工商银行股份有限公司",
    "中国农业银行股份有限公司",
    "中国银行股份有限公司",
    "中国建设银行股份有限公司",
    "交通银行股份有限公司",
    "招商银行股份有限公司",
    "杭州银行股份有限公司",
    "浙商银行股份有限公司",
)


@dataclass(frozen=True)
class Customer:
    """A customer company as its business licence describes it."""

    name: str
    credit_code: str
    company_type: str
    legal_rep: str
    capital_fen: int
    established: dt.date
    address: str
    province: str
    city: str
    district: str
    business_scope: str
    contact: str
    phone: str


def person_name(rng: random.Random) -> str:
    """A plausible two- or three-character Chinese name."""
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def phone(rng: random.Random) -> str:
    """A mobile number in the usual 11-digit form."""
    return (
        rng.choice(("138", "139", "137", "135", "186", "158", "150", "177")) + f"{rng.randrange(10**8):08d}"
    )


def bank_branch(rng: random.Random, city: str, district: str) -> str:
    """A bank branch named after the customer's district."""
    return (
        rng.choice(_BANKS) + city.removesuffix("市") + district.removesuffix("区").removesuffix("新") + "支行"
    )


def make_customers(rng: random.Random, count: int = 50) -> list[Customer]:
    """A pool of distinct customer companies with valid credit codes."""
    customers: list[Customer] = []
    names: set[str] = set()
    while len(customers) < count:
        division, province, city, district = rng.choice(DIVISIONS)
        industry, scope = rng.choice(_INDUSTRIES)
        form = rng.choice(_FORMS)
        name = city.removesuffix("市") + rng.choice(_TRADE_NAMES) + industry + form
        if name in names:
            continue
        names.add(name)
        street = f"{rng.choice(_ROADS)}{rng.randint(1, 999)}号"
        if rng.random() < 0.5:
            street += f"{rng.randint(1, 12)}幢{rng.randint(1, 20)}0{rng.randint(1, 9)}室"
        customers.append(
            Customer(
                name=name,
                credit_code=make_uscc(rng, division),
                company_type=_TYPES[form],
                legal_rep=person_name(rng),
                capital_fen=rng.choice((100, 200, 500, 800, 1000, 2000, 3000, 5000, 10000)) * 10000 * 100,
                established=dt.date(rng.randint(1998, 2021), rng.randint(1, 12), rng.randint(1, 28)),
                address=("" if province == city else province) + city + district + street,
                province=province,
                city=city,
                district=district,
                business_scope="一般项目："
                + scope
                + "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。",
                contact=person_name(rng),
                phone=phone(rng),
            )
        )
    return customers
