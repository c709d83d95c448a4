"""The catalogue's part for custody and the working-day calendar (merged into core.messages.CATALOGUE)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # the working-day calendar
    "calendar.uncovered": {
        "zh-CN": "工作日历没有 {day} 所在年份的节假日安排（已知 {first}–{last} 年），请更新 chinesecalendar 软件包",
        "en": "The working-day calendar has no holidays for the year of {day} (known: {first}–{last}); "
        "update the chinesecalendar package",
    },
    "calendar.negative": {
        "zh-CN": "工作日天数不能为负数：{n}",
        "en": "The number of working days cannot be negative: {n}",
    },
    # locations
    "custody.location.bad_path": {
        "zh-CN": "位置路径“{path}”无效：请用“/”分隔各级名称，例如 总部/档案室/A柜/2层/03盒",
        "en": "Invalid location path '{path}': separate the names with '/', e.g. 总部/档案室/A柜/2层/03盒",
    },
    "custody.location.bad_kind": {
        "zh-CN": "位置类型“{kind}”无效，可选：{kinds}",
        "en": "Invalid location kind '{kind}'; choose one of: {kinds}",
    },
    "custody.location.not_found": {"zh-CN": "位置“{path}”不存在", "en": "Location '{path}' does not exist"},
    "custody.location.exists": {"zh-CN": "位置“{path}”已存在", "en": "Location '{path}' already exists"},
    "custody.no_safe": {
        "zh-CN": "尚未登记保险柜：权证须存入保险柜，请先添加类型为 safe 的位置",
        "en": "No safe is registered: certificates are kept in the safe; add a location of kind safe first",
    },
    "custody.certificate_outside_safe": {
        "zh-CN": "权证须存放在保险柜内，“{path}”不在保险柜中",
        "en": "Certificates are kept in the safe; '{path}' is not in a safe",
    },
    # items and moves
    "custody.item.not_found": {"zh-CN": "实物档案 {id} 不存在", "en": "Paper item {id} does not exist"},
    "custody.item.bad_kind": {
        "zh-CN": "实物类型“{kind}”无效，可选：{kinds}",
        "en": "Invalid item kind '{kind}'; choose one of: {kinds}",
    },
    "custody.item.bad_count": {
        "zh-CN": "件数和页数都至少为 1（现为 {pieces} 件、{pages} 页）",
        "en": "Pieces and pages must each be at least 1 (given {pieces} pieces, {pages} pages)",
    },
    "custody.item.unlinked": {
        "zh-CN": "实物档案须关联一份档案或一个客户档案",
        "en": "A paper item must belong to a document or a customer file",
    },
    "custody.item.busy": {
        "zh-CN": "实物档案 {id} 已在出借单 {slip} 中，尚未办结",
        "en": "Paper item {id} is on loan slip {slip}, which is still open",
    },
    "custody.item.not_in_store": {
        "zh-CN": "实物档案 {id} 不在库中，无法出借",
        "en": "Paper item {id} is not in the archive and cannot be lent",
    },
    "custody.item.on_loan": {
        "zh-CN": "实物档案 {id} 已按出借单 {slip} 借出，须归还后才能移动",
        "en": "Paper item {id} is out on loan slip {slip}; it can be moved once returned",
    },
    "custody.item.denied": {
        "zh-CN": "您无权查阅实物档案 {id} 所属的档案",
        "en": "You may not read the records paper item {id} belongs to",
    },
    "custody.reason_required": {"zh-CN": "请填写移动原因", "en": "Please give the reason for the move"},
    # loans
    "custody.loan.not_found": {"zh-CN": "出借单 {id} 不存在", "en": "Loan {id} does not exist"},
    "custody.loan.purpose_required": {
        "zh-CN": "请填写借阅用途",
        "en": "Please state the purpose of the loan",
    },
    "custody.loan.no_items": {"zh-CN": "出借单上没有实物档案", "en": "The loan slip names no paper items"},
    "custody.loan.bad_days": {
        "zh-CN": "借阅期限须为 1–60 个工作日（现为 {days}）",
        "en": "The loan term must be 1–60 working days (given {days})",
    },
    "custody.loan.wrong_state": {
        "zh-CN": "出借单 {id} 当前状态为“{status}”，不能进行此操作",
        "en": "Loan {id} is {status}; this step is not possible now",
    },
    "custody.loan.third_party": {
        "zh-CN": "不得代他人（{borrower}）借阅：借阅人须本人申请，档案不得转借",
        "en": "You cannot borrow for someone else ({borrower}): borrowers ask themselves; items are not lent on",
    },
    "custody.loan.approver_required": {
        "zh-CN": "借阅须由董事长、总经理或副总经理审批",
        "en": "Loans are approved by the chairman, the general manager or a deputy general manager",
    },
    "custody.loan.short_return": {
        "zh-CN": "出借单 {id} 归还时件数或页数不符，已登记异常 {incident}，借阅仍未办结",
        "en": "Loan {id} came back short in pieces or pages: incident {incident} is open and the loan stays open",
    },
    "custody.loan.not_yours": {"zh-CN": "出借单 {id} 不是您的", "en": "Loan {id} is not yours"},
}
