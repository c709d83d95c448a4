"""The `dangan` command line (Typer)."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from api.cli import access as cli_access
from api.cli import audit as cli_audit
from api.cli import custody as cli_custody
from api.cli import custody_handover as cli_custody_handover
from api.cli import customers as cli_customers
from api.cli import customers_aliases as cli_customers_aliases
from api.cli import customers_io as cli_customers_io
from api.cli import customers_lifecycle as cli_customers_lifecycle
from api.cli import documents as cli_documents
from api.cli import index as cli_index
from api.cli import offboarding as cli_offboarding
from api.cli import operations as cli_operations
from api.cli import ops as cli_ops
from api.cli import retention as cli_retention
from api.cli import serving as cli_serving
from api.cli import users as cli_users
from api.cli.support import (
    DEFAULT_USER,
    JsonOpt,
    UserOpt,
    acting,
    capturer,
    fail,
    make_runtime,
    read_password_file,
    reported,
)
from api.limits import CLI_ID, has_control_characters
from core.errors import DanganError
from core.messages import bilingual


class _CheckedArguments(TyperGroup):
    """Refuses, in one line and before any command runs, arguments holding a control character (as the API)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            if has_control_characters(arg):
                typer.echo(bilingual("request.invalid_characters", field=repr(arg)[:60]), err=True)
                ctx.exit(2)
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_CheckedArguments,
    add_completion=False,
    no_args_is_help=True,
    help="Dangan (档案): customer archives.",
)
err_console = Console(stderr=True)

for sub in (cli_users, cli_customers, cli_documents, cli_access, cli_audit, cli_retention, cli_custody):
    app.add_typer(sub.app, name=sub.NAME)
app.add_typer(cli_index.app, name=cli_index.NAME)
# --- customer lifecycle (issue 12): followups, grades, regrade, merge; users offboard, holdings ---
cli_customers_lifecycle.register(cli_customers.app)
cli_offboarding.register(cli_users.app)
# handovers and the company's calendar days (issue 13)
cli_custody_handover.register(cli_custody.app, cli_custody.calendar_app)
cli_customers_io.register(cli_customers.app)  # issue 12: analysis, import, export, catalogues
cli_customers_aliases.register(cli_customers.app)  # issue 18: short names
app.command("check")(cli_index.check)
# --- operations (issue 14): jobs list|run; users notify-channels ---
app.add_typer(cli_ops.app, name=cli_ops.NAME)
cli_ops.register(cli_users.app)
# --- backup, restore, fixity (issue 14) ---
cli_operations.register(app)


@app.command()
def init(
    admin_password_file: Annotated[
        Path | None, typer.Option("--admin-password-file", help="The first admin's password (first line).")
    ] = None,
) -> None:
    """Create or upgrade the data directory and database, and the first admin (idempotent).

    Without --admin-password-file the first admin gets a one-time password, printed this once on stdout.
    """
    from workflows.setup import ensure_first_admin, initialise

    password = read_password_file(admin_password_file)
    runtime = make_runtime()
    try:
        with reported(runtime):
            report = initialise(runtime)
            one_time = ensure_first_admin(runtime, password)
    finally:
        runtime.close()
    typer.echo(f"dangan: {runtime.settings.home.resolve()} — {report}", err=True)
    if one_time:
        print(bilingual("user.one_time_password", login=DEFAULT_USER, password=one_time))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (recursive).")],
    customer: Annotated[str | None, typer.Option(help="File everything under this customer.")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Document type code for everything.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file on stdout.")] = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Ingest files as an archivist, staff member or admin: store, read, extract, classify, file, index."""
    from workflows.capture import expand, ingest_files
    from workflows.setup import known_type

    runtime = make_runtime()
    try:
        user = capturer(runtime, user).login
        if doc_type and not known_type(runtime, doc_type):
            fail(bilingual("doctype.unknown", name=doc_type), 2)
        files = list(expand(paths))
        exit_code = _run_ingest(runtime, files, user, customer, doc_type, as_json, ingest_files)
    finally:
        runtime.close()
    raise typer.Exit(exit_code)


def _run_ingest(runtime, files, user, customer, doc_type, as_json, ingest_files) -> int:  # type: ignore[no-untyped-def]
    progress = Progress(
        TextColumn("[bold]OCR/text"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    task = progress.add_task("pages", total=0, rate="")

    def on_result(result) -> None:  # type: ignore[no-untyped-def]
        if as_json:
            print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)
        else:
            progress.console.print(f"{result.status:9} {result.file} {result.reason or ''}", highlight=False)

    def on_pages(n: int) -> None:
        progress.advance(task, n)
        t = progress.tasks[0]
        if t.elapsed:
            progress.update(task, rate=f"{t.completed / t.elapsed:.2f} pages/s")

    with progress:
        summary = ingest_files(
            runtime,
            files,
            actor=user,
            customer=customer,
            doc_type=doc_type,
            on_result=on_result,
            on_pages=on_pages,
            on_total=lambda n: progress.update(task, total=(progress.tasks[0].total or 0) + n),
        )
    table = Table(title="dangan ingest", show_header=True)
    for col in (
        "ingested",
        "resumed",
        "duplicates",
        "rejected",
        "failed",
        "pages",
        "OCR seconds",
        "seconds",
        "pages/s",
    ):
        table.add_column(col, justify="right")
    rate = summary.pages / summary.seconds if summary.seconds else 0.0
    table.add_row(
        str(summary.ingested),
        str(summary.resumed),
        str(summary.duplicate),
        str(summary.rejected),
        str(summary.failed),
        str(summary.pages),
        f"{summary.ocr_seconds:.1f}",
        f"{summary.seconds:.1f}",
        f"{rate:.2f}",
    )
    err_console.print(table)
    for reason, count in sorted(summary.reasons.items()):
        err_console.print(f"  {count} × {reason}", highlight=False)
    return 0 if summary.rejected == 0 and summary.failed == 0 else 1


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Search words, phrases in quotes, AND/OR/NOT, field filters.")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="Most hits to show.")] = 10,
    offset: Annotated[int, typer.Option(min=0, max=10_000, help="Hits to skip (paging).")] = 0,
    sort: Annotated[str, typer.Option(help="relevance, date, -date or archive_no.")] = "relevance",
    facets: Annotated[
        bool, typer.Option("--facets", help="Add counts per type, customer, year, level.")
    ] = False,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Full-text search over what the user may read (audited)."""
    from workflows.searching import run_search

    runtime = make_runtime()
    try:
        who = acting(runtime, user)
        with runtime.factory() as session, session.begin():
            result = run_search(
                session,
                runtime.index,
                query=query,
                limit=limit,
                offset=offset,
                sort=sort,
                facets=facets,
                user=who.user(session),
                client=who.client,
            )
    except DanganError as err:
        fail(err.both(), 2)
    finally:
        runtime.close()
    if as_json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return
    err_console.print(f"{result.total} hits", highlight=False)
    for hit in result.hits:
        print(f"[{hit.document_id}] {hit.archive_no or '-'}  {hit.title}  ({hit.customer})")
        print(f"    {hit.snippet}")


@app.command()
def show(
    document_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Show one document the user may read (audited; a refusal exits 1 and is audited too)."""
    from workflows.reading import document_detail

    runtime = make_runtime()
    try:
        who = acting(runtime, user)
        with reported(runtime):
            detail = document_detail(
                runtime.factory, user_id=who.user_id, document_id=document_id, client=who.client
            )
    finally:
        runtime.close()
    if as_json:
        print(json.dumps(detail, ensure_ascii=False, default=str))
        return
    print(f"{detail['archive_no']}  {detail['title']}  [{detail['doc_type']}]  {detail['customer']}")
    for page in detail["pages"]:
        engine = f", {bilingual('ocr.engine.' + page['engine'])}" if page.get("engine") else ""
        sealed = f", {bilingual('ocr.sealed')}" if page.get("seals") else ""
        print(f"--- page {page['number']} ({page['method']}{engine}, {page['confidence']}{sealed})")
        print(page["text"])


@app.command()
def watch(
    folder: Annotated[Path, typer.Argument(help="Hot folder to watch.")],
    interval: Annotated[float, typer.Option(help="Seconds between scans.")] = 2.0,
    once: Annotated[bool, typer.Option(help="Take what is ready now, then stop.")] = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Hot folder: take files once they stop growing; move them to done/ or rejected/ (needs capture)."""
    from workflows.hotfolder import HotFolder

    runtime = make_runtime()
    try:
        user = capturer(runtime, user).login
        HotFolder(runtime, folder, actor=user, interval=interval).run(once=once, log=err_console.print)
    finally:
        runtime.close()


app.command()(cli_serving.serve)  # issue 14: --workers N (api/cli/serving.py)


@app.command()
def worker() -> None:
    """Run the background job worker: OCR, filing, indexing, and the scheduled jobs and notifications (its
    scheduler); several may run, on this and other machines, against PostgreSQL, S3 and Redis."""
    from core.logs import configure_logging
    from workflows.jobs import build_queue, start_resuming

    if os.environ.get(cli_serving.MULTIPROC_ENV):  # counted with the web processes of this machine
        cli_serving.metrics_dir()
    runtime = make_runtime()
    configure_logging(json_lines=runtime.settings.log_format == "json", level=runtime.settings.log_level)
    huey = build_queue(runtime)
    start_resuming(runtime)
    consumer = huey.create_consumer(workers=runtime.settings.worker_threads, worker_type="thread")
    try:
        consumer.run()
    finally:
        runtime.close()


@app.command("settings")
def show_settings(markdown: Annotated[bool, typer.Option(help="As a Markdown table.")] = False) -> None:
    """List every setting with its default and help."""
    from core.settings import setting_docs

    rows = setting_docs()
    if markdown:
        print("| variable | default | meaning |\n|---|---|---|")
        for name, default, help_text in rows:
            print(f"| `{name}` | `{default}` | {help_text} |")
        return
    for name, default, help_text in rows:
        print(f"{name}={default}\n    {help_text}")


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    app()


if __name__ == "__main__":
    main()
