"""The `rashomon` command line: a thin shell over the library API."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from rashomon import __version__

app = typer.Typer(help="Turn news coverage from many outlets into one verified, attributed account per event.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)
err = Console(stderr=True, soft_wrap=True)  # never break a file name across lines
out = Console(highlight=False)


class Format(str, Enum):
    json = "json"
    markdown = "markdown"
    html = "html"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rashomon {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Show the version and exit.")) -> None:
    """rashomon: one verified, attributed account per news event."""


def _analyze_stdin(progress):
    """`rashomon analyze -`: one page (HTML or pasted text) from standard input."""
    from rashomon.clean import clean
    from rashomon.errors import InputError
    from rashomon.model import Analysis, FileError
    from rashomon.pipeline import analyze_documents
    from rashomon.readers import read_stdin

    try:
        documents = [clean(source) for source in read_stdin(sys.stdin.buffer.read())]
    except InputError as exc:
        return Analysis(errors=[FileError(exc.path, exc.reason)])
    return analyze_documents([d for d in documents if d.text.strip()], progress)


@app.command()
def analyze(
    paths: list[Path] = typer.Argument(..., help="Files or directories (searched recursively); - reads one page from standard input."),
    format: Format = typer.Option(Format.json, "--format", "-f", help="Output format."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of standard output."),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="Processes for per-document work (0: one per core)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Run per-document work on the Dask cluster at tcp://HOST:PORT."),
    dask: str | None = typer.Option(None, "--dask", help="'local': start a Dask LocalCluster with --workers workers."),
) -> None:
    """Read, clean, analyse and group the documents, and print the brief (no store needed)."""
    if dask not in (None, "local"):
        err.print(f"[red]error:[/] --dask takes 'local' (got {dask!r}); use --scheduler for a running cluster")
        raise typer.Exit(code=2)
    from rashomon.brief import render
    from rashomon.pipeline import analyze as run

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        if [str(p) for p in paths] == ["-"]:
            analysis = _analyze_stdin(progress)
        else:
            analysis = run(paths, progress=progress, workers=workers or None, scheduler=scheduler,
                           dask_local=dask == "local")
    for error in analysis.errors:
        err.print(f"[yellow]skipped[/] {error.path}: {error.reason}", highlight=False)
    if not analysis.documents:
        err.print("[red]error:[/] no readable article in the given paths")
        raise typer.Exit(code=1)
    text = render(analysis, format.value)
    if out:
        out.write_text(text, encoding="utf-8")
        err.print(f"wrote {out} ({len(analysis.documents)} documents, {len(analysis.stories)} stories)")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    err.print(f"read {len(analysis.documents)}, failed {len(analysis.errors)}", highlight=False)


# ---------------------------------------------------------------------------------------------
# The store: daily use. Every command takes --db (default ./rashomon.db, or $RASHOMON_DB).

DB_OPTION = typer.Option("rashomon.db", "--db", envvar="RASHOMON_DB", help="The store file (SQLite).")
JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")


class ShowFormat(str, Enum):
    markdown = "markdown"
    html = "html"
    json = "json"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class ExportTable(str, Enum):
    stories = "stories"
    documents = "documents"
    facts = "facts"
    events = "events"
    entities = "entities"
    quantities = "quantities"
    redirects = "redirects"


def _open_store(db: Path, must_exist: bool = True):
    """Open the store, or exit with a readable message (missing file, not a store, too new)."""
    from rashomon.store import SchemaError, Store

    if must_exist and not db.exists():
        err.print(f"[red]error:[/] no store at {db} (create one with `rashomon ingest PATH --db {db}`)", highlight=False)
        raise typer.Exit(code=1)
    try:
        return Store(db)
    except (SchemaError, IsADirectoryError, OSError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from exc


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


class _RateColumn(ProgressColumn):
    """Articles added per second so far."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        added = task.fields.get("added", 0)
        return Text(f"{added / elapsed:.1f} art/s" if elapsed > 0 else "– art/s", style="cyan")


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or directories (searched recursively)."),
    db: Path = DB_OPTION,
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Articles per transaction."),
    force: bool = typer.Option(False, "--force", help="Re-read files ingested before (stored articles are still skipped)."),
    workers: int = typer.Option(1, "--workers", "-w", min=0, help="Processes that analyse new articles (0: one per core)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Add new articles to the store: only unseen ones, assigned to existing or new stories."""
    from rashomon.store import StoreBusy, StoreError

    store = _open_store(db, must_exist=False)
    columns = (TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
               TextColumn("{task.fields[added]} added · {task.fields[skipped]} skipped · {task.fields[failed]} failed"),
               _RateColumn(), TimeElapsedColumn())  # fmt: skip
    try:
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("ingest", total=None, added=0, skipped=0, failed=0)

            def progress(p) -> None:
                bar.update(task, total=p.files_total, completed=p.files_done, added=p.added, skipped=p.skipped,
                           failed=p.failed)  # fmt: skip

            report = store.ingest(paths, batch_size=batch_size, progress=progress, force=force, workers=workers)
    except (StoreBusy, StoreError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from exc
    finally:
        store.close()
    for error in report.errors:
        err.print(f"[yellow]failed[/] {error.path}: {error.reason}", highlight=False)
    if as_json:
        _print_json(report.to_dict())
    rate = report.added / report.seconds if report.seconds > 0 else 0.0
    err.print(
        f"read {report.read}, added {report.added}, skipped {report.skipped} (already stored), failed {report.failed}; "
        f"{report.stories_touched} stories updated ({report.stories_new} new"
        + (f", {report.stories_split} split, {report.stories_merged} merged" if report.stories_split or report.stories_merged else "")
        + f") in {report.seconds:.1f} s"
        + (f" ({rate:.1f} articles/s)" if report.added else ""),
        highlight=False,
    )
    if report.read == 0 and report.failed:
        raise typer.Exit(code=1)


@app.command()
def stories(
    db: Path = DB_OPTION,
    since: str | None = typer.Option(None, "--since", help="Only stories on or after this date (YYYY[-MM[-DD]])."),
    until: str | None = typer.Option(None, "--until", help="Only stories on or before this date."),
    entity: str | None = typer.Option(None, "--entity", "-e", help="Only stories naming this entity (name or alias)."),
    text: str | None = typer.Option(None, "--text", "-t", help="Only stories whose documents or facts contain these words."),
    limit: int = typer.Option(50, "--limit", "-n", help="At most this many (0: all)."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many stories first (paging, with --limit)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List stories, newest first."""
    with _open_store(db) as store:
        found = store.stories(since=since, until=until, entity=entity, text=text, limit=limit or None, offset=offset)
    if as_json:
        _print_json([s.to_dict() for s in found])
        return
    table = Table("story", "date", "docs", "sources", "facts", "corr.", "disp.", "headline", title=f"{len(found)} stories")
    for s in found:
        table.add_row(s.id, s.event_date or "", str(s.documents), str(s.sources), str(s.facts), str(s.corroborated),
                      str(s.disputed), Text(s.headline or ""))  # fmt: skip
    out.print(table)


@app.command()
def show(
    story: str = typer.Argument(..., help="Story id (from `rashomon stories`), or a document id."),
    db: Path = DB_OPTION,
    format: ShowFormat = typer.Option(ShowFormat.markdown, "--format", "-f", help="Output format."),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of standard output."),
) -> None:
    """Print one story's brief. The id of a story that was merged into another prints the story
    that absorbed it (and says so on standard error)."""
    from rashomon.store import NotFound

    with _open_store(db) as store:
        try:
            found = store.locate(story)
            text = store.brief(found.story_id, format.value)
        except NotFound as exc:
            err.print(f"[red]error:[/] {exc}", highlight=False)
            raise typer.Exit(code=1) from exc
    if found.merged_into is not None:
        err.print(f"story {story} was merged into {found.merged_into}", highlight=False)
    if out_file:
        out_file.write_text(text, encoding="utf-8")
        err.print(f"wrote {out_file}", highlight=False)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command()
def search(
    text: str = typer.Argument(..., help="Words to find (all must occur); --raw for FTS5 syntax."),
    db: Path = DB_OPTION,
    limit: int = typer.Option(20, "--limit", "-n", help="At most this many documents and this many facts."),
    kind: str = typer.Option("all", "--kind", help="all, documents or facts."),
    raw: bool = typer.Option(False, "--raw", help='Pass FTS5 query syntax through ("phrase", OR, NEAR, prefix*).'),
    as_json: bool = JSON_OPTION,
) -> None:
    """Full-text search over stored documents and facts."""
    import sqlite3

    if kind not in ("all", "documents", "facts"):
        err.print(f"[red]error:[/] --kind must be all, documents or facts, not {kind!r}", highlight=False)
        raise typer.Exit(code=2)
    with _open_store(db) as store:
        try:
            hits = store.search(text, limit=limit, kind=kind, raw=raw)
        except sqlite3.OperationalError as exc:
            err.print(f"[red]error:[/] bad search query: {exc}", highlight=False)
            raise typer.Exit(code=1) from exc
    if as_json:
        _print_json([h.to_dict() for h in hits])
        return
    table = Table("kind", "story", "document", "status", "match", title=f"{len(hits)} hits for {text!r}")
    for h in hits:
        table.add_row(h.kind, h.story_id or "", h.document_id or "", h.status or "", Text(h.snippet))
    out.print(table)


@app.command()
def entities(
    db: Path = DB_OPTION,
    name: str | None = typer.Option(None, "--name", help="Only names or aliases containing this."),
    type: str | None = typer.Option(None, "--type", help="PERSON, ORG, GPE, LOC, NORP, FAC, EVENT."),
    limit: int = typer.Option(50, "--limit", "-n", help="At most this many (0: all)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List entities across stories, most widely reported first."""
    with _open_store(db) as store:
        found = store.entities(name=name, type=type, limit=limit or None)
    if as_json:
        _print_json([e.to_dict() for e in found])
        return
    table = Table("name", "type", "country", "stories", "docs", "aliases", "roles", title=f"{len(found)} entities")
    for e in found:
        table.add_row(Text(e.name), e.type or "", e.country or "", str(e.stories), str(e.documents),
                      Text(", ".join(e.aliases[:5])), Text(", ".join(e.roles[:3])))  # fmt: skip
    out.print(table)


@app.command()
def timeline(
    a: str = typer.Argument(..., help="First actor: a country code (PAK), sector (PAK MIL) or name."),
    b: str = typer.Argument(..., help="Second actor."),
    db: Path = DB_OPTION,
    out_file: Path | None = typer.Option(None, "--out", "-o", help="Draw the timeline to this .svg or .png file."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Events between two actors across all stored stories, oldest first."""
    from rashomon.store import TimelineUnavailable

    if out_file is not None and out_file.suffix.lower() not in (".svg", ".png"):
        err.print(f"[red]error:[/] --out must end in .svg or .png, not {out_file.name!r}", highlight=False)
        raise typer.Exit(code=2)
    with _open_store(db) as store:
        try:
            found = store.plot_timeline(a, b, out_file) if out_file else store.timeline(a, b)
        except TimelineUnavailable as exc:
            err.print(f"[red]error:[/] {exc}", highlight=False)
            raise typer.Exit(code=1) from exc
    if as_json:
        from rashomon.model import to_dict

        _print_json(to_dict(found))
    else:
        table = Table("date", "source", "action", "target", "mode", "status", "text", title=f"{a} – {b}: {len(found)} events")
        for e in found:
            action = e.action + (" (not)" if e.negated else "")
            table.add_row(e.date or "", e.source_actor or "", action, e.target_actor or "", e.mode or "", e.status,
                          Text(e.text[:100]))  # fmt: skip
        out.print(table)
    if out_file:
        err.print(f"wrote {out_file}", highlight=False)


@app.command()
def export(
    db: Path = DB_OPTION,
    format: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f", help="jsonl, csv or parquet."),
    table: ExportTable = typer.Option(ExportTable.stories, "--table", help="What to export (jsonl stories: the full JSON contract)."),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="Write here (required for parquet); default standard output."),
) -> None:
    """Export one table of the store."""
    from rashomon.store import ExportError

    with _open_store(db) as store:
        try:
            n = store.export(out_file if out_file else sys.stdout, format.value, table.value)
        except ExportError as exc:
            err.print(f"[red]error:[/] {exc}", highlight=False)
            raise typer.Exit(code=1) from exc
    err.print(f"exported {n} {table.value} rows" + (f" to {out_file}" if out_file else ""), highlight=False)


@app.command()
def stats(db: Path = DB_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Counts and size of the store."""
    with _open_store(db) as store:
        found = store.stats()
    if as_json:
        _print_json(found.to_dict())
        return
    table = Table("", "", title=str(db), show_header=False)
    for key, value in found.to_dict().items():
        if key == "size_bytes":
            value = f"{value / 1e6:.1f} MB"
        table.add_row(key.replace("_", " "), str(value))
    out.print(table)


@app.command()
def serve(
    db: Path = DB_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. The default answers this machine only."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    token: str | None = typer.Option(None, "--token", envvar="RASHOMON_TOKEN",
                                     help="Token that writes (ingest) require; without one, writes are disabled."),
    max_upload_mb: float = typer.Option(20.0, "--max-upload-mb", min=0.001, help="Largest request body accepted, in MiB."),
) -> None:
    """The web app and JSON API over the store: browse stories, sources side by side, timelines."""
    import uvicorn

    from rashomon.web import create_app

    with _open_store(db, must_exist=False):
        pass  # a clear message now if the file is not a store
    hosts = None if host in ("127.0.0.1", "localhost", "::1") else ["*"]  # a deliberate non-local bind answers any Host
    web = create_app(db, token=token, max_upload=int(max_upload_mb * 2**20), allowed_hosts=hosts)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning:[/] listening on {host}: the store is readable by anyone who can reach this port",
                  highlight=False)
    err.print(f"rashomon: http://{host}:{port}/  (writes {'need the token' if token else 'disabled: no --token'})",
              highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)


if __name__ == "__main__":
    app()
