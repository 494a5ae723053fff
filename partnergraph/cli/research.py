"""Research commands: ``sparql`` and the exports ``export graphml|gexf|tables|bundle``.

:data:`COMMANDS` joins the main group (``sparql``); :data:`EXPORT_COMMANDS` join the existing
``export`` group of :mod:`partnergraph.cli.imports` (see :mod:`partnergraph.cli`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from partnergraph.cli.support import Cli, emit_rows, output_option, pass_cli
from partnergraph.errors import ConfigError
from partnergraph.i18n import Msg, current_language, register_messages

__all__ = ["COMMANDS", "COMMANDS_PL", "EXPORT_COMMANDS", "OPTIONS_PL"]

register_messages(
    {
        "cli.research.no_query": (
            "podaj zapytanie (tekst lub plik .rq), --example NAZWA albo --list",
            "give a query (text or an .rq file), --example NAME or --list",
        ),
        "cli.research.wrote": (
            "Zapisano {path}: węzły {nodes}, powiązania {ties}",
            "Wrote {path}: {nodes} nodes, {ties} ties",
        ),
        "cli.research.tables": ("Zapisano {path}: {counts}", "Wrote {path}: {counts}"),
        "cli.research.bundle": (
            "Zapisano pakiet {path}: plików {files}, węzły {nodes}, powiązania {ties}, przebiegi analiz {runs}",
            "Wrote the bundle {path}: {files} files, {nodes} nodes, {ties} ties, {runs} analysis runs",
        ),
        "cli.research.exists": ("{path} już istnieje", "{path} already exists"),
        "cli.research.exists.hint": ("podaj inną nazwę albo dodaj --force", "give another name or add --force"),
    }
)

PRIVATE_HELP = "Include private properties (e-mail, phone, contact role); referral counts below 5 stay hidden."
private_option = click.option("--include-private", is_flag=True, help=PRIVATE_HELP)
force_option = click.option("--force", is_flag=True, help="Replace OUT if it exists.")


@click.command("sparql")
@click.argument("query", required=False)
@click.option("--example", "example_name", metavar="NAME", help="Run the example query NAME (see --list).")
@click.option("--list", "list_examples", is_flag=True, help="List the example queries.")
@private_option
@output_option
@pass_cli
def sparql(
    cli: Cli, query: str | None, example_name: str | None, list_examples: bool, include_private: bool, fmt: str
) -> None:
    """Run a SPARQL query (text or a .rq file) over the current graph, as exported to RDF.

    Example: partnergraph sparql --example cooperatives-per-municipality-type
    """
    from partnergraph.exports.sparql import example, examples, load_query, run_query

    if list_examples:
        language = current_language()
        rows = [
            {"name": e.name, "title": e.title(language), "description": e.description(language)}
            for e in examples().values()
        ]
        emit_rows(rows, fmt, ["name", "title", "description"])
        return
    if example_name is not None:
        text = example(example_name).text
    elif query:
        text = load_query(query)
    else:
        raise ConfigError(Msg("cli.research.no_query"))
    result = run_query(cli.store(), text, include_private=include_private)
    if result.kind == "graph" and fmt == "table":
        click.echo(result.turtle, nl=False)
        return
    rows = result.rows if fmt == "json" else result.compact_rows()
    emit_rows(rows, fmt, result.columns)


def _free(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise ConfigError(Msg("cli.research.exists", path=path), hint=Msg("cli.research.exists.hint"))


def _graph_file(cli: Cli, out: Path, force: bool, include_private: bool, gexf: bool) -> None:
    from partnergraph.exports.gephi import write_gexf, write_graphml
    from partnergraph.files import atomic_file

    writer = write_gexf if gexf else write_graphml
    if str(out) == "-":
        writer(cli.store(), sys.stdout.buffer, include_private=include_private)
        return
    _free(out, force)
    with atomic_file(out) as partial, partial.open("wb") as stream:
        counts = writer(cli.store(), stream, include_private=include_private)
    click.echo(str(Msg("cli.research.wrote", path=out, nodes=counts.nodes, ties=counts.ties)))


@click.command("graphml")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@private_option
@force_option
@pass_cli
def graphml(cli: Cli, out: Path, include_private: bool, force: bool) -> None:
    """Write the graph as GraphML with typed attributes to OUT (- for standard output)."""
    _graph_file(cli, out, force, include_private, gexf=False)


@click.command("gexf")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@private_option
@force_option
@pass_cli
def gexf(cli: Cli, out: Path, include_private: bool, force: bool) -> None:
    """Write the graph as GEXF for Gephi to OUT (- for standard output); symmetric ties as mutual edges."""
    _graph_file(cli, out, force, include_private, gexf=True)


@click.command("tables")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@private_option
@click.option("--force", is_flag=True, help="Replace folder OUT if it is not empty.")
@pass_cli
def tables(cli: Cli, out: Path, include_private: bool, force: bool) -> None:
    """Write nodes.csv, ties.csv, metrics.csv and codebook.csv (; separated, UTF-8 with BOM) into folder OUT."""
    from partnergraph.exports.tables import write_tables
    from partnergraph.files import atomic_folder

    with atomic_folder(out, force=force) as folder:
        counts = write_tables(cli.store(), folder, include_private=include_private)
    click.echo(str(Msg("cli.research.tables", path=out, counts=", ".join(f"{k} {v}" for k, v in counts.items()))))


@click.command("bundle")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@private_option
@click.option("--force", is_flag=True, help="Replace folder OUT if it is not empty.")
@pass_cli
def bundle(cli: Cli, out: Path, include_private: bool, force: bool) -> None:
    """Write the research bundle into folder OUT: RDF, GraphML, GEXF, CSV tables, saved runs, DCAT + PROV, README."""
    from partnergraph.exports.bundle import write_bundle

    report = write_bundle(
        cli.store(), out, runs_folder=Path(cli.settings.runs), include_private=include_private, force=force
    )
    click.echo(
        str(
            Msg(
                "cli.research.bundle",
                path=out,
                files=len(report.files),
                nodes=report.nodes,
                ties=report.ties,
                runs=report.runs,
            )
        )
    )


COMMANDS: list[click.Command] = [sparql]
EXPORT_COMMANDS: list[click.Command] = [graphml, gexf, tables, bundle]
"""Subcommands of ``partnergraph export`` (joined to it by :mod:`partnergraph.cli`)."""

COMMANDS_PL: dict[str, str] = {
    "sparql": "Wykonaj zapytanie SPARQL (tekst albo plik .rq) na bieżącym grafie, takim jak w eksporcie RDF.\n\n"
    "Przykład: partnergraph sparql --example cooperatives-per-municipality-type",
    "export graphml": "Zapisz graf jako GraphML z typami atrybutów do OUT (- na standardowe wyjście).",
    "export gexf": "Zapisz graf jako GEXF dla Gephi do OUT (- na standardowe wyjście); powiązania symetryczne jako krawędzie mutual.",
    "export tables": "Zapisz nodes.csv, ties.csv, metrics.csv i codebook.csv (separator ;, UTF-8 z BOM) w folderze OUT.",
    "export bundle": "Zapisz pakiet badawczy w folderze OUT: RDF, GraphML, GEXF, tabele CSV, zapisane przebiegi, DCAT + PROV, README.",
}
OPTIONS_PL: dict[str, str] = {
    "--include-private": "Dołącz właściwości prywatne (e-mail, telefon, rola kontaktowa); liczby skierowań poniżej 5 pozostają ukryte.",
    "sparql --example": "Wykonaj przykładowe zapytanie NAME (zob. --list).",
    "sparql --list": "Lista przykładowych zapytań.",
    "export graphml --force": "Zastąp OUT, jeśli istnieje.",
    "export gexf --force": "Zastąp OUT, jeśli istnieje.",
    "export tables --force": "Zastąp folder OUT, jeśli nie jest pusty.",
    "export bundle --force": "Zastąp folder OUT, jeśli nie jest pusty.",
}
