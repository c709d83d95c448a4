"""Short names of customer files (issue 18): 明远 and 明远贸易 for 上海明远贸易有限公司, learned from the name and
edited by staff, so a document that names the customer short finds its file and a search for it ranks the
customer's records first. Kept in a table of their own: the customer model stays as it is.

A learned alias is the name without its region prefix (上海, 武汉市, 江苏省苏州) and its company form (有限公司,
股份有限公司, 集团); and that core less its trade (贸易, 化工, 精密机械) where two characters or more are left.
Staff add aliases a name does not give (an English or a group's name) and remove wrong ones; a removed learned
alias stays removed (it is kept, marked, so learning again does not bring it back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import audit
from core.db import Base, utcnow
from core.errors import DanganError
from records.customers import normalise_name
from records.models import Customer

ALIAS_LENGTH = 100
MIN_ALIAS = 2  # characters: one character is never a name
_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|"
    "贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_CITIES = (
    "苏州|无锡|常州|南京|南通|扬州|徐州|杭州|宁波|温州|绍兴|嘉兴|金华|台州|湖州|武汉|长沙|成都|广州|深圳|东莞|佛山|"
    "珠海|厦门|福州|泉州|青岛|济南|烟台|潍坊|大连|沈阳|长春|哈尔滨|郑州|洛阳|西安|合肥|芜湖|南昌|昆明|贵阳|南宁|"
    "太原|石家庄|唐山|保定|兰州|银川|西宁|乌鲁木齐|呼和浩特|海口|三亚|拉萨|昆山|江阴|义乌|慈溪|余姚"
)
# One or two regions, each with its 省/市/区/县 or without (江苏省苏州市, 上海, 武汉市).
_REGION = re.compile(rf"^(?:(?:{_PROVINCES})(?:省|市|自治区)?)?(?:(?:{_CITIES})(?:市|区|县)?)?")
_FORM = re.compile(
    r"(?:集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|分公司|公司|集团|厂|\(有限合伙\)|\(普通合伙\))$"
)
_TRADE = re.compile(
    r"(?:国际贸易|进出口|贸易|商贸|实业|科技|信息技术|技术|化工|精密机械|机械|电子|电器|纺织|物流|建设|建筑|工程|"
    r"投资|发展|控股|置业|房地产|食品|医药|生物|新材料|材料|能源|环保|设备|制造|服饰|服装|汽车|包装|印刷|咨询|"
    r"管理|网络|软件|文化|传媒|农业|商务)+$"
)


class CustomerAlias(Base):
    """A short name of a customer file; source learned (from its name) or staff; removed ones stay, marked."""

    __tablename__ = "customer_alias"
    __table_args__ = (UniqueConstraint("customer_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(ALIAS_LENGTH), index=True)
    source: Mapped[str] = mapped_column(String(10))  # learned | staff
    removed: Mapped[bool] = mapped_column(default=False)


@dataclass(frozen=True)
class AliasInfo:
    """One alias as shown and exported."""

    customer_id: int
    alias: str
    source: str


def learned_aliases(name: str) -> list[str]:
    """The short names a company's name gives: without region and company form, and that less its trade."""
    key = normalise_name(name)
    core = _FORM.sub("", key)
    if core == key:
        return []  # not a company's name (a person, a bank branch): nothing safe to shorten
    core = _REGION.sub("", core) or core
    short = _TRADE.sub("", core)
    if not short:
        return []  # region, trade and form only (上海贸易有限公司): a short name would name any such firm
    aliases = [core] if len(core) >= MIN_ALIAS else []
    if len(short) >= MIN_ALIAS and short != core:
        aliases.append(short)
    return aliases


def aliases_of(session: Session, customer_id: int) -> list[AliasInfo]:
    """A file's aliases in use, learned first, then staff's, each alphabetically."""
    rows = session.scalars(
        select(CustomerAlias)
        .where(CustomerAlias.customer_id == customer_id, CustomerAlias.removed.is_(False))
        .order_by(CustomerAlias.source, CustomerAlias.alias)
    )
    return [AliasInfo(row.customer_id, row.alias, row.source) for row in rows]


def alias_names(session: Session, customer_ids: list[int]) -> dict[int, list[str]]:
    """Aliases in use by file, for many files at once (the search feed)."""
    found: dict[int, list[str]] = {}
    if not customer_ids:
        return found
    rows = session.execute(
        select(CustomerAlias.customer_id, CustomerAlias.alias)
        .where(CustomerAlias.customer_id.in_(customer_ids), CustomerAlias.removed.is_(False))
        .order_by(CustomerAlias.customer_id, CustomerAlias.alias)
    )
    for customer_id, alias in rows:
        found.setdefault(customer_id, []).append(alias)
    return found


def learn_aliases(session: Session, customer: Customer) -> list[str]:
    """Record the aliases the file's name gives that it does not have yet (nor had removed); returns them."""
    known = set(session.scalars(select(CustomerAlias.alias).where(CustomerAlias.customer_id == customer.id)))
    new = [alias for alias in learned_aliases(customer.name) if alias not in known]
    session.add_all(CustomerAlias(customer_id=customer.id, alias=a, source="learned") for a in new)
    session.flush()
    return new


def files_by_alias(session: Session, alias: str) -> list[int]:
    """The ids of the files that go by this alias (more than one: the alias does not tell them apart)."""
    key = normalise_name(alias)
    return list(
        session.scalars(
            select(CustomerAlias.customer_id)
            .where(CustomerAlias.alias == key, CustomerAlias.removed.is_(False))
            .order_by(CustomerAlias.customer_id)
        )
    )


def set_alias(
    session: Session,
    *,
    customer: Customer,
    alias: str,
    present: bool,
    actor: str,
    role: str = "",
    client: str = "",
) -> AliasInfo:
    """Add (present) or remove an alias of a file; audited as customer.alias. Refuses an empty or too long
    alias, and one that is the file's name."""
    key = normalise_name(alias)
    if len(key) < MIN_ALIAS or len(key) > ALIAS_LENGTH:
        raise DanganError("customer.alias_invalid", alias=alias, low=MIN_ALIAS, high=ALIAS_LENGTH)
    if key == customer.name:
        raise DanganError("customer.alias_is_name", alias=alias)
    row = session.scalar(
        select(CustomerAlias).where(CustomerAlias.customer_id == customer.id, CustomerAlias.alias == key)
    )
    if row is None and not present:
        raise DanganError("customer.alias_unknown", alias=alias, id=customer.id)
    if row is None:
        row = CustomerAlias(customer_id=customer.id, alias=key, source="staff")
        session.add(row)
    row.removed = not present
    # The file changed: the search feed re-reads its documents' entries (search.feed's stamps).
    customer.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.alias",
        object_type="customer",
        object_id=customer.id,
        client=client,
        details={"alias": key, "present": present},
    )
    return AliasInfo(customer.id, key, row.source)
