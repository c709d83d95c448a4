"""The catalogue's part for operations (issue 14): scheduled jobs, notifications by channel, health (merged into
core.messages.CATALOGUE)."""

from __future__ import annotations


def _m(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    # in-app messages the daily jobs leave
    "notify.grant.expiring": _m(
        "您的查阅授权 {grant_id} 将于 {until} 到期", "Your access grant {grant_id} ends on {until}"
    ),
    "notify.access.waiting": _m(
        "查阅申请 {request_id} 已等待您审批 {days} 天",
        "Access request {request_id} has awaited your decision for {days} days",
    ),
    "notify.batch.waiting": _m(
        "销毁批次 {batch_id} 等待您审批", "Destruction batch {batch_id} awaits your approval"
    ),
    "notify.loan.overdue": _m(
        "出借单 {slip_no} 已逾期 {days} 天（应还日期 {due}），请尽快归还",
        "Loan {slip_no} is {days} days overdue (due {due}); please return it",
    ),
    "notify.fixity.failed": _m(
        "完整性校验（第 {id} 次运行）发现 {count} 个存储对象损坏或缺失，已隔离，请在管理页面查看",
        "The fixity check (run {id}) found {count} stored objects changed or missing; they are quarantined: "
        "see the admin page",
    ),
    "notify.job.failed": _m(
        "定时任务“{job}”重试 {attempts} 次后仍失败，请查看管理页面的任务状态",
        "Scheduled job “{job}” failed after {attempts} attempts; see the jobs on the admin page",
    ),
    # what goes out by e-mail and group robots: a title with numbers only, and a link (nothing confidential)
    "notify.product": _m("档案系统", "Dangan"),
    "notify.brief": _m("您有一条新消息", "You have a new message"),
    "notify.body": _m("{name}：{title}\n请登录查看：{link}", "{name}: {title}\nSign in to see it: {link}"),
    "notify.access.pending.brief": _m(
        "查阅申请 {request_id} 等待您审批", "Access request {request_id} awaits your decision"
    ),
    "notify.access.waiting.brief": _m(
        "查阅申请 {request_id} 仍在等待您审批", "Access request {request_id} still awaits your decision"
    ),
    "notify.access.approved.brief": _m(
        "您的查阅申请 {request_id} 已批准", "Your access request {request_id} was approved"
    ),
    "notify.access.refused.brief": _m(
        "您的查阅申请 {request_id} 已有结果", "Your access request {request_id} was decided"
    ),
    "notify.grant.revoked.brief": _m(
        "您的查阅授权 {grant_id} 已被撤销", "Your access grant {grant_id} was revoked"
    ),
    "notify.grant.expiring.brief": _m(
        "您的查阅授权 {grant_id} 即将到期", "Your access grant {grant_id} ends soon"
    ),
    "notify.batch.waiting.brief": _m(
        "销毁批次 {batch_id} 等待您审批", "Destruction batch {batch_id} awaits your approval"
    ),
    "notify.loan.overdue.brief": _m("出借单 {slip_no} 已逾期", "Loan {slip_no} is overdue"),
    "custody.loan.overdue_reminder.brief": _m("出借单 {slip} 已逾期", "Loan {slip} is overdue"),
    "notify.offboard.received.brief": _m(
        "您有离职交接的档案待接手（交接报告 {id}）", "Files were handed over to you (report {id})"
    ),
    "notify.fixity.failed.brief": _m(
        "完整性校验发现 {count} 个对象损坏或缺失", "Fixity check found {count} objects changed or missing"
    ),
    "custody.loan.due_reminder.brief": _m("出借单 {slip} 将于 {due} 到期", "Loan {slip} falls due on {due}"),
    "notify.job.failed.brief": _m("定时任务“{job}”失败", "Scheduled job “{job}” failed"),
    # choosing channels
    "notify.channel_unknown": _m(
        "未知的通知渠道：{channel}（可选：{known}）",
        "Unknown notification channel: {channel} (known: {known})",
    ),
    "notify.channel_unconfigured": _m(
        "通知渠道 {channel} 尚未由管理员配置，暂不能选择",
        "Channel {channel} is not set up by the administrator yet",
    ),
    "notify.email_invalid": _m("电子邮件地址无效：{email}", "Not a valid e-mail address: {email}"),
    "notify.email_missing": _m(
        "选择电子邮件通知前，请先填写电子邮件地址", "Give an e-mail address before choosing e-mail"
    ),
    "notify.language_invalid": _m(
        "不支持的语言：{language}（可选 zh-CN、en）", "Unsupported language: {language} (zh-CN or en)"
    ),
    "job.unknown": _m(
        "没有名为 {name} 的定时任务（可选：{known}）", "No scheduled job named {name} (known: {known})"
    ),
    "ui.action.job.run": _m("运行定时任务", "Ran a scheduled job"),
    "ui.action.user.notify_channels": _m("设置通知渠道", "Set notification channels"),
    "ui.action.job.list": _m("查看定时任务", "Listed scheduled jobs"),
    # channel names, job names, the settings page and the jobs page
    "ui.channel.inapp": _m("站内消息", "In-app"),
    "ui.channel.email": _m("电子邮件", "E-mail"),
    "ui.channel.dingtalk": _m("钉钉群机器人", "DingTalk group robot"),
    "ui.channel.wecom": _m("企业微信群机器人", "WeCom group robot"),
    "ui.channel.feishu": _m("飞书群机器人", "Feishu group robot"),
    "ui.job.due_dates": _m("到期日重算", "Due-date recompute"),
    "ui.job.retention_lock": _m("保管期锁定续期", "Retention lock renewal"),
    "ui.job.audit_checkpoint": _m("审计日志检查点", "Audit trail checkpoint"),
    "ui.job.reminders": _m("到期与逾期提醒", "Reminders"),
    "ui.job_state.ok": _m("成功", "Succeeded"),
    "ui.job_state.failed": _m("失败", "Failed"),
    "ui.job_state.running": _m("运行中", "Running"),
    "ui.job_state.never": _m("尚未运行", "Not run yet"),
    "ui.jobs.title": _m("定时任务", "Scheduled jobs"),
    "ui.jobs.job": _m("任务", "Job"),
    "ui.jobs.time": _m("每日时间", "Daily at"),
    "ui.jobs.last_run": _m("上次运行", "Last run"),
    "ui.jobs.state": _m("结果", "Result"),
    "ui.jobs.last_ok": _m("上次成功", "Last success"),
    "ui.jobs.retry_at": _m("下次重试", "Next retry"),
    "ui.jobs.detail": _m("详情", "Detail"),
    "ui.jobs.off": _m("已停用", "Off"),
    "ui.notify.title": _m("通知设置", "Notification settings"),
    "ui.notify.intro": _m(
        "站内消息总会保留；另外可选择通过以下渠道接收提醒。外发消息只含标题和链接，不含档案内容。",
        "Messages always stay in-app; choose where else reminders go. They carry a title and a link only, never record content.",
    ),
    "ui.notify.channels": _m("通知渠道", "Channels"),
    "ui.notify.email": _m("电子邮件地址", "E-mail address"),
    "ui.notify.language": _m("通知语言", "Language of notifications"),
    "ui.notify.language_default": _m("系统默认", "The archive's default"),
    "ui.notify.unavailable": _m("（未配置）", "(not set up)"),
    "ui.notify.save": _m("保存", "Save"),
    "ui.notify.saved": _m("通知设置已保存", "Notification settings saved"),
    "ui.nav.notify": _m("通知设置", "Notifications"),
}
