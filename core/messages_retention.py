"""The catalogue's part for retention: schedules, holds, destruction batches (merged into core.messages.CATALOGUE)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # triggers, actions, periods (named inside other messages)
    "retention.trigger.document_date": {"zh-CN": "文件日期", "en": "document date"},
    "retention.trigger.contract_end": {"zh-CN": "合同到期", "en": "contract end"},
    "retention.trigger.relationship_end": {"zh-CN": "客户关系终止", "en": "end of the customer relationship"},
    "retention.trigger.filing": {"zh-CN": "归档日期", "en": "filing date"},
    "retention.action.review": {"zh-CN": "鉴定", "en": "review"},
    "retention.action.destroy": {"zh-CN": "销毁", "en": "destroy"},
    "retention.action.transfer": {"zh-CN": "移交", "en": "transfer"},
    "retention.period.permanent": {"zh-CN": "永久", "en": "permanent"},
    "retention.period.years": {"zh-CN": "定期{years}年", "en": "{years} years"},
    # reasoning shown with a record's due date
    "retention.reason.due": {
        "zh-CN": "自{trigger} {trigger_date} 起 {years} 年 → {due}",
        "en": "{years} years from {trigger} {trigger_date} → {due}",
    },
    "retention.reason.permanent": {"zh-CN": "永久保存（{basis}）", "en": "Kept permanently ({basis})"},
    "retention.reason.no_trigger": {
        "zh-CN": "{trigger}尚未确定，到期日待定",
        "en": "The {trigger} is not known yet; no due date",
    },
    "retention.reason.no_rule": {
        "zh-CN": "档案类型 {doc_type} 没有保管期限规则",
        "en": "Document type {doc_type} has no retention rule",
    },
    "retention.reason.extended": {
        "zh-CN": "{base}；经鉴定延长至 {due}（{reason}，{approver} 于 {decided_on} 批准）",
        "en": "{base}; extended by appraisal to {due} ({reason}, approved by {approver} on {decided_on})",
    },
    # schedule
    "retention.rule.unknown_type": {
        "zh-CN": "未知的档案类型：{doc_type}",
        "en": "Unknown document type: {doc_type}",
    },
    "retention.rule.invalid": {
        "zh-CN": "保管期限规则无效：{field} = {value}",
        "en": "Invalid retention rule: {field} = {value}",
    },
    "retention.extension.not_later": {
        "zh-CN": "延长后的到期日 {new_due} 不晚于现到期日 {due}",
        "en": "The extended due date {new_due} is not after the current due date {due}",
    },
    "retention.extension.permanent": {
        "zh-CN": "档案 {id} 为永久保存，无需延长",
        "en": "Record {id} is kept permanently; nothing to extend",
    },
    "retention.reason_required": {"zh-CN": "请填写理由", "en": "A reason is required"},
    # holds
    "hold.not_found": {"zh-CN": "冻结 {id} 不存在", "en": "Hold {id} does not exist"},
    "hold.released": {"zh-CN": "冻结 {id} 已于 {at} 解除", "en": "Hold {id} was released on {at}"},
    "hold.scope_invalid": {
        "zh-CN": "冻结范围无效：{scope}（应为 documents、customer 或 search，并给出对象）",
        "en": "Invalid hold scope: {scope} (documents, customer or search, with what it covers)",
    },
    "hold.blocks_edit": {
        "zh-CN": "档案 {id} 处于法律冻结中（{holds}），不得修改、移动或销毁",
        "en": "Record {id} is under legal hold ({holds}); it cannot be edited, moved or destroyed",
    },
    # batches
    "batch.not_found": {"zh-CN": "销毁批次 {id} 不存在", "en": "Destruction batch {id} does not exist"},
    "batch.empty": {"zh-CN": "销毁批次中没有档案", "en": "A destruction batch needs at least one record"},
    "batch.refused": {
        "zh-CN": "以下档案不得列入销毁批次：{items}",
        "en": "These records cannot enter a destruction batch: {items}",
    },
    "batch.item.not_found": {"zh-CN": "#{id} 不存在", "en": "#{id} does not exist"},
    "batch.item.destroyed": {
        "zh-CN": "#{id} {archive_no} 已销毁",
        "en": "#{id} {archive_no} is already destroyed",
    },
    "batch.item.no_due": {
        "zh-CN": "#{id} {archive_no} 没有到期日（{reasoning}）",
        "en": "#{id} {archive_no} has no due date ({reasoning})",
    },
    "batch.item.not_due": {
        "zh-CN": "#{id} {archive_no} 未到期（{due} 到期）",
        "en": "#{id} {archive_no} is not due until {due}",
    },
    "batch.item.not_destroy": {
        "zh-CN": "#{id} {archive_no} 的处置方式为“{action}”，不是销毁",
        "en": "#{id} {archive_no} is marked {action}, not destroy",
    },
    "batch.item.held": {
        "zh-CN": "#{id} {archive_no} 处于法律冻结中（{holds}）",
        "en": "#{id} {archive_no} is under legal hold ({holds})",
    },
    "batch.item.in_batch": {
        "zh-CN": "#{id} {archive_no} 已在销毁批次 {batch} 中",
        "en": "#{id} {archive_no} is already in destruction batch {batch}",
    },
    "batch.wrong_state": {
        "zh-CN": "销毁批次 {id} 处于“{state}”状态，不能{step}",
        "en": "Destruction batch {id} is {state}; it cannot be {step}",
    },
    "batch.step.appraised": {"zh-CN": "鉴定", "en": "appraised"},
    "batch.step.approved": {"zh-CN": "审批", "en": "approved"},
    "batch.step.executed": {"zh-CN": "执行", "en": "executed"},
    "batch.proposer_cannot_approve": {
        "zh-CN": "{login} 提出了销毁批次 {id}，不能审批",
        "en": "{login} proposed destruction batch {id} and cannot approve it",
    },
    "batch.already_approved": {
        "zh-CN": "{login} 已审批过销毁批次 {id}；需要另一位审批人",
        "en": "{login} already approved destruction batch {id}; another approver is needed",
    },
    "batch.stopped": {
        "zh-CN": "销毁批次 {id} 已停止，未删除任何内容：{items}",
        "en": "Destruction batch {id} stopped before anything was deleted: {items}",
    },
    "batch.interrupted": {
        "zh-CN": "销毁批次 {id} 中断：已销毁 {destroyed}，部分 {partial}，未处理 {untouched}；原因：{detail}。重新执行即可继续",
        "en": "Destruction batch {id} interrupted: destroyed {destroyed}, partial {partial}, untouched {untouched}; "
        "cause: {detail}. Run it again to finish",
    },
    "batch.paper_required": {
        "zh-CN": "批次中有纸质原件：请填写销毁方式、地点、日期和两名监销人",
        "en": "The batch has paper originals: give the method, place, date and two witnesses",
    },
    "batch.witnesses": {
        "zh-CN": "需要两名不同的监销人，且不得为执行人",
        "en": "Two different witnesses are needed, neither of them the executor",
    },
    "register.not_ready": {
        "zh-CN": "销毁批次 {id} 尚未完成销毁，不能生成销毁清册",
        "en": "Destruction batch {id} is not fully destroyed; no register yet",
    },
    # register (PDF/CSV)
    "register.title": {"zh-CN": "档案销毁清册", "en": "Destruction register"},
    "register.columns": {
        "zh-CN": "序号|档号|题名|年度|保管期限|页数|备注",
        "en": "No.|Archive no.|Title|Year|Retention|Pages|Remarks",
    },
    "register.cover": {
        "zh-CN": "批次 {id}，共 {count} 件；提出人 {proposer}；鉴定人 {appraiser}；审批人 {approvers}；执行 {executed}",
        "en": "Batch {id}, {count} items; proposed by {proposer}; appraised by {appraiser}; approved by {approvers}; "
        "executed {executed}",
    },
    "register.paper": {
        "zh-CN": "纸质原件：{method}，地点 {place}，日期 {date}，监销人 {witnesses}",
        "en": "Paper originals: {method}, at {place}, on {date}, witnesses {witnesses}",
    },
    "register.signatures": {
        "zh-CN": "鉴定人|审批人|审批人|监销人|监销人",
        "en": "Appraiser|Approver|Approver|Witness|Witness",
    },
    "register.sign_here": {
        "zh-CN": "签字：__________  日期：__________",
        "en": "Signature: __________  Date: __________",
    },
    # web pages
    "ui.nav.retention": {"zh-CN": "保管与销毁", "en": "Retention"},
    "ui.retention.title": {"zh-CN": "保管期限与销毁", "en": "Retention and destruction"},
    "ui.retention.schedule": {"zh-CN": "保管期限表", "en": "Retention schedule"},
    "ui.retention.due": {"zh-CN": "到期档案", "en": "Due records"},
    "ui.retention.holds": {"zh-CN": "法律冻结", "en": "Legal holds"},
    "ui.retention.batches": {"zh-CN": "销毁批次", "en": "Destruction batches"},
    "ui.retention.type": {"zh-CN": "档案类型", "en": "Document type"},
    "ui.retention.period": {"zh-CN": "保管期限", "en": "Period"},
    "ui.retention.years": {"zh-CN": "年数（留空为永久）", "en": "Years (empty: permanent)"},
    "ui.retention.trigger": {"zh-CN": "起算", "en": "Trigger"},
    "ui.retention.action": {"zh-CN": "到期处置", "en": "Action"},
    "ui.retention.basis": {"zh-CN": "依据", "en": "Basis"},
    "ui.retention.updated": {"zh-CN": "修改", "en": "Changed"},
    "ui.retention.set_rule": {"zh-CN": "修改规则", "en": "Change a rule"},
    "ui.retention.released": {"zh-CN": "已由 {by} 于 {at} 解除", "en": "released by {by} on {at}"},
    "ui.retention.scope": {"zh-CN": "范围", "en": "Scope"},
    "ui.retention.scope.documents": {"zh-CN": "指定档案", "en": "Named records"},
    "ui.retention.scope.customer": {
        "zh-CN": "客户档案（含以后归档）",
        "en": "Customer file (later records too)",
    },
    "ui.retention.scope.search": {"zh-CN": "保存的检索", "en": "Saved search"},
    "ui.retention.covers": {"zh-CN": "涵盖 {n} 件", "en": "covers {n} records"},
    "ui.retention.release_reason": {"zh-CN": "解除理由", "en": "Reason for release"},
    "ui.retention.release": {"zh-CN": "解除冻结", "en": "Release"},
    "ui.retention.no_holds": {"zh-CN": "没有法律冻结", "en": "No legal holds"},
    "ui.retention.add_hold": {"zh-CN": "设置冻结", "en": "Place a hold"},
    "ui.retention.hold_name": {"zh-CN": "名称（案件）", "en": "Name (case)"},
    "ui.retention.reason": {"zh-CN": "理由", "en": "Reason"},
    "ui.retention.documents": {"zh-CN": "档案编号（空格分隔）", "en": "Record ids (space separated)"},
    "ui.retention.customer_id": {"zh-CN": "客户档案编号", "en": "Customer file id"},
    "ui.retention.query": {"zh-CN": "检索式", "en": "Search query"},
    "ui.retention.as_of": {"zh-CN": "截至", "en": "Due by"},
    "ui.retention.pick": {"zh-CN": "选择", "en": "Pick"},
    "ui.retention.archive_no": {"zh-CN": "档号", "en": "Archive no."},
    "ui.retention.title_col": {"zh-CN": "题名", "en": "Title"},
    "ui.retention.due_date": {"zh-CN": "到期日", "en": "Due"},
    "ui.retention.reasoning": {"zh-CN": "计算依据", "en": "Why"},
    "ui.retention.state": {"zh-CN": "状态", "en": "State"},
    "ui.retention.held": {"zh-CN": "冻结：{holds}", "en": "Held: {holds}"},
    "ui.retention.in_batch": {"zh-CN": "在批次 {id} 中", "en": "In batch {id}"},
    "ui.retention.nothing_due": {"zh-CN": "没有到期档案", "en": "Nothing is due"},
    "ui.retention.note": {"zh-CN": "说明", "en": "Note"},
    "ui.retention.create_batch": {"zh-CN": "提出销毁批次", "en": "Propose a destruction batch"},
    "ui.retention.count": {"zh-CN": "件数", "en": "Records"},
    "ui.retention.proposed_by": {"zh-CN": "提出人", "en": "Proposed by"},
    "ui.retention.approvals": {"zh-CN": "审批", "en": "Approvals"},
    "ui.retention.no_batches": {"zh-CN": "没有销毁批次", "en": "No destruction batches"},
    "ui.retention.batch": {"zh-CN": "销毁批次 {id}", "en": "Destruction batch {id}"},
    "ui.retention.appraisal": {"zh-CN": "鉴定意见", "en": "Appraisal opinion"},
    "ui.retention.appraise": {"zh-CN": "提交鉴定意见", "en": "Record the appraisal"},
    "ui.retention.approved_by": {"zh-CN": "{who} 于 {at} 批准", "en": "approved by {who} on {at}"},
    "ui.retention.opinion": {"zh-CN": "审批意见", "en": "Opinion"},
    "ui.retention.approve": {"zh-CN": "批准销毁", "en": "Approve destruction"},
    "ui.retention.execute": {"zh-CN": "执行销毁", "en": "Execute destruction"},
    "ui.retention.paper_hint": {
        "zh-CN": "批次中有纸质原件时，填写销毁方式、地点、日期和两名监销人",
        "en": "If the batch has paper originals, give the method, place, date and two witnesses",
    },
    "ui.retention.paper_method": {"zh-CN": "销毁方式", "en": "Method"},
    "ui.retention.paper_place": {"zh-CN": "地点", "en": "Place"},
    "ui.retention.paper_date": {"zh-CN": "日期", "en": "Date"},
    "ui.retention.witness": {"zh-CN": "监销人", "en": "Witness"},
    "ui.retention.checks": {"zh-CN": "核验", "en": "Verification"},
    "ui.retention.checks_passed": {"zh-CN": "{ok}/{n} 项通过", "en": "{ok}/{n} passed"},
    "ui.retention.progress": {
        "zh-CN": "已销毁 {destroyed}/{total}，部分 {partial}，未处理 {pending}",
        "en": "destroyed {destroyed}/{total}, partial {partial}, untouched {pending}",
    },
    "ui.retention.register_pdf": {"zh-CN": "销毁清册（PDF）", "en": "Register (PDF)"},
    "ui.retention.register_csv": {"zh-CN": "销毁清册（CSV）", "en": "Register (CSV)"},
    "ui.retention.batch_state.proposed": {"zh-CN": "已提出", "en": "proposed"},
    "ui.retention.batch_state.appraised": {"zh-CN": "已鉴定", "en": "appraised"},
    "ui.retention.batch_state.approved": {"zh-CN": "已批准", "en": "approved"},
    "ui.retention.batch_state.executing": {"zh-CN": "执行中", "en": "executing"},
    "ui.retention.batch_state.interrupted": {"zh-CN": "已中断（可继续）", "en": "interrupted (resumable)"},
    "ui.retention.batch_state.stopped": {"zh-CN": "已停止", "en": "stopped"},
    "ui.retention.batch_state.destroyed": {"zh-CN": "已销毁", "en": "destroyed"},
    "ui.retention.item_state.pending": {"zh-CN": "未处理", "en": "untouched"},
    "ui.retention.item_state.partial": {"zh-CN": "部分删除", "en": "partial"},
    "ui.retention.item_state.removed": {"zh-CN": "已删除，待检索核验", "en": "removed, search check pending"},
    "ui.retention.item_state.destroyed": {"zh-CN": "已销毁", "en": "destroyed"},
}
