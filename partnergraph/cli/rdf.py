"""``partnergraph export rdf``: the store as linked data (Turtle, JSON-LD, N-Triples, RDF/XML).

:data:`rdf_command` is a subcommand of the ``export`` group (:mod:`partnergraph.cli.imports`),
joined to it through :data:`EXPORT_COMMANDS`; :data:`COMMANDS` (for the main group) is empty.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from partnergraph.cli.support import Cli, UserError, pass_cli, refuse_existing
from partnergraph.errors import ValidationError
from partnergraph.files import write_text_atomic
from partnergraph.i18n import Msg, register_messages

__all__ = ["COMMANDS", "EXPORT_COMMANDS", "rdf_command"]

SUFFIXES = {
    ".ttl": "turtle",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".nt": "ntriples",
    ".rdf": "rdfxml",
    ".xml": "rdfxml",
    ".owl": "rdfxml",
}

register_messages(
    {
        "cli.rdf.context": "Saved the JSON-LD context {path} (terms from models.ttl, for compaction)",
        "cli.rdf.done": "Wrote {path} ({format}): {triples} triples ({nodes} nodes, {ties} ties)",
        "cli.rdf.valid": "SHACL: conforms to the shapes of models.ttl (0 violations)",
        "cli.rdf.invalid": "SHACL: {count} violations; nothing was written",
    }
)


def _format(fmt: str | None, out: Path | None) -> str:
    if fmt:
        return fmt
    return SUFFIXES.get(out.suffix.lower(), "turtle") if out is not None else "turtle"


@click.command("rdf")
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    metavar="turtle|jsonld|ntriples|rdfxml",
    help="RDF syntax (default: from OUT's extension, else turtle).",
)
@click.option(
    "--validate",
    is_flag=True,
    help="Check the graph against the SHACL shapes of models.ttl first; write nothing if it breaks one.",
)
@click.option(
    "--base",
    default=None,
    metavar="IRI",
    help="Base of the node and tie IRIs (default: https://w3id.org/partnergraph/id).",
)
@click.option(
    "--include-private",
    is_flag=True,
    help="Include the private contact properties (e-mail, phone, contact role; not for publication).",
)
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@pass_cli
def rdf_command(
    cli: Cli, out: Path | None, fmt: str | None, validate: bool, base: str | None, include_private: bool, force: bool
) -> None:
    """Write the store as RDF to OUT (default: standard output): W3C ORG, RegOrg, schema.org, SKOS, PROV."""
    from partnergraph.rdf.export import DEFAULT_BASE, check_format, write_rdf

    name = check_format(_format(fmt, out))
    target = sys.stdout.buffer if out is None or str(out) == "-" else out
    if isinstance(target, Path):
        refuse_existing(target, force)
    try:
        report = write_rdf(
            cli.store(),
            target,
            format=name,
            base=base or DEFAULT_BASE,
            include_private=include_private,
            validate=validate,
        )
    except ValidationError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise UserError(str(Msg("cli.rdf.invalid", count=len(exc.problems)))) from exc
    if validate:
        click.echo(str(Msg("cli.rdf.valid")), err=True)
    if isinstance(target, Path):
        click.echo(
            str(
                Msg(
                    "cli.rdf.done",
                    path=target,
                    format=name,
                    triples=report.triples,
                    nodes=report.nodes,
                    ties=report.ties,
                )
            )
        )
        if name == "jsonld":
            _write_context(cli, target)


def _write_context(cli: Cli, target: Path) -> None:
    """The published JSON-LD context beside a JSON-LD export (``graf.jsonld`` → ``graf.context.jsonld``)."""
    import json

    from partnergraph.rdf.export import jsonld_context

    path = target.with_name(f"{target.stem}.context.jsonld")
    write_text_atomic(path, json.dumps(jsonld_context(cli.store().schema), ensure_ascii=False, indent=1) + "\n")
    click.echo(str(Msg("cli.rdf.context", path=path)))


COMMANDS: list[click.Command] = []
EXPORT_COMMANDS: list[click.Command] = [rdf_command]
