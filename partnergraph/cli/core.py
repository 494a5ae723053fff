"""The main group and the store commands: init, demo, stats, add, delete, show, find, schema, db.

Every command builds the core objects, calls them and prints the result; errors become one
line ``Błąd: …`` with exit status 1 (see :mod:`partnergraph.cli.support`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import click

from partnergraph import __version__
from partnergraph.cli.help import settings_epilog
from partnergraph.cli.support import (
    Cli,
    GuardedGroup,
    UserError,
    emit_rows,
    key_values,
    output_option,
    pass_cli,
    printable,
)
from partnergraph.config import load_settings
from partnergraph.errors import ConfigError, NotFoundError, Problem, ValidationError
from partnergraph.graph.base import WriteSummary
from partnergraph.i18n import Msg, Plural, register_messages, use_language
from partnergraph.importers.identity import resolve_node
from partnergraph.importers.personal import personal_findings
from partnergraph.queries.summary import summary
from partnergraph.records import Node, Tie
from partnergraph.values import to_json

__all__ = ["main"]

register_messages(
    {
        "cli.ready": "Store ready: {url} (write version {version})",
        "cli.written": "Written (version {version}): nodes new {nc}, updated {nu}, unchanged {nn}; ties new {tc}, updated "
        "{tu}, unchanged {tn}",
        "cli.removed": "Values removed: nodes {n}, ties {t}",
        "cli.deleted": "Deleted (version {version}): nodes {n}, ties {t}",
        "cli.demo": "Loaded the example network (illustrative data) into {url}.",
        "cli.summary.node_type": "Nodes by type",
        "cli.summary.tie_type": "Ties by type",
        "cli.summary.municipality": "Organisations by municipality",
        "cli.check_ok": "Store {url} is consistent.",
        "cli.check_bad": Plural("{count} problem in store {url}", "{count} problems in store {url}"),
        "cli.no_changes": "The change log is empty.",
        "cli.none_found": "Nothing found.",
        "cli.ties": "Ties",
        "cli.unset_since": "--unset since needs the tie's id (--id): the id of a dated tie contains its since date, "
        "so without it a new undated tie would be made",
        "cli.unset_since.hint": "partnergraph show {start} lists the ids of its ties",
    }
)


@click.group(cls=GuardedGroup, epilog=settings_epilog("en"))
@click.option(
    "--store", "store_url", metavar="URL", help="Store URL (default: $PARTNERGRAPH_STORE or sqlite:///partnergraph.db)."
)
@click.option(
    "--lang", type=click.Choice(["pl", "en"]), help="Language of messages (default: $PARTNERGRAPH_LANG or pl)."
)
@click.option("--user", help="Your name for the change log (default: $PARTNERGRAPH_USER or your login).")
@click.version_option(__version__, prog_name="partnergraph")
@click.pass_context
def main(ctx: click.Context, store_url: str | None, lang: str | None, user: str | None) -> None:
    """partnergraph: map the network of a social-economy partnership.

    Partners, municipalities, businesses, social cooperatives, support centres and the ties
    between them, in an embedded store (one SQLite file) or in Neo4j.
    """
    settings = load_settings(store=store_url, language=lang, user=user)
    ctx.with_resource(use_language(settings.language))
    ctx.obj = Cli(settings, ctx)


@main.command()
@pass_cli
def init(cli: Cli) -> None:
    """Create the store (the SQLite file, or Neo4j constraints) if it is not there yet."""
    store = cli.store()
    click.echo(str(Msg("cli.ready", url=store.url, version=store.version())))


@main.command()
@pass_cli
def demo(cli: Cli) -> None:
    """Load the built-in example network (illustrative data) and print a summary."""
    from partnergraph.importers.run import run_import

    store = cli.store()
    folder = resources.files("partnergraph").joinpath("data/example")
    with resources.as_file(folder) as path:
        report = run_import(store, Path(path), format="csv", user=cli.user)
    click.echo(str(Msg("cli.demo", url=store.url)))
    _echo_written(report.summary)
    _echo_summary(cli, "table")


def _echo_written(summary: WriteSummary) -> None:
    counts = {
        "nc": ("node", "created"),
        "nu": ("node", "updated"),
        "nn": ("node", "unchanged"),
        "tc": ("tie", "created"),
        "tu": ("tie", "updated"),
        "tn": ("tie", "unchanged"),
    }
    click.echo(str(Msg("cli.written", version=summary.version, **{k: summary.get(*v) for k, v in counts.items()})))
    if summary.removed:
        n, t = summary.get("node_value", "removed"), summary.get("tie_value", "removed")
        click.echo(str(Msg("cli.removed", n=n, t=t)))


_UNSET_HELP = "Remove the stored value of this property (repeatable; a required one cannot be removed)."


def _echo_summary(cli: Cli, fmt: str) -> None:
    rows = summary(cli.store())
    if fmt != "table":
        emit_rows([vars(row) for row in rows], fmt, ["group", "name", "label", "count"])
        return
    for group in ("node_type", "tie_type", "municipality"):
        selected = [row for row in rows if row.group == group]
        if selected:
            click.echo(f"\n{Msg('cli.summary.' + group)}")
            emit_rows([{"": row.label, "n": row.count} for row in selected], "table", header=False)


@main.command()
@output_option
@pass_cli
def stats(cli: Cli, fmt: str) -> None:
    """Counts by node type, tie type and municipality."""
    _echo_summary(cli, fmt)


@main.group()
def add() -> None:
    """Add or update one node or tie (validated against models.ttl)."""


@add.command("node")
@click.argument("node_type")
@click.argument("key", required=False, default="")
@click.argument("props", nargs=-1, metavar="PROPERTY=VALUE...")
@click.option("--unset", "unset", multiple=True, metavar="NAME", help=_UNSET_HELP)
@pass_cli
def add_node(cli: Cli, node_type: str, key: str, props: tuple[str, ...], unset: tuple[str, ...]) -> None:
    """Add or update a node of NODE_TYPE.

    KEY may be left out when an identifier (krs=, nip=, regon=, teryt=) or a name is given.
    A stored node (by key, or by an identifier under another key) is updated: only the
    properties given change.
    Example: partnergraph add node Organisation org:ces-kwilcz name="CES Kwilcz" kind=ces
    """
    if "=" in key:
        props, key = (key, *props), ""
    given = key_values(props)
    record, notices = resolve_node(cli.store(), Node(key, node_type, given))
    if unset:  # the stored values resolve_node merged in go; a value given and unset at once is refused by the store
        kept = {name: value for name, value in record.props.items() if name not in unset or name in given}
        record = Node(record.key, record.type, kept)
    for notice in notices:
        click.echo(printable(f"{Msg('cli.import.notice')}: {notice.message}"), err=True)
    for _, message in personal_findings(record.props):
        click.echo(printable(f"{Msg('cli.import.notice')}: {message}"), err=True)
    with cli.store().write(source="cli add node", user=cli.user) as writer:
        writer.upsert_nodes([record], remove={record.key: unset} if unset else None)
    _echo_written(writer.summary)


@add.command("tie")
@click.argument("start")
@click.argument("tie_type")
@click.argument("end")
@click.argument("props", nargs=-1, metavar="PROPERTY=VALUE...")
@click.option("--id", "tie_id", default="", help="The tie's own id (default: derived from start, type, end and since).")
@click.option("--unset", "unset", multiple=True, metavar="NAME", help=_UNSET_HELP)
@pass_cli
def add_tie(
    cli: Cli, start: str, tie_type: str, end: str, props: tuple[str, ...], tie_id: str, unset: tuple[str, ...]
) -> None:
    """Add or update a tie START -[TIE_TYPE]-> END.

    Example: partnergraph add tie org:gops-kwilcz REFERS org:ces-kwilcz count=6 since=2024-01-01
    """
    if "since" in unset and not tie_id:
        raise ConfigError(Msg("cli.unset_since"), hint=Msg("cli.unset_since.hint", start=start))
    store = cli.store()
    record = Tie(tie_type, start, end, key_values(props), tie_id)
    remove = {store.validator.tie(record).id: unset} if unset else None
    with store.write(source="cli add tie", user=cli.user) as writer:
        writer.upsert_ties([record], remove=remove)
    _echo_written(writer.summary)


@main.command()
@click.argument("key")
@click.option("--cascade", is_flag=True, help="Also delete the node's ties.")
@pass_cli
def delete(cli: Cli, key: str, cascade: bool) -> None:
    """Delete the node KEY (or the tie with that id); undo with 'db revert'."""
    store = cli.store()
    with store.write(source="cli delete", user=cli.user) as writer:
        if store.get_node(key) is None and store.get_tie(key) is not None:
            writer.delete_tie(key)
        else:
            writer.delete_node(key, cascade=cascade)
    done = writer.summary
    click.echo(
        str(Msg("cli.deleted", version=done.version, n=done.get("node", "deleted"), t=done.get("tie", "deleted")))
    )


@main.command()
@click.argument("key")
@output_option
@pass_cli
def show(cli: Cli, key: str, fmt: str) -> None:
    """Show the node KEY with its properties and ties."""
    store = cli.store()
    node = store.get_node(key)
    if node is None:
        raise NotFoundError(Msg("store.node_missing", key=key))
    ties = store.neighbours(key)
    if fmt == "json":
        data = {
            **node.as_json(),
            "ties": [{**t.as_json(), "other": n.key, "other_name": n.props.get("name")} for t, n in ties],
        }
        emit_rows([data], "json")
        return
    props = node.props
    rows: list[dict[str, Any]] = [{"property": "key", "value": node.key}, {"property": "type", "value": node.type}]
    rows += [{"property": name, "value": to_json(value)} for name, value in props.items()]
    rows += [{"property": "origin", "value": node.origin}, {"property": "version", "value": node.version}]
    emit_rows(rows, fmt, header=fmt != "table")
    if ties:
        click.echo(f"\n{Msg('cli.ties')}")
        emit_rows([_tie_row(key, t, n, store.schema.tie_types[t.type].symmetric) for t, n in ties], fmt)


def _tie_row(key: str, tie: Tie, other: Node, symmetric: bool) -> dict[str, Any]:
    arrow = "↔" if symmetric else ("→" if tie.start == key else "←")
    props = ", ".join(f"{k}={to_json(v)}" for k, v in tie.props.items())
    return {"tie": tie.type, "": arrow, "node": other.key, "name": other.props.get("name", ""), "properties": props}


@main.command()
@click.argument("text", required=False)
@click.option("--type", "node_type", help="Only nodes of this type (e.g. Organisation).")
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="PROPERTY=VALUE",
    help="Only nodes with this property value (repeatable).",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000))
@output_option
@pass_cli
def find(cli: Cli, text: str | None, node_type: str | None, where: tuple[str, ...], limit: int, fmt: str) -> None:
    """Find nodes whose name has words starting with TEXT (case and ą/ę/ł/ó/ś/ź/ż ignored)."""
    store = cli.store()
    if node_type is not None and node_type not in store.schema.node_types:
        store.validator.node(Node("", node_type))  # raises the 'unknown node type' error
    filters = _typed_filters(cli, key_values(where))
    nodes = store.find_nodes(type=node_type, text=text, where=filters, limit=limit)
    if not nodes and fmt == "table":
        click.echo(str(Msg("cli.none_found")))
        return
    emit_rows(
        [
            {"key": n.key, "type": n.type, "name": n.props.get("name", ""), "kind": n.props.get("kind", "")}
            for n in nodes
        ],
        fmt,
    )


def _typed_filters(cli: Cli, raw: dict[str, str]) -> dict[str, Any]:
    schema = cli.store().schema
    props = {p.name: p for t in schema.node_types.values() for p in t.properties.values()}
    typed: dict[str, Any] = {}
    for name, text in raw.items():
        prop = props.get(name)
        if prop is None:
            raise ValidationError([Problem(Msg("store.bad_property_filter", name=name), "--where")])
        value, problems = cli.store().validator.value(prop, text)
        if problems:
            raise ValidationError(problems)
        typed[name] = value
    return typed


@main.command()
@click.argument("name", required=False)
@output_option
@pass_cli
def schema(cli: Cli, name: str | None, fmt: str) -> None:
    """List node types, tie types and vocabularies from models.ttl; NAME shows one in detail."""
    from partnergraph.schema import load_schema
    from partnergraph.schema_docs import describe, overview

    language = cli.settings.language
    rows = describe(load_schema(), name, language) if name else overview(load_schema(), language)
    emit_rows(rows, fmt)


@main.group()
def db() -> None:
    """Store maintenance: integrity check, change log, revert."""


@db.command()
@pass_cli
def check(cli: Cli) -> None:
    """Check the store's integrity and every record against models.ttl."""
    store = cli.store()
    problems = store.check()
    if problems:
        for problem in problems:
            click.echo(printable(str(problem)), err=True)
        raise UserError(str(Msg("cli.check_bad", url=store.url, count=len(problems))))
    click.echo(str(Msg("cli.check_ok", url=store.url)))


@db.command()
@click.option("--version", "version", type=int, help="Only this write version.")
@click.option("--key", help="Only changes of this node key or tie id.")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 1000000))
@output_option
@pass_cli
def log(cli: Cli, version: int | None, key: str | None, limit: int, fmt: str) -> None:
    """Show the change log, newest first: who changed what, when, from which source."""
    changes = cli.store().changes(version=version, key=key, limit=limit)
    if not changes and fmt == "table":
        click.echo(str(Msg("cli.no_changes")))
        return
    rows = [
        {
            "version": c.version,
            "at": c.at,
            "user": c.user,
            "source": c.source,
            "op": c.op,
            "entity": c.entity,
            "key": c.key,
            **({"before": c.before, "after": c.after} if fmt == "json" else {}),
        }
        for c in changes
    ]
    emit_rows(rows, fmt)


register_messages(
    {
        "cli.reverted": "Reverted version {reverted} (new version {version}): nodes deleted {nd}, restored {nc}, changed {nu}; "
        "ties deleted {td}, restored {tc}, changed {tu}",
    }
)


@db.command()
@click.argument("version", type=int)
@pass_cli
def revert(cli: Cli, version: int) -> None:
    """Undo every change of write VERSION (refused if something changed since)."""
    done = cli.store().revert(version, user=cli.user)
    counts = {f"{e[0]}{o[0]}": done.get(e, o) for e in ("node", "tie") for o in ("deleted", "created", "updated")}
    click.echo(str(Msg("cli.reverted", reverted=version, version=done.version, **counts)))
