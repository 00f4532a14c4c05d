"""The `rashomon` command line: a thin shell over the library API."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rashomon import __version__

app = typer.Typer(help="Turn news coverage from many outlets into one verified, attributed account per event.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)
err = Console(stderr=True)


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


@app.command()
def analyze(
    paths: list[Path] = typer.Argument(..., help="Files or directories (searched recursively)."),
    format: Format = typer.Option(Format.json, "--format", "-f", help="Output format."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of standard output."),
) -> None:
    """Read, clean, analyse and group the documents, and print the brief (no store needed)."""
    from rashomon.brief import render
    from rashomon.pipeline import analyze as run

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        analysis = run(paths, progress=progress)
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


if __name__ == "__main__":
    app()
