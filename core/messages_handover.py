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
    # pages (api/web/handovers.py, templates/custody/)
    "ui.nav.handovers": _m("档案移交", "Handovers"),
    "ui.dashboard.late_handovers": _m("逾期的移交", "Late handovers"),
    "ui.handover.title": _m("档案移交", "Handovers"),
    "ui.handover.new": _m("编制移交清单", "Prepare a handover list"),
    "ui.handover.new_hint": _m(
        "项目结束后三个工作日内移交审核人（B角），B角两个工作日内移交档案室。逐项列明资料名称、件数和页数（含封面及全部纸张）。",
        "Hand the list to the reviewer (B) within 3 working days of the matter's end; B passes it to the "
        "archive within 2. List every item with its pieces and pages (covers and every sheet included).",
    ),
    "ui.handover.create": _m("保存清单", "Save the list"),
    "ui.handover.new_certificates": _m("编制权证移交清单（属清单 {id}）", "Certificates list for list {id}"),
    "ui.handover.add_certificates": _m("编制重要权证移交清单", "Prepare the certificates list"),
    "ui.handover.certificates_hint": _m(
        "重要权证与档案资料分开移交，存入保险柜，编号与所属档案相同；客户和审核人沿用档案清单。",
        "Certificates are handed over apart from the file, kept in the safe under the file's number; the "
        "customer and the reviewer are the file list's.",
    ),
    "ui.handover.box.to_sign": _m("待我签字移交", "For me to sign"),
    "ui.handover.box.to_review": _m("待我审核", "For me to review"),
    "ui.handover.box.to_accept": _m("待档案室接收", "For the archive to accept"),
    "ui.handover.box.others": _m("其他清单", "Other lists"),
    "ui.handover.none": _m("没有清单", "No lists"),
    "ui.handover.none_late": _m("没有逾期的移交", "No late handovers"),
    "ui.handover.list_no": _m("清单 {id}", "List {id}"),
    "ui.handover.number": _m("档案编号", "Number"),
    "ui.handover.kind": _m("类别", "Kind"),
    "ui.handover.matter": _m("事项", "Matter"),
    "ui.handover.customer": _m("客户档案", "Customer file"),
    "ui.handover.status": _m("状态", "Status"),
    "ui.handover.owed_by": _m("待办人", "Owed by"),
    "ui.handover.due": _m("期限", "Due"),
    "ui.handover.late": _m("逾期", "late"),
    "ui.handover.estimated": _m("估算", "estimated"),
    "ui.handover.estimated_hint": _m(
        "该年份的法定节假日尚未收录，期限按周一至周五估算",
        "That year's public holidays are not known yet: counted on weekdays",
    ),
    "ui.handover.preparer": _m("移交人（A角）", "Preparer (A)"),
    "ui.handover.reviewer": _m("审核人（B角）", "Reviewer (B)"),
    "ui.handover.finished_on": _m("项目结束日期", "Matter ended on"),
    "ui.handover.location": _m("存放位置", "Location"),
    "ui.handover.default_safe": _m("保险柜（默认）", "The safe (default)"),
    "ui.handover.file_list": _m("所属档案清单", "File's list"),
    "ui.handover.pdf": _m("打印清单（PDF，一式三份）", "Print the list (PDF, three copies)"),
    "ui.handover.no": _m("序号", "No."),
    "ui.handover.line_title": _m("资料名称", "Title"),
    "ui.handover.pieces": _m("件数", "Pieces"),
    "ui.handover.pages": _m("页数", "Pages"),
    "ui.handover.document": _m("档案ID", "Document id"),
    "ui.handover.cert_no": _m("权证号", "Certificate no."),
    "ui.handover.remarks": _m("备注", "Remarks"),
    "ui.handover.reviewer_count": _m("B角清点", "B's count"),
    "ui.handover.archive_count": _m("档案室清点", "Archive's count"),
    "ui.handover.my_count": _m("我的清点（件/页）", "My count (pieces/pages)"),
    "ui.handover.item": _m("实物 {id}", "Item {id}"),
    "ui.handover.exception": _m("例外签收原因", "Reason for signing an exception"),
    "ui.handover.exception_hint": _m(
        "清点不符时，仅在填写原因后方可签收", "When the count differs, signing needs a reason"
    ),
    "ui.handover.missing": _m("缺少或需补充的资料", "What is missing or must be completed"),
    "ui.handover.return": _m("退回移交人补充", "Return to the preparer"),
    "ui.handover.sign.reviewing": _m("清点无误，签字并移交档案室", "Counted: sign and pass to the archive"),
    "ui.handover.sign.accepting": _m("清点无误，编号并签收归档", "Counted: number, sign and file"),
    "ui.handover.sign.preparing": _m("签字并移交审核人", "Sign and hand to the reviewer"),
    "ui.handover.prepare_hint": _m(
        "请确认清单与实物一致后签字，清单将交审核人（B角）清点。",
        "Sign once the list matches the paper; the reviewer (B) counts it next.",
    ),
    "ui.handover.amend": _m("修改清单", "Change the lines"),
    "ui.handover.steps": _m("签字与退回记录", "Signatures and returns"),
    "ui.handover.no_steps": _m("尚无签字", "No signature yet"),
    "ui.handover.step.prepare": _m("{who} 签字移交", "{who} signed and handed over"),
    "ui.handover.step.review": _m("{who} 审核签字", "{who} reviewed and signed"),
    "ui.handover.step.return": _m("{who} 退回补充", "{who} returned it"),
    "ui.handover.step.accept": _m("{who} 接收归档", "{who} accepted and filed it"),
    "ui.handover.done": _m("已保存", "Saved"),
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
