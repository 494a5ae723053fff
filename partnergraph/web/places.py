"""Municipalities side by side and partnerships: pages over :mod:`partnergraph.queries.compare`
and :mod:`partnergraph.queries.partnership`.

``/municipalities`` shows the indicators of :func:`~partnergraph.queries.compare.compare` as one
table, a column per municipality (value, and per 10,000 inhabitants where the population is
known); ``/partnerships`` lists the partnerships' composition, and each partnership's page shows
its members with their roles, its composition, its KPIs and its candidate members with reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from partnergraph.graph.base import GraphStore
from partnergraph.graph.validity import current_units
from partnergraph.i18n import current_language
from partnergraph.queries.base import Result
from partnergraph.queries.compare import CompareRow, compare
from partnergraph.queries.partnership import candidates, kpi, partnership
from partnergraph.web.lists import mark, render
from partnergraph.web.store import cached, get_store

__all__ = ["bp", "pivot"]

bp = Blueprint("places", __name__)


def pivot(rows: Sequence[CompareRow]) -> tuple[list[tuple[str, str]], list[tuple[str, dict[str, CompareRow]]]]:
    """The rows as (municipality key, name) columns and (indicator label, municipality → row) lines."""
    columns = list(dict.fromkeys((r.municipality, r.name) for r in rows))
    lines: dict[str, tuple[str, dict[str, CompareRow]]] = {}
    for row in rows:
        lines.setdefault(row.indicator, (row.label, {}))[1][row.municipality] = row
    return columns, list(lines.values())


@bp.route("/municipalities")
def municipalities() -> ResponseReturnValue:
    """Chosen municipalities (``?m=…`` repeated; default: those with the most organisations) side by side."""
    store = get_store()
    chosen = [m for m in request.args.getlist("m") if m] or None
    result = compare(store, municipalities=chosen)
    shown = list(result.meta.get("municipalities", []))
    columns, lines = pivot(result.rows)
    return render_template(
        "municipalities.html",
        result=result,
        columns=columns,
        lines=lines,
        choices=mark(
            cached("municipality_choices", _choices), '<input type="checkbox" name="m" value="', shown, "checked"
        ),
        chart_query=",".join(k for k, _ in columns),
    )


def _choices(store: GraphStore) -> Markup:
    """A checkbox per current municipality, by name, none checked (once per write version)."""
    every = sorted(
        ((n.key, str(n.props.get("name", n.key))) for n in current_units(store, "Municipality")),
        key=lambda x: (x[1], x[0]),
    )
    return render("checkboxes", every)


@bp.route("/partnerships")
def partnerships() -> ResponseReturnValue:
    """Every partnership with its composition."""
    return render_template("partnerships.html", composition=partnership(get_store()))


def _members(key: str) -> list[tuple[Any, Any]]:
    store = get_store()
    found = store.neighbours(key, tie_types=["MEMBER_OF"], direction="in")
    return sorted(found, key=lambda pair: (str(pair[1].props.get("name", "")), pair[1].key))


def _only(result: Result, key: str) -> Result:
    result.rows = [r for r in result.rows if r.key == key]
    return result


@bp.route("/partnerships/<path:key>")
def partnership_page(key: str) -> ResponseReturnValue:
    """One partnership: members and roles, composition, KPIs, candidate members."""
    store = get_store()
    node = store.get_node(key)
    if node is None or node.type != "Partnership":
        abort(404)
    return render_template(
        "partnership.html",
        node=node,
        members=_members(key),
        roles=_role_labels(store),
        composition=_only(partnership(store), key),
        kpis=kpi(store, partnership=key),
        candidates=candidates(store, partnership=key),
    )


def _role_labels(store: GraphStore) -> dict[str, str]:
    prop = store.schema.tie_types["MEMBER_OF"].properties.get("role")
    if prop is None or prop.vocabulary is None:
        return {}
    return {code: concept.label(current_language()) for code, concept in prop.vocabulary.concepts.items()}
