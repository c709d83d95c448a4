"""Crash harness: `dangan ingest` killed with SIGKILL at random moments, then run again, over and over.

    .venv/bin/python -m bench.crash [--rounds 60] [--files 4] [--s3] [--database-url URL] [--seed 17] [--no-write]

Each round adds new files to the intake folder, starts `dangan ingest` on the whole folder, kills its whole
process group at a random moment, and ingests the folder again. After every round each file must be in the
archive exactly once, filed, numbered without gaps and indexed, and `dangan check --json` must say clean;
the harness stops at the first round where that is not so. The test suite runs the same harness with fewer
rounds (tests/workflows/test_recovery.py); this runs more, and counts how many kills landed while documents
were on their way (a kill before anything was captured proves nothing). Figures go to BENCHMARKS.md
(section `crash`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select, text

from bench.report import machine, table, write_section
from core.settings import Settings
from records.models import Document
from workflows.runtime import Runtime

LICENCE = [
    "营业执照",
    "统一社会信用代码：91310115MA1K4Q8X21",
    "名称：上海明远贸易有限公司",
    "法定代表人：王明远",
    "注册资本：人民币伍佰万元整",
]


@dataclass
class Outcome:
    """What the rounds did."""

    rounds: int = 0
    files: int = 0
    interrupted: int = 0  # kills that left documents unfinished
    statuses: Counter = field(default_factory=Counter)  # of the re-runs' JSON lines
    seconds: float = 0.0


class Broken(AssertionError):
    """A round after which the archive was not what it must be."""


def _dangan() -> str:
    return str(Path(sys.executable).with_name("dangan"))


def _env(settings: Settings, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGAN_")}
    env |= {"DANGAN_HOME": str(settings.home), "DANGAN_OCR_WORKERS": "2", **extra}
    if settings.database_url:
        env["DANGAN_DATABASE_URL"] = settings.database_url
    return env


def write_pdfs(folder: Path, count: int, start: int) -> int:
    """count new one-page text PDFs (a licence with its own contract number) in folder; how many."""
    from tests.ingest import samples

    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        samples.write_text_pdf(folder / f"合同{n:04d}.pdf", [*LICENCE, f"合同编号：HT-2026-{n:04d}"])
    return count


def _documents(settings: Settings) -> list[tuple[str, int | None]]:
    runtime = Runtime(settings)
    try:
        with runtime.factory() as session:
            return [tuple(row) for row in session.execute(select(Document.state, Document.item_no))]
    finally:
        runtime.close()


def crash_and_recover(
    settings: Settings,
    workdir: Path,
    *,
    rounds: int,
    seed: int,
    extra_env: dict[str, str] | None = None,
    files_per_round: int = 4,
    kill_window: tuple[float, float] = (0.3, 3.5),
) -> Outcome:
    """Run the rounds; Broken at the first round after which the archive is not whole and clean."""
    rng = random.Random(seed)
    env = _env(settings, extra_env or {})
    exe = _dangan()
    started = time.monotonic()
    subprocess.run([exe, "init"], env=env, check=True, capture_output=True)
    folder = workdir / "intake"
    outcome = Outcome()
    for round_no in range(rounds):
        outcome.files += write_pdfs(folder, files_per_round, outcome.files)
        killed = subprocess.Popen(
            [exe, "ingest", str(folder), "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(*kill_window))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
        outcome.interrupted += any(state != "indexed" for state, _ in _documents(settings))
        rerun = subprocess.run(
            [exe, "ingest", str(folder), "--json"], env=env, capture_output=True, timeout=600
        )
        lines = [json.loads(line) for line in rerun.stdout.decode().splitlines() if line.startswith("{")]
        statuses = [line["status"] for line in lines]
        outcome.statuses.update(statuses)
        if (
            rerun.returncode != 0
            or len(statuses) != outcome.files
            or not set(statuses)
            <= {
                "ingested",
                "resumed",
                "duplicate",
            }
        ):
            raise Broken(
                f"round {round_no}: re-run {rerun.returncode} {Counter(statuses)} {rerun.stderr[-2000:]!r}"
            )
        check = subprocess.run([exe, "check", "--json"], env=env, capture_output=True, timeout=300)
        if check.returncode != 0:
            raise Broken(f"round {round_no}: check exited {check.returncode}: {check.stderr[-2000:]!r}")
        report = json.loads(check.stdout)
        docs = _documents(settings)
        if len(docs) != outcome.files or {state for state, _ in docs} != {"indexed"}:
            raise Broken(
                f"round {round_no}: {len(docs)} documents for {outcome.files} files: {Counter(docs)}"
            )
        if sorted(item for _, item in docs) != list(range(1, outcome.files + 1)):
            raise Broken(
                f"round {round_no}: archive numbers with gaps or twice: {sorted(i for _, i in docs)}"
            )
        if report["clean"] is not True or report["indexed"] != outcome.files:
            raise Broken(f"round {round_no}: check says {report}")
        outcome.rounds += 1
    outcome.seconds = time.monotonic() - started
    return outcome


# --- issue 14: a backup and a restore killed at random moments, then run again ---
@dataclass
class CopyOutcome:
    """What the backup and restore rounds did."""

    backups: int = 0
    restores: int = 0
    killed_midway: int = 0  # kills that left an unfinished generation or restore behind
    seconds: float = 0.0


def _run(exe: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([exe, *args], env=env, capture_output=True, timeout=600)


def _kill_at_random(exe: str, args: list[str], env: dict[str, str], rng: random.Random, window) -> None:  # type: ignore[no-untyped-def]
    running = subprocess.Popen([exe, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    time.sleep(rng.uniform(*window))
    with contextlib.suppress(ProcessLookupError):
        os.killpg(running.pid, signal.SIGKILL)
    running.wait(timeout=30)


def crash_backup_and_restore(
    settings: Settings,
    workdir: Path,
    *,
    rounds: int,
    seed: int,
    files: int = 6,
    kill_window: tuple[float, float] = (0.05, 1.5),
) -> CopyOutcome:
    """Kill `dangan backup` and `dangan restore` (SQLite homes) at random, re-run each: the re-run must finish,
    `backup verify` and `check` must pass, and no half-written file may remain. Broken otherwise."""
    rng = random.Random(seed)
    env = _env(settings, {})
    exe = _dangan()
    started = time.monotonic()
    _run(exe, ["init"], env)
    write_pdfs(workdir / "intake", files, 0)
    if _run(exe, ["ingest", str(workdir / "intake")], env).returncode != 0:
        raise Broken("ingest before the backup rounds failed")
    dest = workdir / "backup"
    outcome = CopyOutcome()
    for round_no in range(rounds):
        write_pdfs(workdir / "intake", 1, files + round_no)
        _run(exe, ["ingest", str(workdir / "intake")], env)
        _kill_at_random(exe, ["backup", str(dest)], env, rng, kill_window)
        outcome.killed_midway += any(not (g / "COMPLETE").exists() for g in (dest / "generations").glob("*"))
        again = _run(exe, ["backup", str(dest), "--json"], env)
        if again.returncode != 0:
            raise Broken(
                f"backup round {round_no}: re-run exited {again.returncode}: {again.stderr[-2000:]!r}"
            )
        verify = _run(exe, ["backup", "verify", str(dest), "--json"], env)
        if verify.returncode != 0:
            raise Broken(
                f"backup round {round_no}: verify exited {verify.returncode}: {verify.stdout[-2000:]!r}"
            )
        if list(dest.rglob(".part-*")):
            raise Broken(f"backup round {round_no}: half-written files {list(dest.rglob('.part-*'))}")
        outcome.backups += 1
        home = workdir / f"restored{round_no}"
        (home / "secrets").mkdir(parents=True)
        (home / "secrets" / "audit.key").write_bytes(settings.audit_key_path.read_bytes())
        target = {k: v for k, v in env.items() if k != "DANGAN_DATABASE_URL"} | {"DANGAN_HOME": str(home)}
        _kill_at_random(exe, ["restore", str(dest)], target, rng, kill_window)
        outcome.killed_midway += (home / "restore-in-progress.json").exists()
        restored = _run(exe, ["restore", str(dest), "--json"], target)
        if restored.returncode != 0:
            raise Broken(
                f"restore round {round_no}: re-run exited {restored.returncode}: {restored.stderr[-2000:]!r}"
            )
        check = _run(exe, ["check", "--json"], target)
        if check.returncode != 0:
            raise Broken(
                f"restore round {round_no}: check exited {check.returncode}: {check.stdout[-2000:]!r}"
            )
        outcome.restores += 1
    outcome.seconds = time.monotonic() - started
    return outcome


@contextlib.contextmanager
def _postgres_schema(url: str) -> Iterator[str]:
    """A schema of its own on the PostgreSQL server at url, dropped afterwards."""
    schema = f"crash_{os.getpid()}"
    base = url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--files", type=int, default=4, help="new files per round")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--s3", action="store_true", help="objects on a SeaweedFS server started here")
    parser.add_argument("--database-url", help="PostgreSQL (postgresql://…); default SQLite under the home")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave BENCHMARKS.md alone.")
    args = parser.parse_args()
    from tests.support.s3server import running_s3_server, unique_bucket_name

    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dangan-bench-crash-")))
        url = stack.enter_context(_postgres_schema(args.database_url)) if args.database_url else None
        extra: dict[str, str] = {}
        if args.s3:
            server = stack.enter_context(running_s3_server())
            extra = {f"DANGAN_{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v)
                     for k, v in server.settings(unique_bucket_name("crash")).items()}  # fmt: skip
        settings = Settings(home=work / "home", database_url=url, _env_file=None)
        outcome = crash_and_recover(
            settings, work, rounds=args.rounds, seed=args.seed, extra_env=extra, files_per_round=args.files
        )
    where = (
        f"{'PostgreSQL' if args.database_url else 'SQLite'}, {'S3 (SeaweedFS)' if args.s3 else 'filesystem'}"
    )
    body = "\n".join(
        [
            f"`python -m bench.crash --rounds {args.rounds} --files {args.files} --seed {args.seed}"
            f"{' --s3' if args.s3 else ''}{' --database-url …' if args.database_url else ''}` — {where}; {machine()}",
            "",
            table(
                ["what", "figure"],
                [
                    ["rounds (kill at a random moment, then re-run)", str(outcome.rounds)],
                    ["files ingested in the end", str(outcome.files)],
                    ["kills that left documents unfinished", str(outcome.interrupted)],
                    ["re-run answers", ", ".join(f"{k} {v}" for k, v in sorted(outcome.statuses.items()))],
                    ["rounds whose archive was not whole and clean", "0 (the harness stops at the first)"],
                    ["seconds", f"{outcome.seconds:.0f}"],
                ],
            ),
        ]
    )
    print(body)
    if not args.no_write:
        write_section("crash", body)


if __name__ == "__main__":
    main()
