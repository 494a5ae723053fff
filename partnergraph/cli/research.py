"""Research commands: ``sparql`` and the exports ``export graphml|gexf|tables|bundle``.

:data:`COMMANDS` joins the main group (``sparql``); :data:`EXPORT_COMMANDS` join the existing
``export`` group of :mod:`partnergraph.cli.imports` (see :mod:`partnergraph.cli`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from partnergraph.cli.support import Cli, emit_rows, output_option, pass_cli, refuse_existing
from partnergraph.errors import ConfigError
from partnergraph.i18n import Msg, current_language, register_messages

__all__ = ["COMMANDS", "EXPORT_COMMANDS"]

register_messages(
    {
        "cli.research.no_query": "give a query (text or an .rq file), --example NAME or --list",
        "cli.research.bundle": "Wrote the bundle {path}: {files} files, {nodes} nodes, {ties} ties, {runs} analysis runs",
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


def _graph_file(cli: Cli, out: Path, force: bool, include_private: bool, gexf: bool) -> None:
    from partnergraph.exports.gephi import write_gexf, write_graphml
    from partnergraph.files import atomic_file

    writer = write_gexf if gexf else write_graphml
    if str(out) == "-":
        writer(cli.store(), sys.stdout.buffer, include_private=include_private)
        return
    refuse_existing(out, force)
    with atomic_file(out) as partial, partial.open("wb") as stream:
        counts = writer(cli.store(), stream, include_private=include_private)
    click.echo(
        str(Msg("cli.wrote", path=out, nodes=Msg("n.nodes", count=counts.nodes), ties=Msg("n.ties", count=counts.ties)))
    )


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
    click.echo(str(Msg("cli.wrote_tables", path=out, counts=", ".join(f"{k} {v}" for k, v in counts.items()))))


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
