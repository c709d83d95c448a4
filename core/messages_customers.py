"""The catalogue's part for customer files (客户档案): profile checks, contacts, the timeline, and their pages
(merged into core.messages.CATALOGUE).

Messages about one field carry its name in both languages (field_zh, field_en), so each language names the
field in its own words.
"""

from __future__ import annotations


def _m(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    # unified social credit codes typed by a person: the refusal names why
    "uscc.length": _m(
        "统一社会信用代码 {code} 无效：应为 18 位",
        "Invalid unified social credit code {code}: it has 18 characters",
    ),
    "uscc.authority": _m(
        "统一社会信用代码 {code} 无效：第 1 位（登记管理部门）应为 1–9、A、N 或 Y",
        "Invalid unified social credit code {code}: the first character (registering authority) is 1–9, A, N or Y",
    ),
    "uscc.region": _m(
        "统一社会信用代码 {code} 无效：第 2–8 位（机构类别和行政区划码）应为数字",
        "Invalid unified social credit code {code}: characters 2–8 (kind of organisation and region) are digits",
    ),
    "uscc.characters": _m(
        "统一社会信用代码 {code} 无效：含有不允许的字符（不使用 I、O、Z、S、V）",
        "Invalid unified social credit code {code}: it has characters a code never uses (I, O, Z, S, V)",
    ),
    "uscc.checksum": _m(
        "统一社会信用代码 {code} 无效：校验位不符，请核对是否抄错",
        "Invalid unified social credit code {code}: the check character does not match; check for a typo",
    ),
    # aliases (short names, issue 18)
    "customer.alias_invalid": _m(
        "别名“{alias}”无效：应为 {low}–{high} 个字符",
        "Alias “{alias}” is invalid: it has {low}–{high} characters",
    ),
    "customer.alias_is_name": _m(
        "别名“{alias}”就是客户名称本身", "Alias “{alias}” is the customer's name itself"
    ),
    "customer.alias_unknown": _m("客户 {id} 没有别名“{alias}”", "Customer {id} has no alias “{alias}”"),
    # the profile
    "customer.field_unknown": _m(
        "客户档案没有字段 {field}（可用：{known}）", "A customer file has no field {field} (known: {known})"
    ),
    "customer.name_required": _m("请填写客户名称", "Give the customer's name"),
    "customer.too_long": _m(
        "{field_zh}过长：最多 {limit} 个字", "{field_en} is too long: at most {limit} characters"
    ),
    "customer.money_invalid": _m(
        "{field_zh}金额无效：{value}（以元为单位，最多两位小数，不能为负）",
        "{field_en}: invalid amount {value} (in yuan, at most two decimals, not negative)",
    ),
    "customer.date_invalid": _m(
        "{field_zh}日期无效：{value}（格式 YYYY-MM-DD）", "{field_en}: invalid date {value} (YYYY-MM-DD)"
    ),
    "customer.choice_unknown": _m(
        "{field_zh}不能为 {value}（可选：{known}）", "{field_en} cannot be {value} (choose from {known})"
    ),
    "customer.email_invalid": _m("电子邮箱地址无效：{value}", "Invalid e-mail address: {value}"),
    "customer.credit_code_taken": _m(
        "统一社会信用代码 {code} 已属于客户档案 {id}（{name}），不能重复建档",
        "The unified social credit code {code} already belongs to customer file {id} ({name}); no second file",
    ),
    "customer.name_taken": _m(
        "已有同名客户档案 {id}（{name}），不能重复建档",
        "Customer file {id} ({name}) already has this name; no second file",
    ),
    "customer.stale_days_invalid": _m(
        "天数应在 0 到 36500 之间：{days}", "The number of days must be between 0 and 36500: {days}"
    ),
    "customer.sort_unknown": _m(
        "无法按 {sort} 排序（可选：{known}）", "Cannot sort by {sort} (choose from {known})"
    ),
    "customer.open_forbidden": _m(
        "客户档案由业务人员、部门经理或档案管理员建立",
        "Customer files are opened by staff, managers or archivists",
    ),
    "customer.edit_forbidden": _m(
        "客户档案的资料、联系人和往来记录由其负责人、所属部门经理或经理修改",
        "A customer file's profile, contacts and timeline are changed by its owner, its department's manager "
        "or a manager",
    ),
    "customer.approve_forbidden": _m(
        "投诉处理由总经理审批", "The handling of a complaint is approved by the general manager"
    ),
    # contacts and the timeline
    "contact.name_required": _m(
        "请填写联系人姓名（最多 100 个字）", "Give the contact's name (at most 100 characters)"
    ),
    "entry.kind_unknown": _m(
        "没有这种记录类型：{kind}（可选：{known}）", "No such kind of entry: {kind} (known: {known})"
    ),
    "entry.text_required": _m("请填写记录内容", "Write what happened"),
    "entry.in_future": _m("记录日期不能晚于今天：{date}", "An entry cannot be dated after today: {date}"),
    "entry.not_found": _m("往来记录 {id} 不存在", "Timeline entry {id} does not exist"),
    "entry.not_waiting": _m(
        "往来记录 {id} 无需审批或已审批", "Timeline entry {id} is not waiting for approval"
    ),
    # the audit trail's names for what was done
    "ui.action.customer.add": _m("建立客户档案", "Opened a customer file"),
    "ui.action.customer.edit": _m("修改客户资料", "Changed a customer's profile"),
    "ui.action.customer.contact": _m("添加联系人", "Added a contact"),
    "ui.action.customer.note": _m("添加往来记录", "Added a timeline entry"),
    "ui.action.customer.note_approve": _m("审批投诉处理", "Approved a complaint's handling"),
    # field names
    "ui.customer.field.name": _m("客户名称", "Name"),
    "ui.customer.field.credit_code": _m("统一社会信用代码", "Unified social credit code"),
    "ui.customer.field.legal_rep": _m("法定代表人", "Legal representative"),
    "ui.customer.field.registered_address": _m("注册地址", "Registered address"),
    "ui.customer.field.business_address": _m("经营地址", "Business address"),
    "ui.customer.field.province": _m("省份", "Province"),
    "ui.customer.field.city": _m("城市", "City"),
    "ui.customer.field.phone": _m("电话", "Phone"),
    "ui.customer.field.fax": _m("传真", "Fax"),
    "ui.customer.field.email": _m("电子邮箱", "E-mail"),
    "ui.customer.field.website": _m("网址", "Website"),
    "ui.customer.field.industry": _m("所属行业", "Industry"),
    "ui.customer.field.nature": _m("企业性质", "Nature of the business"),
    "ui.customer.field.registered_capital": _m("注册资本", "Registered capital"),
    "ui.customer.field.founded_on": _m("成立日期", "Founded"),
    "ui.customer.field.business_scope": _m("经营范围", "Business scope"),
    "ui.customer.field.kind": _m("客户类别", "Kind"),
    "ui.customer.field.grade": _m("客户等级", "Grade"),
    "ui.customer.field.credit_standing": _m("资信状况", "Credit standing"),
    "ui.customer.field.credit_limit": _m("信用额度", "Credit limit"),
    "ui.customer.field.department": _m("所属部门", "Department"),
    "ui.customer.field.owner": _m("负责人", "Owner"),
    "ui.customer.field.status": _m("状态", "Status"),
    "ui.customer.field.title": _m("职务", "Title"),
    "ui.customer.field.text": _m("记录内容", "Text"),
    "ui.customer.field.former_names": _m("曾用名", "Former names"),
    "ui.customer.field.status_on": _m("状态日期", "Status since"),
    "ui.customer.field.status_reason": _m("状态原因", "Reason for the status"),
    "ui.customer.field.last_contact": _m("最近联系", "Last contact"),
    "ui.customer_kind.distributor": _m("经销商", "Distributor"),
    "ui.customer_kind.end_customer": _m("终端客户", "End customer"),
    "ui.entry_kind.visit": _m("拜访", "Visit"),
    "ui.entry_kind.call": _m("电话", "Call"),
    "ui.entry_kind.complaint": _m("投诉", "Complaint"),
    "ui.entry_kind.repair": _m("报修", "Repair request"),
    "ui.entry_kind.survey": _m("满意度调查", "Satisfaction survey"),
    "ui.entry_kind.change": _m("重大变更", "Major change"),
    "ui.entry_kind.document": _m("档案文件", "Document"),
    "ui.entry_state.recorded": _m("已记录", "Recorded"),
    "ui.entry_state.needs_approval": _m("待总经理审批", "Awaiting the general manager"),
    "ui.entry_state.approved": _m("已审批", "Approved"),
    # the pages
    "ui.customers.add": _m("新建客户档案", "Open a customer file"),
    "ui.customers.add_hint": _m(
        "首次接触客户即可建档，无需任何文件；之后扫描的文件按信用代码或名称自动归入。",
        "Open the file at first contact, with or without any document; documents scanned later are matched "
        "to it by credit code, then by name.",
    ),
    "ui.customers.current": _m("现有客户", "Current customers"),
    "ui.customers.ended": _m("已结束和流失的客户", "Former and lost customers"),
    "ui.customers.kind": _m("类别", "Kind"),
    "ui.customers.grade": _m("等级", "Grade"),
    "ui.customers.industry": _m("行业", "Industry"),
    "ui.customers.region": _m("地区（省或市）", "Region (province or city)"),
    "ui.customers.stale_days": _m("超过若干天未更新", "Not updated for N days"),
    "ui.customers.sort": _m("排序", "Sort by"),
    "ui.customers.sort.name": _m("名称（拼音）", "Name (pinyin)"),
    "ui.customers.sort.grade": _m("等级", "Grade"),
    "ui.customers.sort.last_contact": _m("最近联系", "Last contact"),
    "ui.customers.last_contact": _m("最近联系", "Last contact"),
    "ui.customers.closed": _m("无权查看", "Not open to you"),
    "ui.customers.stale": _m("超过一个月未更新", "Not updated for a month"),
    "ui.customers.previous": _m("上一页", "Previous"),
    "ui.customers.next": _m("下一页", "Next"),
    "ui.customers.similar": _m(
        "已建档。以下客户名称相近，请确认不是同一客户：",
        "File opened. These names are very similar; check it is not a duplicate:",
    ),
    "ui.customers.profile": _m("客户资料", "Profile"),
    "ui.customers.profile_hidden": _m(
        "您无权查看该客户的资料、联系人和往来记录；可申请查阅整个客户档案。",
        "The profile, contacts and timeline of this file are not open to you; you may request access to the "
        "whole file.",
    ),
    "ui.customers.contacts": _m("联系人", "Contacts"),
    "ui.customers.no_contacts": _m("尚无联系人", "No contacts yet"),
    "ui.customers.add_contact": _m("添加联系人", "Add a contact"),
    "ui.customers.contact_name": _m("姓名", "Name"),
    "ui.customers.contact_phones": _m("电话（多个用逗号分隔）", "Phones (separated by commas)"),
    "ui.customers.birthday": _m("生日", "Birthday"),
    "ui.customers.preferences": _m("爱好与偏好", "Preferences"),
    "ui.customers.notes": _m("备注", "Notes"),
    "ui.customers.timeline": _m("往来记录", "Timeline"),
    "ui.customers.no_timeline": _m("尚无往来记录", "Nothing on the timeline yet"),
    "ui.customers.add_note": _m("添加往来记录", "Add to the timeline"),
    "ui.customers.entry_kind": _m("类型", "Kind"),
    "ui.customers.entry_date": _m("日期", "Date"),
    "ui.customers.recorded_by": _m("记录人", "Recorded by"),
    "ui.customers.approve": _m("审批通过", "Approve"),
    "ui.customers.documents_title": _m("档案文件", "Documents"),
    "ui.customers.edit": _m("修改客户资料", "Edit the profile"),
    "ui.customers.edit_hint": _m(
        "只修改需要变更的项；每次修改都连同理由和修改前后的值记入历史。金额以元为单位。",
        "Change only what needs changing; every change is kept in the history with its reason and the values "
        "before and after. Amounts are in yuan.",
    ),
    "ui.customers.reason": _m("变更理由", "Reason for the change"),
    "ui.customers.history": _m("修改历史", "History"),
    "ui.customers.no_history": _m("尚无修改", "No changes yet"),
    "ui.customers.before": _m("修改前", "Before"),
    "ui.customers.after": _m("修改后", "After"),
    "ui.customers.suggested": _m(
        "从营业执照等文件中读取的值", "Values read from the licence and other documents"
    ),
    "ui.customers.accept": _m("采用", "Accept"),
    "ui.customers.accept_reason": _m("采用从文件中读取的值", "Accepted a value read from a document"),
    "ui.customers.saved": _m("已保存", "Saved"),
    "ui.customers.none_selected": _m("—", "—"),
    "ui.customers.yuan": _m("{amount} 元", "¥{amount}"),
}
