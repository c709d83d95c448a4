"""The catalogue's part for handovers (移交) and the company calendar (merged into core.messages.CATALOGUE)."""

from __future__ import annotations


def _m(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    # the company calendar
    "calendar.reason_required": _m(
        "请填写原因（例如：公司年会放假）", "Give a reason (e.g. company annual meeting)"
    ),
    "calendar.reason_too_long": _m("原因最长 {limit} 个字", "The reason may be at most {limit} characters"),
    "calendar.no_override": _m("{day} 没有公司自定日", "There is no company day on {day}"),
    "calendar.estimated": _m(
        "注意：{year} 年的法定节假日尚未收录（chinesecalendar 只到 {last} 年），该日期仅按周一至周五及公司自定日"
        "估算；请用“dangan custody calendar override add”录入国务院公布的放假和调休安排",
        "Note: the public holidays of {year} are not known yet (chinesecalendar covers up to {last}); the date "
        "is estimated on Monday to Friday and the company's days; enter the State Council's holidays and "
        "make-up days with 'dangan custody calendar override add'",
    ),
    "calendar.override.workday": _m("上班", "workday"),
    "calendar.override.holiday": _m("放假", "day off"),
    # handover lists: refusals
    "custody.handover.not_found": _m("移交清单 {id} 不存在", "Handover list {id} does not exist"),
    "custody.handover.no_lines": _m("移交清单至少要有一项资料", "A handover list needs at least one line"),
    "custody.handover.too_many_lines": _m(
        "一份移交清单最多 {limit} 项", "A handover list has at most {limit} lines"
    ),
    "custody.handover.bad_title": _m(
        "第 {position} 项缺少资料名称（最长 200 字）", "Line {position} has no title (at most 200 characters)"
    ),
    "custody.handover.bad_count": _m(
        "第 {position} 项的件数和页数无效（{pieces} 件、{pages} 页）",
        "Line {position} has invalid counts ({pieces} pieces, {pages} pages)",
    ),
    "custody.handover.bad_line": _m(
        "无法识别的清单项“{line}”：请写成 名称:件数:页数[:档案ID]",
        "Cannot read the line '{line}': write TITLE:PIECES:PAGES[:DOCUMENT_ID]",
    ),
    "custody.handover.bad_count_spec": _m(
        "无法识别的清点“{count}”：请写成 序号:件数:页数",
        "Cannot read the count '{count}': write LINE:PIECES:PAGES",
    ),
    "custody.handover.other_customer": _m(
        "第 {position} 项关联的档案 {id} 不属于该客户档案",
        "Line {position} names document {id}, which belongs to another customer file",
    ),
    "custody.handover.bad_kind": _m(
        "移交类型“{kind}”无效，可选：{kinds}", "Invalid handover kind '{kind}'; choose: {kinds}"
    ),
    "custody.handover.title_required": _m(
        "请填写事项名称（最长 200 字）", "Give the matter's title (at most 200 characters)"
    ),
    "custody.handover.bad_prefix": _m(
        "档案编号字头“{prefix}”无效（1–20 字，例如 鸿借字）",
        "Invalid number prefix '{prefix}' (1–20 characters, e.g. 鸿借字)",
    ),
    "custody.handover.same_person": _m(
        "审核人（B角）不能是移交人（A角）本人", "The reviewer (B) cannot be the preparer (A)"
    ),
    "custody.handover.certificates_need_file": _m(
        "权证移交清单须属于一份档案移交清单", "A certificates list belongs to a file's handover list"
    ),
    "custody.handover.bad_file": _m(
        "移交清单 {id} 不是同一客户的档案移交清单",
        "Handover list {id} is not a file list of the same customer",
    ),
    "custody.handover.certificates_exist": _m(
        "移交清单 {id} 已有权证移交清单", "Handover list {id} already has a certificates list"
    ),
    "custody.handover.file_has_no_file": _m(
        "只有权证移交清单才属于另一份清单", "Only a certificates list belongs to another list"
    ),
    "custody.handover.wrong_state": _m(
        "移交清单 {id} 当前状态为“{status}”，不能进行此操作",
        "Handover list {id} is '{status}'; this step is not possible now",
    ),
    "custody.handover.gaps": _m("清单序号不连续", "The list's line numbers are not continuous"),
    "custody.handover.unknown_lines": _m("清单中没有第 {positions} 项", "The list has no line {positions}"),
    "custody.handover.uncounted": _m(
        "第 {positions} 项尚未清点：请逐项清点件数和页数",
        "Line {positions} is not counted: count every line's pieces and pages",
    ),
    "custody.handover.mismatch": _m(
        "清点结果与清单不符（{lines}）：请退回移交人补齐，或填写原因签署例外后再签收",
        "The count does not match the list ({lines}): return it to the preparer, or sign an exception with a "
        "reason",
    ),
    "custody.handover.missing_required": _m(
        "退回时请写明缺少或需补充的资料", "Say what is missing when returning the list"
    ),
    "custody.handover.location_required": _m("请选择档案存放位置", "Choose where the file is put away"),
    "custody.handover.party_required": _m(
        "只有业务人员或部门经理可以编制移交清单", "Only staff or managers prepare handover lists"
    ),
    "custody.handover.not_preparer": _m(
        "只有移交清单 {id} 的移交人（A角）可以这样做",
        "Only the preparer (A) of handover list {id} may do this",
    ),
    "custody.handover.customer_required": _m("请选择客户档案", "Choose the customer file"),
    "custody.handover.reviewer_required": _m("请指定审核人（B角）", "Name the reviewer (B)"),
    "custody.handover.bad_reviewer": _m(
        "“{login}”不是可审核移交的在职业务人员或经理",
        "'{login}' is not an active member of staff or manager who can review a handover",
    ),
    "custody.handover.document_denied": _m(
        "您无权查阅档案 {id}，不能将其列入移交清单", "You may not read document {id}, so you cannot list it"
    ),
    "custody.handover.not_your_step": _m(
        "移交清单 {id} 不需要您签字", "Handover list {id} does not await your signature"
    ),
    "custody.handover.not_your_step_now": _m(
        "移交清单 {id} 当前状态为“{status}”，现在不需要您签字",
        "Handover list {id} is '{status}'; it does not await your signature now",
    ),
    "custody.handover.three_people": _m(
        "移交人、审核人和档案管理员须为三个不同的人",
        "The preparer, the reviewer and the archivist are three people",
    ),
    "custody.handover.not_yours": _m(
        "您不是移交清单 {id} 的当事人", "You are not a party to handover list {id}"
    ),
    # states and kinds
    "custody.handover.state.preparing": _m("待移交人签字", "awaiting the preparer"),
    "custody.handover.state.reviewing": _m("待审核", "under review"),
    "custody.handover.state.returned": _m("已退回补充", "returned for completion"),
    "custody.handover.state.accepting": _m("待档案室接收", "awaiting the archive"),
    "custody.handover.state.accepted": _m("已归档", "filed"),
    "custody.handover.kind.file": _m("档案", "file"),
    "custody.handover.kind.certificate": _m("权证", "certificates"),
    "custody.handover.owed.preparer": _m("移交人（A角）", "the preparer (A)"),
    "custody.handover.owed.reviewer": _m("审核人（B角）", "the reviewer (B)"),
    "custody.handover.owed.archivist": _m("档案管理员", "the archivist"),
    # the printed list
    "custody.handover.pdf.title.file": _m("档案移交清单", "File handover list"),
    "custody.handover.pdf.title.certificate": _m("重要权证移交清单", "Certificates handover list"),
    "custody.handover.pdf.copy.preparer": _m("第一联 移交人（A角）留存", "Copy 1: preparer (A)"),
    "custody.handover.pdf.copy.reviewer": _m("第二联 审核人（B角）留存", "Copy 2: reviewer (B)"),
    "custody.handover.pdf.copy.archive": _m("第三联 随档案存档", "Copy 3: with the file in the archive"),
    "custody.handover.pdf.unnumbered": _m("（待编号）", "(not numbered yet)"),
    "custody.handover.pdf.head": _m(
        "档案编号：{number}    清单号：{id}\n事项：{title}\n客户：{customer}    项目结束日期：{finished}    "
        "状态：{status}",
        "Number: {number}    List: {id}\nMatter: {title}\nCustomer: {customer}    Matter ended: {finished}    "
        "Status: {status}",
    ),
    "custody.handover.pdf.columns": _m(
        "序号|资料名称|档案/权证号|件数|页数|B角清点|档案室清点|备注",
        "No.|Title|Document / certificate no.|Pieces|Pages|B's count|Archive's count|Remarks",
    ),
    "custody.handover.pdf.document": _m("档案 {id}", "Document {id}"),
    "custody.handover.pdf.total": _m("合计", "Total"),
    "custody.handover.pdf.returned": _m(
        "退回：{who} {at}，缺少/需补充：{note}", "Returned by {who} {at}; missing: {note}"
    ),
    "custody.handover.pdf.exception": _m(
        "例外签收：{who} {at}，原因：{reason}", "Exception signed by {who} {at}; reason: {reason}"
    ),
    "custody.handover.pdf.sign.prepare": _m(
        "移交人（A角）：{name}    签字：____________    日期：{at}",
        "Preparer (A): {name}    Signature: ____________    Date: {at}",
    ),
    "custody.handover.pdf.sign.review": _m(
        "审核人（B角）：{name}    签字：____________    日期：{at}",
        "Reviewer (B): {name}    Signature: ____________    Date: {at}",
    ),
    "custody.handover.pdf.sign.accept": _m(
        "档案管理员：{name}    签字：____________    日期：{at}",
        "Archivist: {name}    Signature: ____________    Date: {at}",
    ),
    # audit actions as people read them
    "ui.action.custody.handover.create": _m("编制移交清单", "Prepared a handover list"),
    "ui.action.custody.handover.amend": _m("修改移交清单", "Changed a handover list"),
    "ui.action.custody.handover.sign": _m("签署移交清单", "Signed a handover list"),
    "ui.action.custody.handover.return": _m("退回移交清单", "Returned a handover list"),
    "ui.action.custody.handover.show": _m("查看移交清单", "Viewed a handover list"),
    "ui.action.custody.handover.list": _m("查看移交清单列表", "Listed handover lists"),
    "ui.action.custody.handover.print": _m("打印移交清单", "Printed a handover list"),
    "ui.action.calendar.override.add": _m("设置公司自定日", "Set a company day"),
    "ui.action.calendar.override.remove": _m("删除公司自定日", "Removed a company day"),
    "ui.action.calendar.override.list": _m("查看公司自定日", "Listed the company days"),
}
