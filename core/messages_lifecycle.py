"""The catalogue's part for a customer file's life (issue 12): follow-ups, grade rules, merges, and an employee's
leaving (POL-5) with its handover report (merged into core.messages.CATALOGUE)."""

from __future__ import annotations


def _m(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    # profile fields the grade rules read, and the new timeline kinds
    "ui.customer.field.annual_sales": _m("年度销售额", "Annual sales"),
    "ui.customer.field.customer_since": _m("开始合作日期", "Customer since"),
    "ui.entry_kind.sale": _m("成交", "Sale"),
    "ui.entry_kind.followup": _m("回访", "Follow-up visit"),
    # merges
    "customer.merged": _m(
        "客户档案 {id} 已并入档案 {into}，请在档案 {into} 中操作",
        "Customer file {id} was merged into file {into}; work on file {into}",
    ),
    "customer.merge_same": _m(
        "不能把客户档案 {id} 并入它自己", "A customer file ({id}) cannot be merged into itself"
    ),
    "customer.merge_unmatched": _m(
        "“未识别客户”暂存档案不能合并：请逐份更正其中文件的客户",
        "The holding file for unmatched documents cannot be merged: correct each document's customer instead",
    ),
    "customer.merge_codes_differ": _m(
        "不能合并：档案 {from_id} 的统一社会信用代码 {from_code} 与档案 {into_id} 的 {into_code} 不同，是两个客户",
        "Cannot merge: file {from_id} has credit code {from_code} and file {into_id} has {into_code}; they are two customers",
    ),
    "customer.merge_forbidden": _m(
        "只有能分配这两份档案的经理才能合并它们", "Only a manager who may assign both files may merge them"
    ),
    "ui.action.customer.merge": _m("合并客户档案", "Merged customer files"),
    "ui.action.custody.item.relink": _m("实物随档案合并转移", "Moved paper items with a merged file"),
    # follow-ups
    "ui.action.customer.followups": _m("查看回访计划", "Listed follow-up visits"),
    "ui.followup.state.scheduled": _m("已安排", "Scheduled"),
    "ui.followup.state.due": _m("即将到期", "Due"),
    "ui.followup.state.overdue": _m("已逾期", "Overdue"),
    "ui.followup.state.done": _m("已回访", "Done"),
    "ui.followup.days": _m("成交后第 {days} 天", "Day {days} after the sale"),
    "ui.followups.title": _m("回访计划", "Follow-up visits"),
    "ui.followups.none": _m("没有待回访的客户", "No follow-up visits due"),
    "ui.followups.customer": _m("客户", "Customer"),
    "ui.followups.sale": _m("成交日期", "Sale"),
    "ui.followups.due_on": _m("应回访日期", "Due on"),
    "ui.followups.which": _m("第几次", "Which"),
    "ui.followups.state": _m("状态", "State"),
    "ui.stale.title": _m("超过一个月未更新的档案", "Files not updated for a month"),
    "ui.stale.none": _m("所有档案一个月内都有更新", "Every file was updated within a month"),
    "ui.stale.updated": _m("最后更新 {at}", "Last updated {at}"),
    # grade rules
    "grade.unknown": _m(
        "没有等级 {grade}（可选：{known}）", "There is no grade {grade} (choose from {known})"
    ),
    "grade.sales_invalid": _m("年度销售额下限无效：{value}", "Invalid minimum annual sales: {value}"),
    "grade.years_invalid": _m(
        "合作年限下限无效：{value}（0–200 年）", "Invalid minimum years: {value} (0–200)"
    ),
    "grade.standings_invalid": _m(
        "资信状况最多 20 项，每项最多 100 个字", "At most 20 credit standings of at most 100 characters each"
    ),
    "grade.rule_not_found": _m("等级 {grade} 没有评级规则", "Grade {grade} has no rule"),
    "grade.regrade_reason": _m("按评级规则重新评级", "Re-graded by the grade rules"),
    "ui.action.customer.grade_rule": _m("修改评级规则", "Changed a grade rule"),
    "ui.action.customer.regrade": _m("按规则重新评级", "Re-graded a file by the rules"),
    "ui.action.customer.regrade_run": _m("执行重新评级", "Ran the re-grading"),
    "ui.grades.title": _m("客户评级规则", "Customer grade rules"),
    "ui.grades.intro": _m(
        "客户从 A 级开始逐级对照：满足某一等级的全部条件即评为该等级；留空的条件不限。人工评定的等级优先于规则，清空后重新按规则评级。",
        "A file gets the first grade, from A down, whose every condition it meets; an empty condition is no condition. "
        "A grade a person set overrides the rules until it is cleared.",
    ),
    "ui.grades.grade": _m("等级", "Grade"),
    "ui.grades.min_sales": _m("年度销售额不低于（元）", "Annual sales at least (yuan)"),
    "ui.grades.min_years": _m("合作年限不少于（年）", "Years as a customer at least"),
    "ui.grades.standings": _m(
        "资信状况（逗号分隔，留空不限）", "Credit standings (comma-separated; empty: any)"
    ),
    "ui.grades.save": _m("保存", "Save"),
    "ui.grades.remove": _m("删除规则", "Remove rule"),
    "ui.grades.regrade": _m("按规则重新评级", "Re-grade by the rules"),
    "ui.grades.regraded": _m(
        "已检查 {checked} 份档案，{changed} 份等级变更，{overridden} 份以人工评定为准",
        "Checked {checked} files: {changed} changed, {overridden} kept their manual grade",
    ),
    "ui.grades.overridden": _m("人工评定（规则评为 {rule}）", "Set by hand (the rules say {rule})"),
    "ui.grades.manual": _m("人工评定，优先于规则", "Set by hand; overrides the rules"),
    "ui.grades.by_rule": _m("按规则评定", "By the rules"),
    "ui.grades.any": _m("不限", "Any"),
    "ui.merge.title": _m("合并到另一份档案", "Merge into another file"),
    "ui.merge.into": _m("并入档案编号", "Into file number"),
    "ui.merge.reason": _m("合并原因", "Reason"),
    "ui.merge.submit": _m("合并", "Merge"),
    "ui.merge.pointer": _m(
        "此档案已于 {at} 并入档案 {into}，文件、联系人和往来记录都在那里。",
        "This file was merged into file {into} on {at}; its documents, contacts and timeline are there.",
    ),
    "ui.merge.done": _m(
        "已将档案 {from_id} 并入本档案，档号不变。",
        "File {from_id} was merged into this file; archive numbers are unchanged.",
    ),
    # leaving (POL-5)
    "user.holds_duties": _m(
        "用户 {login} 仍有未交接的档案或职责，请先办理离职交接：{duties_zh}",
        "User {login} still holds files or duties; hand them over first (offboarding): {duties_en}",
    ),
    "offboard.successor_unknown": _m("接手人 {login} 不存在", "There is no successor {login}"),
    "offboard.successor_self": _m(
        "接手人不能是离职者本人（{login}）", "The successor cannot be the leaver ({login})"
    ),
    "offboard.successor_actor": _m(
        "管理员不能把档案交给自己（{login}）：请指定业务接手人",
        "An administrator cannot hand the files to themselves ({login}); name the business successor",
    ),
    "offboard.successor_disabled": _m("接手人 {login} 的账号已停用", "The successor {login} is disabled"),
    "offboard.successor_keeps_no_files": _m(
        "接手人 {login} 没有业务人员、经理或档案管理员角色，不能负责客户档案",
        "The successor {login} is not staff, a manager or an archivist, so cannot keep customer files",
    ),
    "offboard.reason_required": _m("请填写离职交接原因", "Give the reason for the handover"),
    "offboard.already_disabled": _m("用户 {login} 已停用", "User {login} is already disabled"),
    "offboard.not_found": _m("没有编号为 {id} 的交接报告", "There is no handover report {id}"),
    "offboard.revision_reason": _m(
        "离职交接：{login} → {successor}（{reason}）", "Handover on leaving: {login} → {successor} ({reason})"
    ),
    "offboard.timeline_text": _m(
        "负责人变更：{name}（{login}）离职，由 {successor_name}（{successor}）接手。请通知客户新的联系人。",
        "New owner: {name} ({login}) left; {successor_name} ({successor}) takes over. Tell the customer who their new contact is.",
    ),
    "notify.offboard.received": _m(
        "您已接手 {login} 的 {files} 份客户档案和 {loans} 笔借阅（交接报告 {id}）",
        "You took over {files} customer files and {loans} loans from {login} (handover report {id})",
    ),
    "ui.action.user.holdings": _m("查看待交接事项", "Listed what a user holds"),
    "ui.action.user.offboard": _m("离职交接", "Offboarded a user"),
    "ui.action.user.offboard_report": _m("查看交接报告", "Viewed a handover report"),
    "ui.action.custody.loan.reassign": _m("借阅转交接手人", "Handed a loan to a successor"),
    "ui.offboard.title": _m("离职交接：{login}", "Offboarding: {login}"),
    "ui.offboard.link": _m("离职交接", "Offboard"),
    "ui.offboard.files": _m("负责的客户档案", "Customer files owned"),
    "ui.offboard.requests_filed": _m("提交的待审批查阅申请", "Pending access requests filed"),
    "ui.offboard.requests_to_decide": _m("待其审批的查阅申请", "Access requests awaiting their signature"),
    "ui.offboard.posts": _m("审批职务", "Approving posts"),
    "ui.offboard.departments": _m("管理的部门", "Departments managed"),
    "ui.offboard.complaints_to_approve": _m("待审批的投诉处理", "Complaints awaiting approval"),
    "ui.offboard.grants_held": _m("持有的查阅授权", "Grants held"),
    "ui.offboard.grants_given": _m("签批的有效授权（保留）", "Live grants they signed (kept)"),
    "ui.offboard.loans": _m("未归还的借阅", "Open loans"),
    "ui.offboard.handovers": _m("未完成的移交清单", "Open handover lists"),
    "ui.action.custody.handover.reassign": _m("移交清单转交接手人", "Handed a handover list to a successor"),
    "offboard.handover_same_party": _m(
        "接手人 {login} 已是移交清单 {id}（{title}）的另一方：移交人与审核人须为两人，请另选接手人",
        "{login} is already the other party of handover list {id} ({title}): preparer and reviewer must be two "
        "people; choose another successor",
    ),
    "offboard.pdf.section.handovers": _m("四、移交清单（{count} 份）", "4. Handover lists ({count})"),
    "offboard.pdf.col.handovers": _m("清单号|事项|状态|原承担", "List|Matter|State|Part"),
    "offboard.pdf.part.preparer": _m("移交人（A角）", "Preparer (A)"),
    "offboard.pdf.part.reviewer": _m("审核人（B角）", "Reviewer (B)"),
    "ui.offboard.nothing": _m("无", "None"),
    "ui.offboard.successor": _m("接手人", "Successor"),
    "ui.offboard.reason": _m("交接原因", "Reason"),
    "ui.offboard.submit": _m("交接并停用账号", "Hand over and disable the account"),
    "ui.offboard.done": _m(
        "{login} 的档案和职责已交给 {successor}，账号已停用。",
        "{login}'s files and duties went to {successor}; the account is disabled.",
    ),
    "ui.offboard.pdf": _m("下载交接报告（PDF）", "Download the handover report (PDF)"),
    # the handover report (PDF, Chinese)
    "offboard.pdf.title": _m("离职交接报告", "Handover report"),
    "offboard.pdf.number": _m("报告编号：{id}", "Report no.: {id}"),
    "offboard.pdf.leaver": _m("离职人员：{name}（{login}）", "Leaving: {name} ({login})"),
    "offboard.pdf.successor": _m("接手人：{name}（{login}）", "Successor: {name} ({login})"),
    "offboard.pdf.reason": _m("交接原因：{reason}", "Reason: {reason}"),
    "offboard.pdf.actor": _m("经办管理员：{login}    办理时间：{at}", "Administrator: {login}    At: {at}"),
    "offboard.pdf.section.files": _m("一、客户档案（{count} 份）", "1. Customer files ({count})"),
    "offboard.pdf.section.posts": _m(
        "二、审批职务与部门（{count} 项）", "2. Posts and departments ({count})"
    ),
    "offboard.pdf.section.loans": _m("三、借阅实物（{count} 笔）", "3. Loans ({count})"),
    "offboard.pdf.section.access": _m(
        "五、查阅申请与授权（{count} 项）", "5. Access requests and grants ({count})"
    ),
    "offboard.pdf.col.files": _m("序号|档案编号|客户名称|文件数", "No.|File|Customer|Documents"),
    "offboard.pdf.col.posts": _m("类别|名称", "Kind|Name"),
    "offboard.pdf.col.loans": _m("出借单号|状态|应还日期|实物编号", "Slip|State|Due|Items"),
    "offboard.pdf.col.access": _m("事项|编号", "What|No."),
    "offboard.pdf.post": _m("职务", "Post"),
    "offboard.pdf.department": _m("部门经理", "Department manager"),
    "offboard.pdf.request_withdrawn": _m("撤回的查阅申请", "Request withdrawn"),
    "offboard.pdf.request_to_decide": _m("转由接手人审批的申请", "Request now for the successor to sign"),
    "offboard.pdf.complaint_to_approve": _m(
        "转由接手人审批的投诉", "Complaint now for the successor to approve"
    ),
    "offboard.pdf.grant_revoked": _m("收回的查阅授权", "Grant revoked"),
    "offboard.pdf.grant_given": _m("其签批、继续有效的授权", "Grant they signed, still valid"),
    "offboard.pdf.none": _m("无", "None"),
    "offboard.pdf.signatures": _m("移交人|接手人|经办管理员", "Handed over by|Received by|Administrator"),
    "offboard.pdf.date": _m("日期", "Date"),
    "offboard.pdf.loan_status.requested": _m("待审批", "Requested"),
    "offboard.pdf.loan_status.approved": _m("已批准", "Approved"),
    "offboard.pdf.loan_status.out": _m("借出中", "Out"),
    "offboard.pdf.loan_status.renewal_requested": _m("申请续借", "Renewal requested"),
}
