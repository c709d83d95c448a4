"""Settings: every knob is a DANGAN_* environment variable with a help text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Settings(BaseSettings):
    """Dangan's configuration, read from DANGAN_* variables (and a .env file in the working directory)."""

    model_config = SettingsConfigDict(env_prefix="DANGAN_", env_file=".env", extra="ignore")

    home: Path = Field(
        Path("data"), description="Data directory: SQLite database, objects, index, job queue."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is the SQLite file DANGAN_HOME/dangan.db (WAL)."
    )
    database_busy_seconds: float = Field(
        60,
        gt=0,
        description="How long a SQLite write waits for a lock another process holds before it stops with a "
        "clear error (`database.locked`, nothing written).",
    )
    storage_backend: Literal["fs", "s3"] = Field(
        "fs", description="Where originals and derivatives live: `fs` (DANGAN_HOME/objects) or `s3`."
    )
    s3_endpoint: str = Field(
        "127.0.0.1:9000", description="S3 endpoint host:port (MinIO, SeaweedFS, AWS...)."
    )
    s3_access_key: str | None = Field(
        None, description="S3 access key (never committed; use the environment)."
    )
    s3_secret_key: str | None = Field(
        None, description="S3 secret key (never committed; use the environment)."
    )
    s3_bucket: str = Field(
        "dangan", description="S3 bucket for originals and derivatives; created if missing."
    )
    s3_region: str | None = Field(None, description="S3 region, if the server needs one.")
    s3_secure: bool = Field(False, description="Use HTTPS for S3.")
    s3_object_lock: Literal["off", "governance", "compliance"] = Field(
        "off",
        description=(
            "WORM: `governance` or `compliance` keeps originals and derivatives in an object-lock bucket, each "
            "retained until its record's due date and under S3 legal hold while a Dangan hold covers it; "
            "`compliance` cannot be lifted early by anyone, `governance` by a key with the bypass right."
        ),
    )
    s3_lock_permanent_years: int = Field(
        10,
        description="Retain-until of permanent records (and registers) this many years ahead, renewed by the "
        "retention lock job (`dangan retention lock`).",
    )
    s3_part_size: int = Field(
        16 * 1024 * 1024,
        description="Multipart upload part size in bytes for S3 (an upload holds about two parts in memory).",
    )
    max_upload_bytes: int = Field(
        1024 * 1024 * 1024, description="Largest file accepted, in bytes; larger files are rejected."
    )
    max_image_pixels: int = Field(
        120_000_000,
        description="Largest image (width x height) accepted; guards against decompression bombs.",
    )
    max_pages: int = Field(5000, description="Most pages accepted in one file.")
    ocr_workers: int = Field(default_factory=_cores, description="OCR worker processes (default: CPU cores).")
    ocr_languages: str = Field(
        "chi_sim+eng",
        description="Tesseract languages: the first reads the page; `eng` re-reads runs of English words.",
    )
    ocr_dpi: int = Field(
        300, description="Resolution at which PDF pages without a text layer are rendered for OCR."
    )
    ocr_low_confidence: float = Field(
        70.0, description="Pages whose mean OCR confidence is below this are flagged for review."
    )
    ocr_engine: Literal["tesseract", "rapidocr", "auto"] = Field(
        "auto",
        description=(
            "OCR engine: `auto` reads photos with RapidOCR and other pages with tesseract, asking RapidOCR too "
            "where tesseract's confidence is low or a seal covers text, and keeps the better reading."
        ),
    )
    text_layer_min_chars: int = Field(
        20, description="A PDF page with at least this many characters of text layer is not OCRed."
    )
    layout_pages: int = Field(
        2, description="Leading text-layer pages also read by pdfplumber for key-value fields and tables."
    )
    org_name: str = Field(
        "鸿达融资担保有限公司",
        description="The archive's own organisation; never taken as a document's customer.",
    )
    fonds_code: str = Field("A001", description="Fonds code (全宗号), first part of the archive number.")
    archive_class: str = Field(
        "KH", description="Class code (类别) in the archive number; KH = customer files."
    )
    archive_unit: str = Field("XS", description="Default unit (机构/问题) code in the archive number.")
    archive_pattern: str = Field(
        "{fonds}-{cls}·{year}-{retention}-{unit}-{item:04d}",
        description="Archive number (档号) pattern; fields: fonds, cls, year, retention, unit, item.",
    )
    queue_backend: Literal["sqlite", "redis", "immediate"] = Field(
        "sqlite",
        description="Job queue: `sqlite` (embedded), `redis` (many workers) or `immediate` (inline).",
    )
    queue_name: str = Field("dangan", description="Job-queue name (Redis key prefix / SQLite queue).")
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0", description="Redis URL when DANGAN_QUEUE_BACKEND=redis."
    )
    worker_threads: int = Field(2, description="Job-queue worker threads (in `serve` and `worker`).")
    serve_worker: bool = Field(True, description="`dangan serve` also runs the job worker in-process.")
    processing_lease: int = Field(
        900,
        description="Seconds without progress after which another machine's unfinished document is resumed "
        "(on this machine a stopped process is noticed at once).",
    )
    retry_limit: int = Field(
        5, description="Attempts at a document whose processing failed by itself (an outage, a crash)."
    )
    retry_delay: int = Field(
        60,
        description="Seconds before the first retry of a failed document; each next one waits four times longer.",
    )
    resume_interval: int = Field(
        300, description="Seconds between the worker's looks for interrupted and retryable documents."
    )
    index_batch_size: int = Field(200, description="Documents per index commit.")
    search_engine: Literal["whoosh", "tantivy"] = Field(
        "whoosh",
        description=(
            "Search engine for a new index and the default of `dangan index rebuild --engine`; an existing "
            "index keeps the engine it was built with until it is rebuilt with another."
        ),
    )
    host: str = Field("127.0.0.1", description="Address `dangan serve` binds to.")
    port: int = Field(8000, description="Port `dangan serve` listens on.")
    timezone: str = Field("Asia/Shanghai", description="Time zone for dates shown to people.")
    default_language: Literal["zh-CN", "en"] = Field(
        "zh-CN", description="Language of messages when the client does not ask for one."
    )
    login_max_failures: int = Field(
        5,
        description="Failed logins in a row after which an account is locked for DANGAN_LOGIN_LOCKOUT_MINUTES.",
    )
    login_lockout_minutes: int = Field(15, description="How long a locked account refuses every login.")
    password_min_length: int = Field(10, description="Shortest password accepted when one is set or changed.")
    session_idle_minutes: int = Field(
        30,
        description="A web session unused this long ends (its last use is written at most once a minute, so it "
        "may end up to a minute sooner).",
    )
    session_max_hours: int = Field(12, description="A web session ends this long after login, however used.")
    audit_key_file: Path | None = Field(
        None,
        description="Key ring of the audit chain's HMAC keys (one key a line, oldest first); default "
        "DANGAN_HOME/secrets/audit.key, created with mode 0600 on first use. Keep it off the database server, "
        "back it up apart from the database, copy it to every machine that writes audit events.",
    )
    audit_key: SecretStr | None = Field(
        None,
        description="Audit chain key(s) given directly (64 hex digits, comma-separated), e.g. from a container "
        "secret; added to the key ring and used for a new keyed segment. Never logged.",
    )
    token_days_default: int = Field(
        90,
        description="Days an API token lives when its maker does not say (POST /api/tokens without `days`).",
    )
    token_days_max: int = Field(
        365, description="Longest lifetime of an API token, in days; a longer `days` is refused."
    )
    destruction_approvers: int = Field(
        2, description="Distinct approvers a destruction batch needs, none of them its proposer (DSP-3)."
    )
    access_max_days: int = Field(
        90, description="Longest period an access request (查阅申请) may ask for, in days."
    )
    loan_days: int = Field(
        10,
        ge=7,
        le=14,
        description="Default term of a loan of paper originals, in working days (7–14, ACC-2); a request "
        "may ask for another term, and a renewal adds this many unless it says otherwise.",
    )
    loan_slip_pattern: str = Field(
        "借字〔{year}〕第{seq:03d}号",
        description="Loan slip (出借单) number; fields: year, seq (gapless within the year, CLS-4).",
    )
    # handovers (issue 13)
    handover_prefix: str = Field(
        "鸿借字",
        min_length=1,
        max_length=20,
        description="Default number prefix of handover lists (POL-7, e.g. 鸿借字; 鸿担字 for guarantees); "
        "each prefix has its own gapless series per year (CLS-4), and `--prefix` picks another.",
    )
    handover_number_pattern: str = Field(
        "{prefix}〔{year}〕第{n:03d}号",
        description="Number of an accepted handover (档案编号), shared by its certificates (POL-8); fields: "
        "prefix, year, n (gapless per prefix and year). `{prefix}第{n:03d}号` prints 鸿借字第001号 as the "
        "policy does, but then each year's numbers start again at 001.",
    )

    @field_validator("handover_number_pattern")
    @classmethod
    def _number_pattern_formats(cls, value: str) -> str:
        try:
            value.format(prefix="鸿借字", year=2026, n=1)
        except (KeyError, IndexError, ValueError) as err:
            raise ValueError(f"fields are prefix, year and n: {err}") from None
        if "{n" not in value:
            raise ValueError("the pattern must hold {n} (the number in the series)")
        return value

    inspection_days: int = Field(
        90,
        ge=1,
        le=3660,
        description="Inspection cycle of the archive rooms and safes, in days (POL-12): a room or safe whose "
        "last inspection (of it or a place around it) is older is listed as overdue.",
    )
    cookie_secure: Literal["auto", "always", "never"] = Field(
        "auto",
        description=(
            "Secure flag of the session cookie: `auto` sets it except on plain HTTP to a loopback host "
            "(`make run` at http://127.0.0.1:8000), `always` behind a TLS proxy, `never` only for tests."
        ),
    )

    # --- operations (issue 14): scheduled jobs, notifications, logs, metrics ---
    schedule_due_dates: str = Field(
        "01:30",
        description="Daily time (HH:MM, DANGAN_TIMEZONE) of the due-date recompute job; `off` stops it.",
    )
    schedule_retention_lock: str = Field(
        "02:00",
        description="Daily time of the `retention lock` job (recompute, renew S3 retain-until dates, sync legal "
        "holds); `off` stops it.",
    )
    schedule_audit_checkpoint: str = Field(
        "02:30",
        description="Daily time of the audit-trail checkpoint job (`audit checkpoint`); `off` stops it.",
    )
    schedule_reminders: str = Field(
        "08:30",
        description="Daily time of the reminders job (grants expiring, access requests and destruction batches "
        "waiting for approval, loans overdue); `off` stops it.",
    )
    job_retries: int = Field(3, description="Retries of a scheduled job that failed, before it is reported.")
    job_retry_delay: int = Field(
        60,
        description="Seconds before a failed scheduled job's first retry; each next one waits four times longer.",
    )
    reminder_grant_days: int = Field(
        3, description="A grant that ends within this many days is reminded to its holder by the daily job."
    )
    notify_interval: int = Field(
        60,
        description="Seconds between sendings of new notifications by e-mail and group robots (the outbox).",
    )
    notify_attempts: int = Field(
        5, description="Attempts at sending one notification by one channel before it is given up and logged."
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="The address people open Dangan at; notifications carry links under it.",
    )
    smtp_host: str | None = Field(None, description="SMTP server for e-mail notifications; unset: no e-mail.")
    smtp_port: int = Field(25, description="SMTP port.")
    smtp_security: Literal["none", "starttls", "ssl"] = Field(
        "starttls", description="SMTP connection security: `starttls`, `ssl` (implicit TLS) or `none`."
    )
    smtp_user: str | None = Field(None, description="SMTP login, if the server wants one.")
    smtp_password: SecretStr | None = Field(
        None, description="SMTP password (use the environment; never logged)."
    )
    smtp_from: str = Field("dangan@localhost", description="Sender address of e-mail notifications.")
    notify_dingtalk_url: SecretStr | None = Field(
        None,
        description="DingTalk group robot as an Apprise URL (`dingtalk://token/` or `dingtalk://secret@token/`); "
        "unset: no DingTalk channel. Holds the robot's token: use the environment.",
    )
    notify_wecom_url: SecretStr | None = Field(
        None,
        description="WeCom (企业微信) group robot as an Apprise URL (`wecombot://key`); unset: no WeCom channel.",
    )
    notify_feishu_url: SecretStr | None = Field(
        None, description="Feishu group robot as an Apprise URL (`feishu://token`); unset: no Feishu channel."
    )
    log_format: Literal["json", "text"] = Field(
        "json", description="Server and worker logs: JSON lines with a request id (`json`) or plain text."
    )
    log_level: str = Field("INFO", description="Lowest level logged by `serve` and `worker`.")
    web_workers: int = Field(1, description="Web processes of `dangan serve` (its --workers default).")
    # --- backup, restore, fixity (issue 14: POL-6, FIX-3, FIX-4, PRS-1) ---
    backup_dest: str | None = Field(
        None,
        description="Where the scheduled backup goes: a folder or `s3://bucket/prefix` on another server or "
        "bucket than the archive's; unset: no scheduled backup, and fixity repairs only with --repair-from.",
    )
    backup_keep: int = Field(
        12, ge=1, description="Backup generations kept at DANGAN_BACKUP_DEST (oldest go)."
    )
    backup_schedule: str = Field(
        "0 2 1 * *",
        description="When the scheduled backup runs, as cron `minute hour day month weekday` in the server's "
        "time (default 02:00 on the 1st of each month, POL-6).",
    )
    backup_s3_endpoint: str | None = Field(
        None,
        description="S3 endpoint host:port of an `s3://` backup destination (default DANGAN_S3_ENDPOINT).",
    )
    backup_s3_access_key: str | None = Field(
        None, description="S3 access key of the backup destination (never committed; use the environment)."
    )
    backup_s3_secret_key: SecretStr | None = Field(
        None, description="S3 secret key of the backup destination (never committed; use the environment)."
    )
    backup_s3_secure: bool = Field(False, description="Use HTTPS for an `s3://` backup destination.")
    backup_passphrase: SecretStr | None = Field(
        None,
        description="Passphrase that encrypts the audit key ring inside a backup (scrypt + AES-GCM); unset: "
        "the key ring is left out of the backup and must be kept apart. Never logged or stored.",
    )
    storage_retry_seconds: int = Field(
        120,
        ge=0,
        description="How long backup, restore and fixity keep retrying (with backoff) an object store that "
        "does not answer before they stop, resumably.",
    )
    fixity_cycle_days: int = Field(
        90, ge=1, description="Every object is re-hashed at least once in this many days (FIX-3)."
    )
    fixity_schedule: str = Field(
        "30 1 * * *",
        description="When the nightly fixity slice runs (cron `minute hour day month weekday`, server time).",
    )
    fixity_max_mb_per_second: float = Field(
        0.0,
        ge=0,
        description="Read-rate cap of a fixity run in MB/s, so a slice leaves the disks to users; 0: none.",
    )
    orphan_grace_hours: int = Field(
        24,
        ge=0,
        description="`dangan check` names stored objects no record refers to only when older than this.",
    )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file under home."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{(self.home / 'dangan.db').resolve()}"

    @property
    def objects_dir(self) -> Path:
        return self.home / "objects"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def queue_path(self) -> Path:
        return self.home / "jobs.db"

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.home / "secrets" / "audit.key"


def setting_docs() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting, for the README table."""
    rows = []
    for name, field in Settings.model_fields.items():
        if field.default_factory is not None:
            default = "CPU cores" if name == "ocr_workers" else "computed"
        else:
            default = "(none)" if field.default is None else str(field.default)
        rows.append((f"DANGAN_{name.upper()}", default, field.description or ""))
    return rows
