"""The one translation catalogue for user-facing messages (zh-CN and en).

Each message code maps to its text in both languages; parameters are filled with str.format.
Packages add their codes here rather than writing sentences in code.
"""

from __future__ import annotations


class Phrase(str):
    """A message given as a parameter of another (e.g. the detail of search.bad_query).

    `translate` puts it in the same language as the message around it; anywhere else (an audit detail,
    JSON, a log) it is the plain string of both languages.
    """

    code: str
    params: dict[str, object]

    def __new__(cls, code: str, /, **params: object) -> Phrase:
        phrase = super().__new__(cls, bilingual(code, **params))
        phrase.code, phrase.params = code, params
        return phrase


CATALOGUE: dict[str, dict[str, str]] = {
    # capture / input
    "input.empty": {"zh-CN": "文件为空", "en": "The file is empty"},
    "input.too_large": {
        "zh-CN": "文件过大：{size} 字节，上限 {limit} 字节",
        "en": "File too large: {size} bytes, limit {limit} bytes",
    },
    "input.unsupported_type": {
        "zh-CN": "不支持的文件类型（{detected}）；只接受 PDF、PNG、JPEG、TIFF",
        "en": "Unsupported file type ({detected}); only PDF, PNG, JPEG and TIFF are accepted",
    },
    "input.corrupt_pdf": {
        "zh-CN": "PDF 文件已损坏，无法读取：{detail}",
        "en": "The PDF is corrupt and cannot be read: {detail}",
    },
    "input.encrypted_pdf": {
        "zh-CN": "PDF 文件已加密，请提供未加密的文件",
        "en": "The PDF is encrypted; please supply an unencrypted file",
    },
    "input.corrupt_image": {
        "zh-CN": "图像文件已损坏，无法读取：{detail}",
        "en": "The image is corrupt and cannot be read: {detail}",
    },
    "input.image_too_large": {
        "zh-CN": "图像像素过多：{pixels} 像素，上限 {limit} 像素（疑似解压炸弹）",
        "en": "Image has too many pixels: {pixels}, limit {limit} (possible decompression bomb)",
    },
    "input.too_many_pages": {
        "zh-CN": "页数过多：{pages} 页，上限 {limit} 页",
        "en": "Too many pages: {pages}, limit {limit}",
    },
    "input.no_pages": {"zh-CN": "文件中没有页面", "en": "The file has no pages"},
    "input.not_found": {"zh-CN": "找不到文件：{path}", "en": "File not found: {path}"},
    "input.mislabelled": {
        "zh-CN": "文件扩展名为 {ext}，但内容是 {detected}",
        "en": "The file is named {ext} but its content is {detected}",
    },
    # records
    "document.not_found": {"zh-CN": "档案 {id} 不存在", "en": "Document {id} does not exist"},
    "document.duplicate": {
        "zh-CN": "重复文件：与档案 {id} 内容相同",
        "en": "Duplicate: same content as document {id}",
    },
    "document.resumed": {
        "zh-CN": "续办：档案 {id} 此前的处理被中断，现已接着完成",
        "en": "Resumed: the interrupted processing of document {id} was finished",
    },
    "document.not_retryable": {
        "zh-CN": "档案 {id} 无需重试：当前状态为“{state}”，只有处理失败或被中断的档案可以重试",
        "en": "Document {id} needs no retry: it is {state}; only failed or interrupted documents can be retried",
    },
    "document.pending": {
        "zh-CN": "{count} 份档案尚未处理完毕（排队、处理中或待重试），稍后会自动续办；`dangan check --repair` 立即续办",
        "en": "{count} documents are not finished yet (queued, processing or awaiting a retry) and will be resumed; "
        "`dangan check --repair` resumes them now",
    },
    "document.duplicate_hidden": {
        "zh-CN": "该文件已在档案中（如需查阅，请向档案管理员询问）",
        "en": "This file is already in the archive (ask the archivist if you need to read it)",
    },
    "doctype.unknown": {"zh-CN": "未知的档案类型：{name}", "en": "Unknown document type: {name}"},
    "doctype.rules_invalid": {
        "zh-CN": "档案类型规则无效：{detail}",
        "en": "Invalid document-type rules: {detail}",
    },
    "archive_no.malformed": {
        "zh-CN": "档号格式不正确：{value}",
        "en": "Malformed archive number: {value}",
    },
    "archive_no.duplicate": {
        "zh-CN": "档号已被使用：{value}",
        "en": "Archive number already in use: {value}",
    },
    "customer.not_found": {"zh-CN": "客户 {id} 不存在", "en": "Customer {id} does not exist"},
    "customer.status_unknown": {
        "zh-CN": "未知的客户状态：{status}（可选 {known}）",
        "en": "Unknown customer status: {status} (known: {known})",
    },
    "customer.nothing_to_change": {
        "zh-CN": "请指定要变更的部门、负责人或状态",
        "en": "Name the department, owner or status to change",
    },
    "customer.reason_required": {"zh-CN": "请填写变更理由", "en": "Give a reason for the change"},
    "customer.unchanged": {
        "zh-CN": "客户档案 {id} 已是这些值",
        "en": "Customer file {id} already has these values",
    },
    "customer.change_forbidden": {
        "zh-CN": "变更客户档案的部门或负责人需由经理或该档案所属部门的经理进行；状态也可由档案管理员变更",
        "en": "A customer file's department or owner is changed by a manager or the manager of its "
        "department; its status also by an archivist",
    },
    "customer.no_reason": {"zh-CN": "未说明理由（命令行）", "en": "No reason given (command line)"},
    "capture.failed": {
        "zh-CN": "文件未能入库（已保持原状，可重试）：{detail}",
        "en": "The file could not be captured (nothing was kept; try again): {detail}",
    },
    "processing.failed": {"zh-CN": "处理失败：{detail}", "en": "Processing failed: {detail}"},
    "ocr.failed": {"zh-CN": "文字识别失败：{detail}", "en": "OCR failed: {detail}"},
    # storage
    "storage.unavailable": {
        "zh-CN": "对象存储不可用：{detail}",
        "en": "Object storage is unavailable: {detail}",
    },
    "storage.object_mismatch": {
        "zh-CN": "对象 {key} 已存在但大小不符（存储 {stored} 字节，新内容 {size} 字节），未覆盖",
        "en": "Object {key} already exists with a different size ({stored} bytes stored, {size} new); not overwritten",
    },
    # search
    "search.bad_query": {"zh-CN": "查询语句有误：{detail}", "en": "Malformed query: {detail}"},
    "search.empty_query": {
        "zh-CN": "查询中没有可检索的内容",
        "en": "The query contains nothing to search for",
    },
    # access: accounts, levels, requests, grants
    "access.denied": {
        "zh-CN": "您无权查阅此档案；如需查阅，请提交查阅申请",
        "en": "You are not cleared to read this record; submit an access request",
    },
    "access.denied.inactive": {"zh-CN": "账号已停用", "en": "The account is disabled"},
    "access.reason.everyone": {"zh-CN": "内部公开", "en": "Internal: open to every user"},
    "access.reason.position": {"zh-CN": "按职务可查阅", "en": "Readable by position"},
    "access.reason.department_member": {"zh-CN": "本部门档案", "en": "A file of your department"},
    "access.reason.department_manager": {"zh-CN": "部门经理", "en": "Department manager"},
    "access.reason.owner": {"zh-CN": "本人负责的客户", "en": "Your own customer"},
    "access.reason.owner_manager": {"zh-CN": "下属负责的客户", "en": "A customer of your team"},
    "access.reason.grant": {"zh-CN": "经审批授权", "en": "Granted by an approved request"},
    "access.reason_required": {"zh-CN": "请填写查阅事由", "en": "Give a reason for the request"},
    "access.nothing_requested": {
        "zh-CN": "请指定要查阅的档案或客户",
        "en": "Name the documents or the customer file to read",
    },
    "access.bad_period": {
        "zh-CN": "查阅期限无效：须在开始之后，且不超过 {max_days} 天",
        "en": "Invalid period: it must end after it starts and last at most {max_days} days",
    },
    "access.not_needed": {
        "zh-CN": "无需申请：您已可查阅这些档案",
        "en": "No request needed: you can already read these records",
    },
    "access.no_approver": {
        "zh-CN": "无法提交：审批环节“{step}”没有可审批的人",
        "en": "Cannot submit: nobody can sign the approval step '{step}'",
    },
    "access.request_not_found": {"zh-CN": "查阅申请 {id} 不存在", "en": "Access request {id} does not exist"},
    "access.request_closed": {
        "zh-CN": "查阅申请 {id} 已结束（{state}）",
        "en": "Access request {id} is already closed ({state})",
    },
    "access.not_your_step": {
        "zh-CN": "您不是此申请当前环节的审批人",
        "en": "You are not an approver of this request's current step",
    },
    "access.not_your_turn": {
        "zh-CN": "尚未轮到您审批：前一环节还未签批",
        "en": "Not your turn yet: an earlier step has not been signed",
    },
    "access.comment_required": {"zh-CN": "驳回时请填写意见", "en": "A refusal needs a comment"},
    "access.not_yours": {
        "zh-CN": "无权查看或操作他人的记录",
        "en": "You may not see or act on another user's records",
    },
    "grant.not_found": {"zh-CN": "授权 {id} 不存在", "en": "Grant {id} does not exist"},
    "grant.revoke_forbidden": {"zh-CN": "您无权撤销此授权", "en": "You may not revoke this grant"},
    "grant.already_revoked": {"zh-CN": "授权 {id} 已被撤销", "en": "Grant {id} is already revoked"},
    "level.unknown": {
        "zh-CN": "未知的密级：{level}（可选 internal、department、company、personal）",
        "en": "Unknown level: {level} (internal, department, company or personal)",
    },
    "metadata.reason_required": {
        "zh-CN": "请填写更正著录信息的理由",
        "en": "Give a reason for the correction",
    },
    "metadata.title_empty": {"zh-CN": "题名不能为空", "en": "The title cannot be empty"},
    "metadata.unchanged": {"zh-CN": "著录信息没有变化", "en": "Nothing would change"},
    "metadata.change_forbidden": {
        "zh-CN": "只有能按权限查阅该档案的档案管理员或经理可以更正著录信息",
        "en": "Only an archivist or manager who may read this record by right can correct its description",
    },
    "level.reason_required": {"zh-CN": "请填写变更密级的理由", "en": "Give a reason for the level change"},
    "level.change_forbidden": {
        "zh-CN": "变更密级需由可查阅该档案的经理进行",
        "en": "A level change needs a manager who may read the record",
    },
    "level.unchanged": {"zh-CN": "密级已是 {level}", "en": "The level is already {level}"},
    "level_rule.invalid": {
        "zh-CN": "密级规则中有未知代码：{codes}",
        "en": "Unknown codes in the level rule: {codes}",
    },
    "login.ok": {"zh-CN": "登录成功", "en": "Logged in"},
    "login.failed": {
        "zh-CN": "用户名或密码错误；连续失败多次后账号会暂时锁定，请稍后再试",
        "en": "Wrong login or password; after repeated failures an account is locked for a while, so try again later",
    },
    "login.locked": {
        "zh-CN": "登录失败次数过多，账号已暂时锁定，请稍后再试",
        "en": "Too many failed logins; the account is locked for a while",
    },
    "password.too_short": {
        "zh-CN": "密码至少需要 {min} 个字符",
        "en": "The password needs at least {min} characters",
    },
    "password.wrong": {"zh-CN": "原密码不正确", "en": "The current password is wrong"},
    "password.unchanged": {
        "zh-CN": "新密码不能与原密码相同",
        "en": "The new password must differ from the old one",
    },
    "permission.role_required": {"zh-CN": "此操作需要“{role}”角色", "en": "This needs the '{role}' role"},
    "user.not_found": {"zh-CN": "用户 {login} 不存在", "en": "User {login} does not exist"},
    "user.exists": {"zh-CN": "用户 {login} 已存在", "en": "User {login} already exists"},
    "user.login_required": {"zh-CN": "请填写登录名", "en": "A login name is required"},
    "user.last_admin": {
        "zh-CN": "不能停用或降级最后一个管理员",
        "en": "The last active admin cannot be disabled or lose the admin role",
    },
    "department.not_found": {"zh-CN": "部门 {code} 不存在", "en": "Department {code} does not exist"},
    "department.exists": {"zh-CN": "部门 {code} 已存在", "en": "Department {code} already exists"},
    "role.unknown": {
        "zh-CN": "未知的角色：{role}（可选 {known}）",
        "en": "Unknown role: {role} (known: {known})",
    },
    "position.unknown": {
        "zh-CN": "未知的职务：{position}（可选 {known}）",
        "en": "Unknown position: {position} (known: {known})",
    },
    "token.name_required": {"zh-CN": "请为令牌命名", "en": "Give the token a name"},
    "token.days_invalid": {"zh-CN": "令牌有效期至少为 1 天", "en": "A token must live at least 1 day"},
    "token.too_long": {
        "zh-CN": "令牌有效期 {days} 天过长，最长 {max} 天",
        "en": "A token may live at most {max} days, not {days}",
    },
    "token.not_found": {"zh-CN": "令牌 {id} 不存在", "en": "Token {id} does not exist"},
    "token.not_yours": {"zh-CN": "只能撤销自己的令牌", "en": "You may revoke only your own tokens"},
    "token.already_revoked": {"zh-CN": "令牌 {id} 已被撤销", "en": "Token {id} is already revoked"},
    "notification.not_found": {"zh-CN": "消息 {id} 不存在", "en": "Message {id} does not exist"},
    "notify.access.pending": {
        "zh-CN": "{requester} 的查阅申请 {request_id} 等待您审批",
        "en": "Access request {request_id} from {requester} awaits your decision",
    },
    "notify.access.approved": {
        "zh-CN": "您的查阅申请 {request_id} 已批准，有效期至 {until}",
        "en": "Your access request {request_id} was approved, valid until {until}",
    },
    "notify.access.refused": {
        "zh-CN": "您的查阅申请 {request_id} 被驳回：{comment}",
        "en": "Your access request {request_id} was refused: {comment}",
    },
    "notify.grant.revoked": {
        "zh-CN": "您的查阅授权 {grant_id} 已被撤销",
        "en": "Your access grant {grant_id} was revoked",
    },
    # api: signing in, sessions, CSRF, the acting user, the audit trail
    "auth.required": {"zh-CN": "请先登录", "en": "Sign in first"},
    "auth.cross_site": {
        "zh-CN": "来自其他网站的登录请求已被拒绝，请在本系统的登录页面登录",
        "en": "A sign-in sent from another site was refused; sign in on this site's own page",
    },
    "auth.session_ended": {"zh-CN": "会话已结束，请重新登录", "en": "The session has ended; sign in again"},
    "auth.token_invalid": {
        "zh-CN": "API 令牌无效、已过期或已撤销",
        "en": "The API token is invalid, expired or revoked",
    },
    "auth.csrf": {
        "zh-CN": "缺少或错误的 CSRF 令牌（请求头 X-CSRF-Token）",
        "en": "Missing or wrong CSRF token (header X-CSRF-Token)",
    },
    "password.must_change": {
        "zh-CN": "请先修改初始密码（POST /api/password）",
        "en": "Change your one-time password first (POST /api/password)",
    },
    "password.file_unreadable": {
        "zh-CN": "无法读取密码文件：{path}",
        "en": "Cannot read the password file: {path}",
    },
    "user.disabled": {"zh-CN": "用户 {login} 已停用", "en": "User {login} is disabled"},
    "access.reason.uploader": {
        "zh-CN": "您上传的文件（仅处理状态）",
        "en": "Your upload (processing status only)",
    },
    "level.no_reason": {"zh-CN": "未说明理由（命令行）", "en": "No reason given (command line)"},
    "audit.bad_time": {
        "zh-CN": "时间格式有误：{value}（应为 YYYY-MM-DD 或 ISO 8601）",
        "en": "Bad time: {value} (use YYYY-MM-DD or ISO 8601)",
    },
    "audit.chain_broken": {
        "zh-CN": "审计链在事件 {id} 处断开：{reason}",
        "en": "The audit chain is broken at event {id}: {reason}",
    },
    "audit.chain_intact": {
        "zh-CN": "审计链完整：共 {count} 个事件",
        "en": "The audit chain is intact: {count} events",
    },
    "audit.chain_intact_keyed": {
        "zh-CN": "审计链完整：共 {count} 个事件，与 {checkpoints} 个库外检查点一致",
        "en": "The audit chain is intact: {count} events, agreeing with {checkpoints} checkpoints kept outside the database",
    },
    "audit.checkpoint_written": {
        "zh-CN": "已写入审计链检查点 {name}（截至事件 {id}，共 {count} 个事件）",
        "en": "Audit checkpoint {name} written (head event {id}, {count} events)",
    },
    "audit.key_rotated": {
        "zh-CN": "审计密钥已轮换：{old} → {new}；请将密钥文件复制到每台写入审计事件的机器",
        "en": "Audit key rotated: {old} → {new}; copy the key file to every machine that writes audit events",
    },
    "user.one_time_password": {
        "zh-CN": "用户 {login} 的一次性密码（仅显示这一次，首次登录后须修改）：{password}",
        "en": "One-time password of {login} (shown this once; change it after signing in): {password}",
    },
    # generic
    "request.invalid": {"zh-CN": "请求参数有误：{detail}", "en": "Invalid request: {detail}"},
    "request.not_found": {"zh-CN": "页面或资源不存在", "en": "Not found"},
    "request.invalid_characters": {
        "zh-CN": "{field} 中含有不允许的控制字符（如空字符），请删除后重试",
        "en": "{field} contains a control character (such as NUL) that is not allowed; remove it and retry",
    },
    "request.method_not_allowed": {
        "zh-CN": "此地址不支持该请求方法（可用：{allow}）",
        "en": "This address does not accept that method (allowed: {allow})",
    },
    # status words shown by the CLI
    "status.ingested": {"zh-CN": "已入库", "en": "ingested"},
    "status.duplicate": {"zh-CN": "重复", "en": "duplicate"},
    "status.rejected": {"zh-CN": "已拒收", "en": "rejected"},
}

LANGUAGES = ("zh-CN", "en")


def _merge(part: dict[str, dict[str, str]]) -> None:
    """Add one package's part of the catalogue; a code defined twice is a mistake."""
    clash = CATALOGUE.keys() & part.keys()
    if clash:
        raise RuntimeError(f"message codes defined twice: {sorted(clash)}")
    CATALOGUE.update(part)


# Each area keeps its own part of the one catalogue, so that they can grow side by side.
from core.messages_custody import MESSAGES as _CUSTODY  # noqa: E402
from core.messages_customer_io import MESSAGES as _CUSTOMER_IO  # noqa: E402  (issue 12: list, import, export)
from core.messages_customers import MESSAGES as _CUSTOMERS  # noqa: E402
from core.messages_ocr import MESSAGES as _OCR  # noqa: E402 - issue 18
from core.messages_retention import MESSAGES as _RETENTION  # noqa: E402
from core.messages_search import MESSAGES as _SEARCH  # noqa: E402
from core.messages_web import MESSAGES as _WEB  # noqa: E402

for _part in (_SEARCH, _WEB, _RETENTION, _CUSTODY, _CUSTOMERS, _OCR, _CUSTOMER_IO):
    _merge(_part)

# --- customer lifecycle (issue 12: follow-ups, grades, merge, offboarding) ---
from core.messages_lifecycle import MESSAGES as _LIFECYCLE  # noqa: E402

_merge(_LIFECYCLE)
# handovers and the company calendar (issue 13)
from core.messages_handover import MESSAGES as _HANDOVER  # noqa: E402

_merge(_HANDOVER)
# custody: ledgers, labels, inspections, reminders, pages (issue 13)
from core.messages_custody_records import MESSAGES as _CUSTODY_RECORDS  # noqa: E402

_merge(_CUSTODY_RECORDS)

# --- operations (issue 14: scheduled jobs, notifications by channel, health) ---
from core.messages_ops import MESSAGES as _OPS  # noqa: E402

_merge(_OPS)

# --- backup, restore, fixity, check (issue 14) ---
from core.messages_operations import MESSAGES as _OPERATIONS  # noqa: E402

_merge(_OPERATIONS)


def translate(code: str, language: str = "zh-CN", /, **params: object) -> str:
    """The message for code in language, with params filled in."""
    entry = CATALOGUE.get(code)
    if entry is None:
        return code
    text = entry.get(language) or entry["en"]
    params = {
        k: translate(v.code, language, **v.params) if isinstance(v, Phrase) else v for k, v in params.items()
    }
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def bilingual(code: str, /, **params: object) -> str:
    """Both languages on one line, Chinese first: for logs, CLI and reason files."""
    return f"{translate(code, 'zh-CN', **params)} / {translate(code, 'en', **params)}"


def pick_language(accept_language: str | None, default: str = "zh-CN") -> str:
    """The best of our languages for an Accept-Language header."""
    if not accept_language:
        return default
    best, best_q = default, -1.0
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        tag = tag.strip().lower()
        lang = "zh-CN" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if lang and weight > best_q:
            best, best_q = lang, weight
    return best
