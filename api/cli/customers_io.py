"""`dangan customers analysis | export | import | import-template | catalogue | files-catalogue`: the customer
list's composition analysis, spreadsheets in and out, and printable catalogues (issue 12; every command
audited, registered on the `customers` app by api.cli)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from api.cli import customer_filters as filt
from api.cli.support import DEFAULT_USER, JsonOpt, UserOpt, command, emit, fail
from api.limits import CLI_ID
from core.errors import DanganError
from core.messages import bilingual
from records.customer_import import MAX_BYTES, template
from workflows.customer_catalogue import file_catalogue, files_catalogue, render
from workflows.customer_import import import_customers
from workflows.customer_reports import customer_analysis
from workflows.customer_sheets import analysis_csv, analysis_xlsx, export_list

Out = Annotated[Path | None, typer.Option(dir_okay=False, writable=True)]
Lang = Annotated[str, typer.Option(help="zh-CN (default) or en: the language of the file written.")]


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        fail(bilingual("request.invalid", detail=f"{path}: {error.strerror}"))


def analysis(
    status: filt.Status = None,
    grade: filt.Grade = None,
    kind: filt.Kind = None,
    industry: filt.Industry = None,
    region: filt.Region = None,
    department: filt.Department = None,
    owner: filt.Owner = None,
    stale_days: filt.StaleDays = None,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", dir_okay=False, help="Also write it as CSV.")
    ] = None,
    xlsx_out: Annotated[
        Path | None, typer.Option("--xlsx", dir_okay=False, help="Also write it as XLSX.")
    ] = None,
    lang: Lang = "zh-CN",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Composition of the customer files: counts and shares by status, grade, industry, region and kind,
    documents per type, new files per month — only as far as the user may see (audited)."""
    filters = filt.customer_filter(status=status, grade=grade, kind=kind, industry=industry, region=region,
                                   department=department, owner=owner, stale_days=stale_days)  # fmt: skip
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        result = customer_analysis(session, viewer=who.user(session), filters=filters,
                                   timezone=runtime.settings.timezone, client=who.client)  # fmt: skip
    if csv_out:
        _write(csv_out, analysis_csv(result, lang=lang).encode("utf-8-sig"))
    if xlsx_out:
        _write(xlsx_out, analysis_xlsx(result, lang=lang))
    if as_json:
        emit(result)
        return
    print(bilingual("customer_report.summary", total=result.total, openable=result.openable,
                    documents=result.documents))  # fmt: skip
    for dim in result.dimensions:
        print(f"{dim.label_zh} / {dim.label_en}")
        for b in dim.buckets:
            print(f"  {b.label_zh:<20} {b.count:>8}  {b.share:>7.2%}")
        if dim.hidden:
            print(f"  {bilingual('customer_report.hidden'):<20} {dim.hidden:>8}")


def export(
    out: Annotated[Path, typer.Argument(metavar="FILE.xlsx", dir_okay=False)],
    status: filt.Status = None,
    grade: filt.Grade = None,
    kind: filt.Kind = None,
    industry: filt.Industry = None,
    region: filt.Region = None,
    department: filt.Department = None,
    owner: filt.Owner = None,
    stale_days: filt.StaleDays = None,
    sort: filt.Sort = "name",
    lang: Lang = "zh-CN",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Write the filtered customer list (客户一览表) as XLSX; profile values only of files the user may open
    (audited as an export)."""
    filters = filt.customer_filter(status=status, grade=grade, kind=kind, industry=industry, region=region,
                                   department=department, owner=owner, stale_days=stale_days)  # fmt: skip
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        data, count = export_list(session, viewer=who.user(session), filters=filters, sort=sort, lang=lang,
                                  client=who.client)  # fmt: skip
    _write(out, data)
    if as_json:
        emit({"file": str(out), "files": count})
        return
    print(f"{out}  {count}")


def import_file(
    path: Annotated[Path, typer.Argument(metavar="FILE", exists=True, dir_okay=False, readable=True)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row; create nothing.")] = False,
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """Import customer files and their contacts from XLSX or CSV (columns as in `import-template`).

    One line per row (with --json: {"row", "status", "reason", ...}); a real run creates every file or, when
    any row has a problem, none (exit 1). Audited."""
    if path.stat().st_size > MAX_BYTES:
        fail(bilingual("customer_import.too_large", limit_mb=MAX_BYTES // 2**20))
    data = path.read_bytes()
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        result = import_customers(session, actor=who.user(session), data=data, dry_run=dry_run,
                                  client=who.client)  # fmt: skip
    for row in result.rows:
        if as_json:
            emit(asdict(row))
        else:
            mark = bilingual(f"customer_import.status.{row.status}")
            print(f"{row.row:>6}  {mark}  {row.name or '-'}  {row.id or ''}  {row.reason or ''}".rstrip())
    if result.errors and not dry_run:
        fail(bilingual("customer_import.not_imported"))


def import_template(
    out: Annotated[Path, typer.Argument(metavar="FILE.xlsx", dir_okay=False)],
    lang: Lang = "zh-CN",
) -> None:
    """Write the import template: the headings and an example row."""
    _write(out, template(lang))
    print(str(out))


def catalogue(
    customer_id: Annotated[int, typer.Argument(metavar="ID", **CLI_ID)],
    pdf: Out = None,
    xlsx: Out = None,
    lang: Lang = "zh-CN",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """A file's catalogue (卷内目录) as PDF and/or XLSX: documents the user may not read are listed as existing,
    without title (audited)."""
    if pdf is None and xlsx is None:
        fail(bilingual("customer_report.format_unknown", format="-", known="--pdf, --xlsx"))
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        listing, lines = file_catalogue(session, viewer=who.user(session), customer_id=customer_id, lang=lang,
                                        client=who.client)  # fmt: skip
    _outputs(listing, pdf, xlsx, lang, files=False)
    if as_json:
        emit({"customer_id": customer_id, "lines": [asdict(line) for line in lines]})


def catalogue_of_files(
    status: filt.Status = None,
    grade: filt.Grade = None,
    kind: filt.Kind = None,
    industry: filt.Industry = None,
    region: filt.Region = None,
    department: filt.Department = None,
    owner: filt.Owner = None,
    stale_days: filt.StaleDays = None,
    pdf: Out = None,
    xlsx: Out = None,
    lang: Lang = "zh-CN",
    as_json: JsonOpt = False,
    user: UserOpt = DEFAULT_USER,
) -> None:
    """The catalogue of the files a filter selects (案卷目录) as PDF and/or XLSX (audited)."""
    if pdf is None and xlsx is None:
        fail(bilingual("customer_report.format_unknown", format="-", known="--pdf, --xlsx"))
    filters = filt.customer_filter(status=status, grade=grade, kind=kind, industry=industry, region=region,
                                   department=department, owner=owner, stale_days=stale_days)  # fmt: skip
    with command(user) as (runtime, who), runtime.factory() as session, session.begin():
        listing = files_catalogue(session, viewer=who.user(session), filters=filters, lang=lang,
                                  client=who.client)  # fmt: skip
    _outputs(listing, pdf, xlsx, lang, files=True)
    if as_json:
        print(json.dumps({"files": len(listing.lines), "columns": listing.columns, "lines": listing.lines},
                         ensure_ascii=False, default=str))  # fmt: skip


def _outputs(listing, pdf: Path | None, xlsx: Path | None, lang: str, *, files: bool) -> None:  # type: ignore[no-untyped-def]
    try:
        if pdf is not None:
            _write(pdf, render(listing, "pdf", lang=lang, files=files))
        if xlsx is not None:
            _write(xlsx, render(listing, "xlsx", lang=lang, files=files))
    except DanganError as error:
        fail(error.both())


def register(app: typer.Typer) -> None:
    """Add these commands to `dangan customers`."""
    app.command("analysis")(analysis)
    app.command("export")(export)
    app.command("import")(import_file)
    app.command("import-template")(import_template)
    app.command("catalogue")(catalogue)
    app.command("files-catalogue")(catalogue_of_files)
