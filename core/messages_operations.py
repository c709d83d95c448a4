"""The catalogue's part for backup, restore, fixity and check (issue 14; merged into core.messages.CATALOGUE)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # the database
    "database.locked": {
        "zh-CN": "数据库正被另一个进程锁定，等待 {seconds} 秒后仍未释放；本次操作未写入任何内容，请稍后重试",
        "en": "The database is locked by another process and was still locked after {seconds} s; nothing was "
        "written: try again later",
    },
    # the index folder
    "index.read_only": {
        "zh-CN": "索引文件夹 {path} 不可写（只读或无权限），本次未写入索引；文档已保存，待文件夹可写后运行 dangan check --repair 补建索引",
        "en": "The index folder {path} cannot be written (read-only or no permission); nothing was indexed. The "
        "documents are kept: once the folder is writable, `dangan check --repair` indexes them",
    },
    "index.no_space": {
        "zh-CN": "索引文件夹 {path} 所在磁盘已满，本次未写入索引；文档已保存，腾出空间后运行 dangan check --repair 补建索引",
        "en": "The disk of the index folder {path} is full; nothing was indexed. The documents are kept: free some "
        "space, then `dangan check --repair` indexes them",
    },
    # backup places
    "backup.no_space": {
        "zh-CN": "备份位置 {path} 的磁盘已满，备份未完成；已写入的部分完好，腾出空间后重新运行即可续做",
        "en": "The disk at backup place {path} is full; the backup did not finish. What was written is intact: "
        "free some space and run it again to continue",
    },
    "backup.read_only": {
        "zh-CN": "备份位置 {path} 不可写（只读或无权限），未作任何改动",
        "en": "Backup place {path} cannot be written (read-only or no permission); nothing was changed",
    },
    "backup.bad_target": {
        "zh-CN": "无法识别的备份位置：{target}（应为文件夹路径，或 s3://存储桶/前缀 并设置 DANGAN_BACKUP_S3_ENDPOINT）",
        "en": "Unrecognised backup place: {target} (a folder path, or s3://bucket/prefix with "
        "DANGAN_BACKUP_S3_ENDPOINT set)",
    },
    "backup.no_generation": {
        "zh-CN": "{target} 中没有完整的备份{generation}",
        "en": "No complete backup {generation} at {target}",
    },
    "backup.pg_dump_missing": {
        "zh-CN": "找不到 pg_dump / pg_restore：请安装 postgresql-client（make install 会安装）",
        "en": "pg_dump / pg_restore not found: install postgresql-client (make install does)",
    },
    "backup.pg_dump_version": {
        "zh-CN": "pg_dump 版本（{client}）低于数据库服务器（{server}），无法做一致备份；请安装相同或更新版本",
        "en": "pg_dump ({client}) is older than the database server ({server}); install the same or a newer one",
    },
    "backup.pg_dump_failed": {"zh-CN": "数据库备份失败：{detail}", "en": "Database backup failed: {detail}"},
    "backup.pg_restore_failed": {
        "zh-CN": "数据库恢复失败：{detail}",
        "en": "Database restore failed: {detail}",
    },
    "backup.wrong_database": {
        "zh-CN": "备份中的数据库（{kind}）与当前配置的数据库类型不同",
        "en": "The backup's database ({kind}) is not of the configured kind",
    },
    "backup.keyring_unsealable": {
        "zh-CN": "无法解开备份中的审计密钥环：口令（DANGAN_BACKUP_PASSPHRASE）不对，或文件已被改动",
        "en": "The backup's audit key ring cannot be unsealed: wrong passphrase (DANGAN_BACKUP_PASSPHRASE) "
        "or the file was changed",
    },
    "backup.verify_failed": {
        "zh-CN": "备份 {generation} 校验未通过：缺失 {missing}，大小不符 {wrong_size}，内容损坏 {corrupt}，"
        "附属文件问题 {tags}",
        "en": "Backup {generation} failed verification: {missing} missing, {wrong_size} of the wrong size, "
        "{corrupt} corrupt, {tags} tag-file problems",
    },
    "backup.verified": {
        "zh-CN": "备份 {generation} 完整：{objects} 个对象、{bytes} 字节，哈希全部相符",
        "en": "Backup {generation} is complete: {objects} objects, {bytes} bytes, every hash matches",
    },
    "backup.done": {
        "zh-CN": "备份 {generation} 完成：{objects} 个对象，新复制 {copied} 个（{bytes} 字节），用时 {seconds} 秒",
        "en": "Backup {generation} done: {objects} objects, {copied} newly copied ({bytes} bytes) in {seconds} s",
    },
    "backup.keyring_left_out": {
        "zh-CN": "未设置 DANGAN_BACKUP_PASSPHRASE：审计密钥环未放入备份，请另行妥善保管（需要的密钥：{ids}）",
        "en": "DANGAN_BACKUP_PASSPHRASE is not set: the audit key ring is not in the backup; keep it apart "
        "(keys needed: {ids})",
    },
    "backup.unverified_sources": {
        "zh-CN": "{count} 个存储对象的内容与其哈希不符，未复制（请运行 dangan fixity）",
        "en": "{count} stored objects do not match their hash and were not copied (run dangan fixity)",
    },
    "backup.interrupted": {
        "zh-CN": "备份中断：{reason}。已复制的对象保留，重新运行只复制缺少的部分",
        "en": "Backup interrupted: {reason}. Objects already copied are kept; a new run copies only what is missing",
    },
    # restore
    "restore.database_not_empty": {
        "zh-CN": "目标数据库不是空的：恢复只写入空的 DANGAN_HOME 或空数据库，现有数据未作改动",
        "en": "The target database is not empty: a restore writes only into an empty DANGAN_HOME or database; "
        "nothing was changed",
    },
    "restore.store_not_empty": {
        "zh-CN": "目标对象存储不是空的：恢复只写入空的存储，现有数据未作改动",
        "en": "The target object store is not empty: a restore writes only into an empty store; nothing was changed",
    },
    "restore.keyring_needed": {
        "zh-CN": "恢复需要审计密钥 {ids}：请设置 DANGAN_BACKUP_PASSPHRASE 以解开备份中的密钥环，或先把密钥环文件放回原处",
        "en": "The restore needs audit key(s) {ids}: set DANGAN_BACKUP_PASSPHRASE to unseal the backup's key "
        "ring, or put the key ring file in place first",
    },
    "restore.no_database": {
        "zh-CN": "备份 {generation} 中没有数据库文件",
        "en": "Backup {generation} holds no database",
    },
    "restore.database_corrupt": {
        "zh-CN": "备份 {generation} 的数据库文件与清单哈希不符，未恢复",
        "en": "The database file of backup {generation} does not match its manifest hash; nothing restored",
    },
    "restore.done": {
        "zh-CN": "已从备份 {generation} 恢复：{objects} 个对象，重建索引 {indexed} 份；检查{check}，完整性校验{fixity}",
        "en": "Restored from backup {generation}: {objects} objects, {indexed} documents indexed; check {check}, "
        "fixity {fixity}",
    },
    "restore.reapplied": {
        "zh-CN": "备份之后已销毁的 {count} 份档案按销毁清册再次销毁，不会恢复：{names}",
        "en": "{count} records destroyed after the backup were destroyed again as their registers say, "
        "and not restored: {names}",
    },
    "restore.ok": {"zh-CN": "通过", "en": "passed"},
    "restore.failed": {"zh-CN": "未通过", "en": "failed"},
    # fixity
    "storage.quarantined": {
        "zh-CN": "该档案的存储文件（{sha}…）未通过完整性校验，已隔离，暂不能提供；正在从备份恢复，请联系档案管理员",
        "en": "This record's stored file ({sha}…) failed its integrity check and is quarantined, so it is not "
        "served; it is being restored from the backup — please contact the archivist",
    },
    "storage.quarantined_missing": {
        "zh-CN": "该档案的存储文件（{sha}…）已丢失，已隔离；正在从备份恢复，请联系档案管理员",
        "en": "This record's stored file ({sha}…) is missing and quarantined; it is being restored from the "
        "backup — please contact the archivist",
    },
    "fixity.done": {
        "zh-CN": "完整性校验：检查 {checked}，通过 {passed}，被改动 {changed}，缺失 {missing}，多余 {unexpected}，"
        "隔离中 {quarantined}，已修复 {repaired}",
        "en": "Fixity: {checked} checked, {passed} passed, {changed} changed, {missing} missing, "
        "{unexpected} unexpected, {quarantined} in quarantine, {repaired} repaired",
    },
    # check
    "check.store_problems": {
        "zh-CN": "存储与数据库不一致：对象缺失或大小不符 {objects}，多余对象 {orphans}，档号断号的系列 {gaps}，隔离中 {quarantined}",
        "en": "The store disagrees with the database: {objects} objects missing or of the wrong size, "
        "{orphans} orphan objects, {gaps} series with gaps in their numbers, {quarantined} in quarantine",
    },
    "check.custody_marks": {
        "zh-CN": "实物档案：{count} 件的“最后一次移动”标记与移动记录不符（已按移动记录重新标记 {repaired} 件）",
        "en": "Paper originals: for {count} items the mark of the last movement disagrees with the movements "
        "({repaired} marked again from the movements)",
    },
    "check.count_problems": {
        "zh-CN": "客户构成分析的文件计数与文件不符：{keys} 组（dangan check --repair 按文件重新计数）",
        "en": "The customer analysis' document counts disagree with the documents in {keys} groups "
        "(dangan check --repair counts them again)",
    },
    "check.counts_rebuilt": {
        "zh-CN": "已按文件重新计数（客户构成分析）：{keys} 组不符已更正",
        "en": "Document counts of the customer analysis rebuilt from the documents: {keys} groups corrected",
    },
    # admin page
    "ui.operations.title": {"zh-CN": "备份与完整性", "en": "Backup and integrity"},
    "ui.operations.last_backup": {"zh-CN": "最近一次备份", "en": "Last backup"},
    "ui.operations.last_fixity": {"zh-CN": "最近一次完整性校验", "en": "Last fixity check"},
    "ui.operations.none": {"zh-CN": "尚无记录", "en": "None yet"},
    "ui.operations.quarantined": {"zh-CN": "隔离中的对象", "en": "Objects in quarantine"},
    "ui.operations.no_quarantine": {"zh-CN": "没有隔离中的对象", "en": "No object is in quarantine"},
    "ui.operations.jobs": {"zh-CN": "定时任务", "en": "Scheduled jobs"},
    "ui.operations.state.running": {"zh-CN": "进行中", "en": "running"},
    "ui.operations.state.complete": {"zh-CN": "完成", "en": "complete"},
    "ui.operations.state.failed": {"zh-CN": "失败", "en": "failed"},
    "ui.operations.state.interrupted": {"zh-CN": "中断（可续做）", "en": "interrupted (resumable)"},
    "ui.operations.run_line": {
        "zh-CN": "{when}：{state}，{objects} 个对象，新复制 {copied} 个 → {target}",
        "en": "{when}: {state}, {objects} objects, {copied} newly copied → {target}",
    },
    "ui.operations.fixity_line": {
        "zh-CN": "{when}：检查 {checked}，通过 {passed}，被改动 {changed}，缺失 {missing}",
        "en": "{when}: {checked} checked, {passed} passed, {changed} changed, {missing} missing",
    },
    "ui.operations.object": {"zh-CN": "对象", "en": "Object"},
    "ui.operations.document": {"zh-CN": "档案", "en": "Record"},
    "ui.operations.result.changed": {"zh-CN": "内容被改动", "en": "changed"},
    "ui.operations.result.missing": {"zh-CN": "缺失", "en": "missing"},
    "ui.operations.since": {"zh-CN": "隔离时间", "en": "Quarantined since"},
    "ui.operations.job_ok": {"zh-CN": "成功", "en": "succeeded"},
    "ui.operations.job_failed": {"zh-CN": "失败", "en": "failed"},
    "ui.operations.job_running": {"zh-CN": "运行中", "en": "running"},
}
