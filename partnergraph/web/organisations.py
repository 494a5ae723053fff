"""Organisations: a searchable, filtered, paginated list, and one page per organisation.

Search is the store's: words of the query must start words of the name or short name, case
and Polish diacritics folded ("lacka" finds "Łącka"). The municipality filter follows
``LOCATED_IN`` ties. A page of results is kept per write version of the store (the store sorts
all of a broad query's matches, ~20 ms at 100,000 organisations), and so are the filters'
options (2,477 gminas, rendered once into ``<option>`` elements).

An organisation's page shows its properties, its ties grouped by type, its network metrics
(:func:`~partnergraph.queries.metrics.node_metrics`), partner suggestions with their reasons
(:func:`~partnergraph.queries.matching.matching`) and a link to its ego map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import LOCATION_TIE, read_cache
from partnergraph.graph.validity import current_units
from partnergraph.i18n import current_language
from partnergraph.queries.base import Result
from partnergraph.queries.matching import matching
from partnergraph.queries.metrics import node_metrics
from partnergraph.records import Node, Tie
from partnergraph.text import fold
from partnergraph.values import Value
from partnergraph.web.lists import mark, render
from partnergraph.web.store import cached, get_store

__all__ = ["METRICS_SHOWN", "SEARCHES_KEPT", "Choices", "TieLine", "bp", "search"]

bp = Blueprint("organisations", __name__)
METRICS_SHOWN = ("degree", "betweenness", "closeness", "pagerank", "core")
SEARCHES_KEPT = 256
"""Pages of search results kept per write version (least recently used dropped; a page is ``PAGE_SIZE`` nodes)."""
TIE_DETAILS = ("since", "until", "evidence", "source")


@dataclass(frozen=True)
class TieLine:
    """One tie as the organisation page shows it: direction, the other node, dates, evidence, the rest."""

    tie: Tie
    other: Node
    direction: str
    details: list[tuple[str, Value]]
    """(property label, value): dates and evidence first."""


def _filters() -> dict[str, str]:
    return {name: request.args.get(name, "").strip() for name in ("q", "kind", "sector", "municipality")}


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def search(store: GraphStore, filters: dict[str, str], offset: int, size: int) -> list[Node]:
    """Organisations matching the filters ``q``, ``kind``, ``sector``, ``municipality`` (empty: any), from ``offset``."""
    where: dict[str, Value] = {name: filters[name] for name in ("kind", "sector") if filters[name]}
    text = filters["q"] or None
    if not filters["municipality"]:
        return store.find_nodes(type="Organisation", text=text, where=where or None, limit=size, offset=offset)
    located = [
        n
        for _, n in store.neighbours(filters["municipality"], tie_types=[LOCATION_TIE], direction="in")
        if n.type == "Organisation"
    ]
    if text:  # the store's word-prefix search, narrowed to the municipality
        keys = {n.key for n in located}
        found = [
            n
            for n in store.find_nodes(type="Organisation", text=text, where=where or None, limit=None)
            if n.key in keys
        ]
    else:  # only the municipality's organisations are read, in the store's order (folded name, then key)
        found = [n for n in located if all(n.props.get(k) == v for k, v in where.items())]
        found.sort(key=lambda n: (fold(str(n.props.get("name", ""))), n.key))
    return found[offset : offset + size]


def _search_page(
    store: GraphStore, filters: dict[str, str], page: int, size: int
) -> tuple[list[tuple[Node, str]], bool]:
    """Page ``page`` of the matches as (organisation, its municipalities' names), and whether more follow."""
    found = search(store, filters, (page - 1) * size, size + 1)
    return [(node, _municipality_of(store, node.key)) for node in found[:size]], len(found) > size


def _municipality_of(store: GraphStore, key: str) -> str:
    names = [
        str(node.props.get("name", node.key))
        for _, node in store.neighbours(key, tie_types=[LOCATION_TIE], direction="out")
    ]
    return ", ".join(names)


@dataclass(frozen=True)
class Choices:
    """The filters' options (code, label) and labels (code → label), once per write version and language."""

    options: dict[str, list[tuple[str, str]]]
    labels: dict[str, dict[str, str]]
    municipality_html: Markup
    """The municipality filter's ``<option>`` elements (one per current gmina), none selected."""


def _choices(store: GraphStore) -> Choices:
    language = current_language()
    vocabularies = store.schema.vocabularies
    municipalities = sorted(current_units(store, "Municipality"), key=lambda m: (str(m.props.get("name", "")), m.key))
    options = {
        "kind": sorted(
            ((c, v.label(language)) for c, v in vocabularies["OrganisationKinds"].concepts.items()), key=lambda x: x[1]
        ),
        "sector": [(c, v.label(language)) for c, v in vocabularies["Sectors"].concepts.items()],
        "municipality": [(m.key, str(m.props.get("name", m.key))) for m in municipalities],
    }
    labels = {name: dict(found) for name, found in options.items()}
    return Choices(options, labels, render("options", options["municipality"]))


@bp.route("/organisations")
def index() -> ResponseReturnValue:
    """The list: search, kind, sector and municipality filters, pages of ``PAGE_SIZE``."""
    store, filters, page = get_store(), _filters(), _page()
    size = int(current_app.config["PAGE_SIZE"])
    rows, more = read_cache(store).get(
        store,
        "web.searches",
        (tuple(sorted(filters.items())), page, size),
        lambda: _search_page(store, filters, page, size),
        size=SEARCHES_KEPT,
    )
    choices = cached("organisation_filters", _choices, by_language=True)
    return render_template(
        "organisations.html",
        rows=rows,
        filters=filters,
        page=page,
        more=more,
        first=(page - 1) * size + 1,
        choices=choices.options,
        labels=choices.labels,
        municipality_options=mark(choices.municipality_html, '<option value="', [filters["municipality"]], "selected"),
    )


def _tie_lines(store: GraphStore, key: str) -> dict[str, list[TieLine]]:
    types, language = store.schema.tie_types, current_language()
    groups: dict[str, list[TieLine]] = {}
    for tie, other in store.neighbours(key):
        definition = types[tie.type]
        direction = "both" if definition.symmetric else ("out" if tie.start == key else "in")
        labelled = [
            (definition.properties[n].label(language) if n in definition.properties else n, v)
            for n, v in _ordered(tie.props, TIE_DETAILS)
        ]
        groups.setdefault(tie.type, []).append(TieLine(tie, other, direction, labelled))
    return groups


def _metrics(key: str) -> dict[str, float] | None:
    every = cached("node_metrics", lambda s: node_metrics(s, metrics=METRICS_SHOWN))  # once per write version
    return every.get(key)


def _suggestions(store: GraphStore, node: Node) -> Result | None:
    return matching(store, node.key, limit=5) if node.type == "Organisation" else None


def _prop_labels(store: GraphStore, node_type: str) -> dict[str, str]:
    definition = store.schema.node_types.get(node_type)
    language = current_language()
    return {name: prop.label(language) for name, prop in (definition.properties.items() if definition else ())}


def _vocabulary_text(store: GraphStore, node: Node) -> dict[str, str]:
    definition = store.schema.node_types.get(node.type)
    shown: dict[str, str] = {}
    for name, prop in definition.properties.items() if definition else ():
        value = node.props.get(name)
        if prop.vocabulary is not None and isinstance(value, str) and value in prop.vocabulary.concepts:
            shown[name] = prop.vocabulary.concepts[value].label(current_language())
    return shown


@bp.route("/organisations/<path:key>")
def show(key: str) -> ResponseReturnValue:
    """One node's page (organisations, and any other node a tie leads to)."""
    store = get_store()
    node = store.get_node(key)
    if node is None:
        abort(404)
    tie_labels = {name: tie_type.label(current_language()) for name, tie_type in store.schema.tie_types.items()}
    metrics = _metrics(key) if node.type == "Organisation" else None
    labels = _prop_labels(store, node.type)
    return render_template(
        "organisation.html",
        node=node,
        ties=_tie_lines(store, key),
        tie_labels=tie_labels,
        props=_ordered(node.props, list(labels)),
        prop_labels=labels,
        vocab=_vocabulary_text(store, node),
        type_label=_type_label(store, node.type),
        metrics=metrics,
        metric_names=_metric_labels(),
        suggestions=_suggestions(store, node),
    )


def _type_label(store: GraphStore, node_type: str) -> str:
    definition = store.schema.node_types.get(node_type)
    return definition.label(current_language()) if definition else node_type


def _metric_labels() -> dict[str, str]:
    from partnergraph.queries.base import row_labels
    from partnergraph.queries.metrics import MetricRow

    labels = row_labels(MetricRow)
    return {name: labels[name] for name in METRICS_SHOWN}


def _ordered(props: Mapping[str, Any], order: Sequence[str]) -> list[tuple[str, Any]]:
    """``props`` in the schema's order, unknown ones last by name."""
    known = [(name, props[name]) for name in order if name in props]
    return known + sorted((k, v) for k, v in props.items() if k not in order)
