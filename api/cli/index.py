"""`dangan index rebuild` and `dangan check [--repair]`: the search index's life (admins and archivists).

rebuild builds a new index from the database beside the live one, a chunk at a time with a progress
bar, resumable after a kill (it continues from its checkpoint when run again with the same engine), and
swaps it in atomically; searches keep using the old index meanwhile. --engine switches an archive from
one engine to the other. check compares the index with the database and exits 1 when they disagree;
--repair indexes what is missing or stale and removes entries whose document is gone.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from access.duties import require_any
from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, fail
from core.messages import bilingual
from search import UnknownEngine
from workflows.rebuilding import plan_rebuild, rebuild_index

NAME = "index"
app = typer.Typer(help="The search index: rebuild.", no_args_is_help=True)
err_console = Console(stderr=True)
INDEX_ROLES = ("admin", "archivist")


def _require(runtime, who, action: str) -> None:  # type: ignore[no-untyped-def]
    with runtime.factory() as session:
        require_any(who.user(session), INDEX_ROLES, action=action, client=who.client)


@app.command("rebuild")
def rebuild_command(
    engine: Annotated[
        str | None, typer.Option("--engine", help="whoosh or tantivy (default DANGAN_SEARCH_ENGINE).")
    ] = None,
    chunk: Annotated[
        int, typer.Option("--chunk", min=1, max=20_000, help="Documents per chunk and commit.")
    ] = 2000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=16, help="Analysis processes.")] = 1,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Rebuild the index from the database and swap it in (resumes an interrupted rebuild)."""
    with command(user) as (runtime, who):
        _require(runtime, who, "index.rebuild")
        try:
            plan = plan_rebuild(runtime, engine=engine)
        except UnknownEngine as error:
            fail(error.both(), 2)
        if plan.resumed:
            err_console.print(bilingual("search.rebuild_resumed", done=plan.resumed), highlight=False)
        progress = Progress(
            TextColumn(f"[bold]index rebuild ({plan.engine})"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        )
        task = progress.add_task("documents", total=plan.total, completed=plan.resumed, rate="")

        def advance(n: int) -> None:
            progress.advance(task, n)
            shown = progress.tasks[0]
            if shown.elapsed:
                progress.update(task, rate=f"{(shown.completed - plan.resumed) / shown.elapsed:.0f} docs/s")

        with runtime.factory() as session:
            actor = who.user(session)
        with progress:
            result = rebuild_index(
                runtime, plan, actor=actor, chunk=chunk, workers=workers, on_chunk=advance, client=who.client
            )
        engine = plan.engine
    err_console.print(
        bilingual(
            "search.rebuild_done", count=result.written, engine=engine, seconds=f"{result.seconds:.1f}"
        ),
        highlight=False,
    )


def check(
    repair: Annotated[
        bool,
        typer.Option(
            "--repair", help="Resume unfinished documents; index what is missing or stale; drop orphans."
        ),
    ] = False,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Compare the search index with the database and list unfinished documents; exit 1 when the index and
    the database disagree (and were not repaired). Unfinished work is pending, not damage."""
    from workflows.checking import check_archive  # the capture path (resuming): loaded for this command only

    with command(user) as (runtime, who):
        _require(runtime, who, "index.check")
        with runtime.factory() as session:
            actor = who.user(session)
        found = check_archive(runtime, actor=actor, repair=repair, client=who.client)
    report, repaired = found.index, found.repaired
    if as_json:
        print(json.dumps(found.as_json() | {"engine": runtime.index.engine}, ensure_ascii=False))
    elif report.clean:
        err_console.print(bilingual("search.check_clean", count=report.documents), highlight=False)
    else:
        err_console.print(
            bilingual(
                "search.check_problems",
                missing=len(report.missing),
                orphaned=len(report.orphaned),
                stale=len(report.stale),
            ),
            highlight=False,
        )
        for label, ids in (
            ("missing", report.missing),
            ("orphaned", report.orphaned),
            ("stale", report.stale),
        ):
            if ids:
                shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
                print(f"{label}: {shown}")
        if repaired is not None:
            err_console.print(bilingual("search.check_repaired", added=repaired[0], removed=repaired[1]))
    if found.pending and not as_json:
        err_console.print(bilingual("document.pending", count=len(found.pending)), highlight=False)
        for item in found.pending[:20]:
            print(f"pending: {item.document_id} {item.state} {item.age_seconds}s")
    if found.store_damaged and not as_json:  # the store and numbering (issue 14)
        err_console.print(bilingual("check.store_problems", objects=len(found.object_problems),
                                    orphans=len(found.orphans), gaps=len(found.number_gaps),
                                    quarantined=len(found.quarantined)), highlight=False)  # fmt: skip
        for problem in found.object_problems[:20]:
            print(f"object {problem.problem}: {problem.key} (document {problem.document_id})")
        for key in found.orphans[:20]:
            print(f"orphan: {key}")
        for gap in found.number_gaps[:20]:
            print(f"gap: {gap.series} {gap.missing[:20]}")
    if found.custody_marks and not as_json:  # paper items whose last movement is not the marked one
        err_console.print(bilingual("check.custody_marks", count=len(found.custody_marks),
                                    repaired=found.custody_remarked), highlight=False)  # fmt: skip
        print(
            "items: "
            + ", ".join(map(str, found.custody_marks[:20]))
            + (" …" if len(found.custody_marks) > 20 else "")
        )
    if found.count_differences and not as_json:  # the customer analysis' counts (issue 12)
        code = "check.counts_rebuilt" if found.counts_rebuilt else "check.count_problems"
        err_console.print(bilingual(code, keys=found.count_differences), highlight=False)
    if found.damaged:
        raise typer.Exit(1)
