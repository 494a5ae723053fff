"""The import and export commands: ``import``, ``template``, ``export jsonl|csv|xlsx``.

``partnergraph.cli`` adds :data:`COMMANDS` to its main group. Every problem in a file is printed on its own line as
``file:line:column: message (hint)`` (``Organizacje!E14: …`` for workbooks), then one line
``Błąd: …``; notices (merges, probable duplicates, defaults) as ``place: uwaga: …``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from partnergraph.cli.support import Cli, pass_cli, printable, refuse_existing
from partnergraph.errors import PartnergraphError, Problem
from partnergraph.files import atomic_file
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.run import FORMATS, ImportFailed, ImportReport, run_import

__all__ = ["COMMANDS"]

SHOWN = 100
"""Problems printed before '… and N more'."""
BAR_FROM = 5000
"""Records read before a progress bar appears."""

register_messages(
    {
        "cli.import.done": "Imported {name} ({format}): {records} records, {rejected} rejected",
        "cli.import.dry": "Dry run (--dry-run) of {name} ({format}): {records} records, {rejected} rejected; nothing was written",
        "cli.import.counts": "new {created}, updated {updated}, unchanged {unchanged} (nodes: {nc}/{nu}/{nn}, ties: {tc}/{tu}/{tn})",
        "cli.import.version": "write version {version}; in the change log: {source}",
        "cli.import.unchanged": "the store is unchanged (write version still {version})",
        "cli.import.rejected_file": "rejected records with their reasons: {path}",
        "cli.import.notice": "note",
        "cli.import.check": "checking",
        "cli.import.write": "writing",
        "cli.import.template": "Wrote an empty template {path}",
    }
)


class _Bar:
    """A tqdm progress bar on stderr, shown once an import passes :data:`BAR_FROM` records."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.phase = ""
        self.done = 0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if self.bar is None and done < BAR_FROM:
            return
        if self.bar is None or phase != self.phase:
            from tqdm import tqdm

            self.close()
            self.bar = tqdm(
                total=total,
                desc=str(Msg(f"cli.import.{phase}")),
                unit=" rec",
                file=sys.stderr,
                leave=False,
                disable=None,
            )
            self.phase, self.done = phase, 0
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _echo_problems(problems: list[Problem], total: int) -> None:
    for problem in problems[:SHOWN]:
        click.echo(printable(str(problem)), err=True)
    if total > SHOWN:
        click.echo(str(Msg("imp.more", count=total - SHOWN)), err=True)


def _echo_notices(report: ImportReport) -> None:
    label = str(Msg("cli.import.notice"))
    for notice in report.notices[:SHOWN]:
        text = f"{notice.message} ({notice.hint})" if notice.hint else str(notice.message)
        click.echo(printable(f"{notice.where}: {label}: {text}" if notice.where else f"{label}: {text}"), err=True)


def _echo_report(report: ImportReport) -> None:
    done = "cli.import.dry" if report.dry_run else "cli.import.done"
    click.echo(
        str(Msg(done, name=report.path.name, format=report.format, records=report.records, rejected=report.rejected))
    )
    summary = report.summary
    short = {"created": "c", "updated": "u", "unchanged": "n"}
    counts = {f"{e[0]}{short[o]}": summary.get(e, o) for e in ("node", "tie") for o in short}
    click.echo(str(Msg("cli.import.counts", **{o: report.count(o) for o in short}, **counts)))
    if not report.dry_run:
        changed = "cli.import.version" if summary.changed else "cli.import.unchanged"
        click.echo(str(Msg(changed, version=report.version, source=report.source)))
    if report.rejected_file:
        click.echo(str(Msg("cli.import.rejected_file", path=report.rejected_file)))


@click.command("import")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(list(FORMATS)), help="The file's format (default: guessed from the file)."
)
@click.option("--dry-run", is_flag=True, help="Check everything and report what would change; write nothing.")
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid records; write the rejected ones, with reasons, beside FILE."
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="GraphML/GEXF: a JSON mapping of attributes to node types, kinds, tie types and properties.",
)
@click.option("--allow-older", is_flag=True, help="TERYT/KRS: apply a register state older than the one stored.")
@pass_cli
def import_file(
    cli: Cli, file: Path, fmt: str | None, dry_run: bool, skip_invalid: bool, mapping: Path | None, allow_older: bool
) -> None:
    """Import FILE (CSV, XLSX, Kumu, JSON Lines, TERYT, PKD, KRS, GraphML/GEXF) all-or-nothing.

    FILE may also be a folder of CSV files (organizacje.csv, powiazania.csv …). Every record is
    checked against models.ttl first; one problem rejects the whole file unless --skip-invalid.
    """
    options: dict[str, object] = {"allow_older": True} if allow_older else {}
    if mapping is not None:
        from partnergraph.importers.graphml import GraphMapping

        options["mapping"] = GraphMapping.load(mapping)
    bar = _Bar()
    try:
        report = run_import(
            cli.store(),
            file,
            format=fmt,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            user=cli.user,
            progress=bar,
            options=options,
        )
    except ImportFailed as exc:
        bar.close()
        _echo_notices(exc.report)
        _echo_problems(exc.report.problems, exc.report.problem_count)
        raise PartnergraphError(Msg("imp.failed", count=exc.report.problem_count), hint=exc.hint) from exc
    finally:
        bar.close()
    _echo_notices(report)
    _echo_problems(report.problems, report.problem_count)
    _echo_report(report)


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="A workbook, or a folder with one CSV file per sheet.",
)
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@pass_cli
def template(cli: Cli, out: Path, fmt: str, force: bool) -> None:
    """Write an empty import template to OUT: a sheet per node type, ties, and the allowed values."""
    from partnergraph.importers.workbook import write_template

    refuse_existing(out, force)
    write_template(out, fmt=fmt, language=cli.settings.language)
    click.echo(str(Msg("cli.import.template", path=out)))


@click.group()
def export() -> None:
    """Write the whole store to files: JSON Lines (lossless), CSV or XLSX tables."""


@export.command("jsonl")
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@pass_cli
def export_jsonl_command(cli: Cli, out: Path | None, force: bool) -> None:
    """Write every node, then every tie, as JSON Lines to OUT (default: standard output)."""
    from partnergraph.importers.jsonl import export_jsonl

    if out is None or str(out) == "-":
        export_jsonl(cli.store(), sys.stdout)
        return
    refuse_existing(out, force)
    with atomic_file(out) as partial, partial.open("w", encoding="utf-8", newline="\n") as stream:
        nodes, ties = export_jsonl(cli.store(), stream)
    click.echo(str(Msg("cli.wrote", path=out, nodes=Msg("n.nodes", count=nodes), ties=Msg("n.ties", count=ties))))


def _export_tables(cli: Cli, out: Path, fmt: str, force: bool) -> None:
    from partnergraph.importers.workbook import export_tables

    refuse_existing(out, force)
    counts = export_tables(cli.store(), out, fmt=fmt, language=cli.settings.language)
    click.echo(str(Msg("cli.wrote_tables", path=out, counts=", ".join(f"{k} {v}" for k, v in counts.items() if v))))


@export.command("csv")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite the files in OUT.")
@pass_cli
def export_csv_command(cli: Cli, out: Path, force: bool) -> None:
    """Write the store as the template's CSV files (; separated, UTF-8) into folder OUT."""
    _export_tables(cli, out, "csv", force)


@export.command("xlsx")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@pass_cli
def export_xlsx_command(cli: Cli, out: Path, force: bool) -> None:
    """Write the store as the template's XLSX workbook OUT."""
    _export_tables(cli, out, "xlsx", force)


COMMANDS: list[click.Command] = [import_file, template, export]
