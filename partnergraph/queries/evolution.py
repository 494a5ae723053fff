"""How the network changed: indicators at snapshot dates, and what changed between two dates.

A snapshot is the organisation network as of a day: the projection's ``as_of`` filter keeps a
tie when ``since`` ≤ day ≤ ``until`` (a missing bound is open, and both bounds count as valid
days). Organisations themselves are not dated: every organisation is in every snapshot, so
an organisation can be an isolate on one day and connected on another.

* :func:`evolution` — one row per indicator (organisations with ties, ties, density,
  components, …) with its value at each snapshot and the change from the first to the last;
* :func:`changes` — one row per change between ``--from`` and ``--to``: ties added and ended,
  new isolates and newly connected organisations, brokers gained and lost, and the largest
  degree and betweenness changes.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> result = evolution(SqliteStore(":memory:"), dates=["2024-01-01", "2024-12-31"])
    >>> [(row.key, row.values) for row in result.rows][:2]
    [('organisations', [0, 0]), ('organisations_with_ties', [0, 0])]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import networkx as nx

from partnergraph.errors import ConfigError, Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import Graph
from partnergraph.i18n import Msg, current_language, register_messages
from partnergraph.queries.base import FILTER_PARAMS, Analysis, Param, Result, filtered_graph
from partnergraph.queries.brokerage import broker_roles
from partnergraph.values import parse_date
from partnergraph.viz.lines import line_chart

__all__ = [
    "ANALYSES",
    "CHANGE_KINDS",
    "INDICATORS",
    "ChangeRow",
    "IndicatorRow",
    "TieInfo",
    "brokers_of",
    "changes",
    "check_order",
    "evolution",
    "evolution_chart",
    "indicator_values",
    "parse_dates",
    "sector_of",
    "simple_graph",
    "ties_of",
]

register_messages(
    {
        "q.evolution.ind.organisations": "organisations",
        "q.evolution.ind.organisations_with_ties": "organisations with ties",
        "q.evolution.ind.isolates": "isolates",
        "q.evolution.ind.ties": "ties",
        "q.evolution.ind.density": "density",
        "q.evolution.ind.components": "components (isolates excluded)",
        "q.evolution.ind.cross_sector_ties": "cross-sector ties",
        "q.evolution.ind.cooperatives_with_business_tie": "social cooperatives with a business tie",
        "q.evolution.ind.brokers": "brokers (Gould–Fernandez > 0)",
        "q.evolution.need_dates": "give --from DATE and --to DATE, or --dates D1,D2,…",
        "q.evolution.need_both": "give both days: --from DATE and --to DATE",
        "q.evolution.both_forms": "give either --from/--to or --dates, not both",
        "q.evolution.order": "--to: {to} is earlier than --from {start}",
        "q.evolution.order.hint": "swap the dates",
        "q.evolution.unknown_indicator": "--indicators: unknown indicator {value!r}",
        "q.evolution.change.tie_added": "tie added",
        "q.evolution.change.tie_ended": "tie ended",
        "q.evolution.change.new_isolate": "new isolate",
        "q.evolution.change.newly_connected": "newly connected",
        "q.evolution.change.broker_gained": "broker gained",
        "q.evolution.change.broker_lost": "broker lost",
        "q.evolution.change.degree": "degree change",
        "q.evolution.change.betweenness": "betweenness change",
        "q.evolution.chart_title": "The network over time",
        "q.evolution.note.undated": "Organisations are not dated: each is in every snapshot; only ties change.",
    }
)

INDICATORS = (
    "organisations",
    "organisations_with_ties",
    "isolates",
    "ties",
    "density",
    "components",
    "cross_sector_ties",
    "cooperatives_with_business_tie",
    "brokers",
)
"""The indicators of a snapshot, in row order."""
CHART_DEFAULT = ("organisations_with_ties", "ties", "cross_sector_ties", "cooperatives_with_business_tie", "brokers")
"""Indicators drawn by ``--chart`` when ``--indicators`` is not given (density is on another scale)."""


class TieInfo(NamedTuple):
    """One tie of a snapshot (a symmetric tie once, endpoints as stored)."""

    id: str
    type: str
    start: str
    end: str
    symmetric: bool
    since: dt.date | None
    until: dt.date | None


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator at each snapshot date (``values`` in the order of the dates)."""

    key: str
    label: str
    value_from: float | int
    value_to: float | int
    delta: float | int
    values: list[float | int]

    LABELS: ClassVar[dict[str, str]] = {
        "key": "indicator",
        "label": "name",
        "value_from": "at start",
        "value_to": "at end",
        "delta": "change",
        "values": "values by date",
    }


def parse_dates(values: Sequence[str | dt.date], flag: str = "--dates") -> list[dt.date]:
    """Dates from text (YYYY-MM-DD or DD.MM.YYYY) or dates, sorted, duplicates dropped."""
    parsed: set[dt.date] = set()
    for value in values:
        try:
            parsed.add(parse_date(value))
        except ValueError as exc:
            raise ConfigError(Msg("q.bad_date", flag=flag, value=value)) from exc
    return sorted(parsed)


def sector_of(store: GraphStore, props: dict[str, Any]) -> str | None:
    """An organisation's sector: its own ``sector``, else its kind's default sector (models.ttl)."""
    sector = props.get("sector")
    if sector:
        return str(sector)
    concept = store.schema.vocabularies["OrganisationKinds"].concepts.get(str(props.get("kind", "")))
    return concept.default_sector if concept is not None else None


def ties_of(graph: Graph) -> dict[str, TieInfo]:
    """The distinct ties of a projected graph by id (a symmetric tie's two edges are one tie)."""
    found: dict[str, TieInfo] = {}
    for start, end, key, data in graph.edges(keys=True, data=True):
        if key in found:
            continue
        found[key] = TieInfo(
            key, data["type"], start, end, bool(data.get("symmetric")), data.get("since"), data.get("until")
        )
    return found


def brokers_of(store: GraphStore, graph: Graph) -> dict[str, int]:
    """Gould–Fernandez brokerage totals by organisation (partition by sector)."""
    partition = {n: s for n, data in graph.nodes(data=True) if (s := sector_of(store, data)) is not None}
    return {key: roles["total"] for key, roles in broker_roles(graph, partition).items()}


def simple_graph(graph: Graph) -> nx.Graph[str]:
    """The structure only: an undirected simple graph without self-loops (no attributes copied)."""
    simple: nx.Graph[str] = nx.Graph()
    simple.add_nodes_from(graph)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    return simple


def indicator_values(store: GraphStore, graph: Graph) -> dict[str, float | int]:
    """Every indicator of :data:`INDICATORS` for one snapshot graph."""
    simple = simple_graph(graph)
    isolates = set(nx.isolates(simple))
    ties = ties_of(graph).values()
    sectors = {n: sector_of(store, data) for n, data in graph.nodes(data=True)}
    kinds = {n: data.get("kind") for n, data in graph.nodes(data=True)}
    cooperatives = [
        n for n in simple if kinds[n] == "social_cooperative" and any(kinds[m] == "business" for m in simple[n])
    ]
    connected = simple.subgraph(set(simple) - isolates)
    return {
        "organisations": simple.number_of_nodes(),
        "organisations_with_ties": simple.number_of_nodes() - len(isolates),
        "isolates": len(isolates),
        "ties": len(ties),
        "density": round(nx.density(simple), 6),
        "components": nx.number_connected_components(connected),
        "cross_sector_ties": sum(
            1 for t in ties if sectors[t.start] and sectors[t.end] and sectors[t.start] != sectors[t.end]
        ),
        "cooperatives_with_business_tie": len(cooperatives),
        "brokers": sum(1 for total in brokers_of(store, graph).values() if total > 0),
    }


def _snapshots(
    date_from: dt.date | None, date_to: dt.date | None, dates: Sequence[str | dt.date] | None
) -> list[dt.date]:
    if dates:
        if date_from is not None or date_to is not None:
            raise ConfigError(Msg("q.evolution.both_forms"))
        return parse_dates(dates)
    if date_from is None or date_to is None:
        raise ConfigError(Msg("q.evolution.need_dates"))
    return check_order(date_from, date_to)


def check_order(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """``[from, to]``, refused when ``to`` is earlier than ``from``."""
    if date_to < date_from:
        problem = Problem(
            Msg("q.evolution.order", to=date_to.isoformat(), start=date_from.isoformat()),
            "",
            Msg("q.evolution.order.hint"),
        )
        raise ValidationError([problem])
    return [date_from, date_to]


def _check_indicators(indicators: Sequence[str] | None) -> tuple[str, ...]:
    bad = [name for name in indicators or () if name not in INDICATORS]
    if bad:
        hint = Msg("val.available_hint", allowed=", ".join(INDICATORS))
        raise ValidationError([Problem(Msg("q.evolution.unknown_indicator", value=name), "", hint) for name in bad])
    return tuple(indicators) if indicators else CHART_DEFAULT


def evolution(
    store: GraphStore,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    dates: Sequence[str | dt.date] | None = None,
    indicators: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
) -> Result:
    """Indicators of the organisation network at ``date_from`` and ``date_to``, or at each of ``dates``."""
    snapshots = _snapshots(date_from, date_to, dates)
    drawn = _check_indicators(indicators)
    by_date = [
        indicator_values(
            store, filtered_graph(store, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=day)
        )
        for day in snapshots
    ]
    rows = []
    for name in INDICATORS:
        values = [snapshot[name] for snapshot in by_date]
        delta = round(values[-1] - values[0], 6) if name == "density" else values[-1] - values[0]
        rows.append(IndicatorRow(name, str(Msg(f"q.evolution.ind.{name}")), values[0], values[-1], delta, values))
    params = {
        "from": date_from,
        "to": date_to,
        "dates": [d.isoformat() for d in snapshots],
        "indicators": list(drawn),
        "kinds": kinds,
        "tie_types": tie_types,
        "municipality": municipality,
    }
    algorithm = (
        "snapshots of the organisation network (tie valid on day d when since ≤ d ≤ until, open bounds open); "
        "ties counted once (symmetric too); density and components on the simple undirected graph, components "
        "without isolates; brokers: Gould–Fernandez total > 0 with a sector partition (networkx)"
    )
    meta = {"dates": [d.isoformat() for d in snapshots], "chart_indicators": list(drawn)}
    notes = [str(Msg("q.evolution.note.undated"))]
    return Result(
        "evolution", algorithm, {k: v for k, v in params.items() if v is not None}, rows, IndicatorRow, notes, meta
    )


def evolution_chart(result: Result) -> str:
    """A line chart of the chosen indicators over the snapshot dates."""
    chosen = result.meta.get("chart_indicators") or list(CHART_DEFAULT)
    series = {row.label: row.values for row in result.rows if row.key in chosen}
    return line_chart(result.meta["dates"], series, title=str(Msg("q.evolution.chart_title")))


def _run_evolution(store: GraphStore, **params: Any) -> Result:
    return evolution(store, date_from=params.pop("from", None), date_to=params.pop("to", None), **params)


def _run_changes(store: GraphStore, **params: Any) -> Result:
    return changes(store, date_from=params.pop("from", None), date_to=params.pop("to", None), **params)


_FILTERS = tuple(p for p in FILTER_PARAMS if p.name != "as_of")
_FROM = Param(
    "from",
    "date",
    "The first day compared (YYYY-MM-DD or DD.MM.YYYY).",
)
_TO = Param(
    "to",
    "date",
    "The second day compared (YYYY-MM-DD or DD.MM.YYYY).",
)

# ---- changes between two days -------------------------------------------------------------

CHANGE_KINDS = (
    "tie_added",
    "tie_ended",
    "new_isolate",
    "newly_connected",
    "broker_gained",
    "broker_lost",
    "degree",
    "betweenness",
)
"""The kinds of change, in row order."""


@dataclass(frozen=True)
class ChangeRow:
    """One change between two days: a tie (key = tie id) or an organisation (key = its key)."""

    change: str
    change_label: str
    key: str
    name: str
    detail: str
    date: str | None
    before: float | int | None
    after: float | int | None
    delta: float | int | None

    LABELS: ClassVar[dict[str, str]] = {
        "change": "change",
        "change_label": "kind of change",
        "key": "key",
        "name": "name",
        "detail": "detail",
        "date": "date",
        "before": "before",
        "after": "after",
        "delta": "difference",
    }


def changes(
    store: GraphStore,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    top: int = 10,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
) -> Result:
    """What changed in the organisation network between ``date_from`` and ``date_to``."""
    if date_from is None or date_to is None:
        raise ConfigError(Msg("q.evolution.need_both"))
    check_order(date_from, date_to)
    filters: dict[str, Any] = {"kinds": kinds, "tie_types": tie_types, "municipality": municipality}
    before, after = (filtered_graph(store, **filters, as_of=day) for day in (date_from, date_to))
    names = {n: str(data.get("name", n)) for n, data in after.nodes(data=True)}
    rows = _tie_changes(store, before, after, names) + _node_changes(before, after, names)
    rows += _broker_changes(store, before, after, names)
    metrics, engine = _metrics(store, filters, date_from, date_to)
    rows += _metric_changes(metrics, names, max(0, top))
    order = {kind: index for index, kind in enumerate(CHANGE_KINDS)}
    rows.sort(
        key=lambda r: (
            order[r.change],
            -abs(r.delta or 0) if r.change in ("degree", "betweenness") else 0,
            r.date or "",
            r.key,
        )
    )
    params = {"from": date_from, "to": date_to, "top": top, **{k: v for k, v in filters.items() if v is not None}}
    algorithm = (
        "diff of two snapshots (tie valid on day d when since ≤ d ≤ until, open bounds open); isolate = no tie "
        "to another organisation; broker = Gould–Fernandez total > 0, partition by sector; "
        f"degree and betweenness from {engine}, the {top} largest absolute changes per metric"
    )
    return Result(
        "changes", algorithm, params, rows, ChangeRow, [str(Msg("q.evolution.note.undated"))], {"engine": engine}
    )


def _row(
    change: str,
    key: str,
    name: str,
    detail: str = "",
    date: dt.date | None = None,
    before: float | int | None = None,
    after: float | int | None = None,
) -> ChangeRow:
    delta = (
        None
        if before is None or after is None
        else (round(after - before, 6) if isinstance(after, float) else after - before)
    )
    return ChangeRow(
        change,
        str(Msg(f"q.evolution.change.{change}")),
        key,
        name,
        detail,
        date.isoformat() if date else None,
        before,
        after,
        delta,
    )


def _tie_changes(store: GraphStore, before: Graph, after: Graph, names: dict[str, str]) -> list[ChangeRow]:
    old, new = ties_of(before), ties_of(after)
    rows = []
    for change, ties, other in (("tie_added", new, old), ("tie_ended", old, new)):
        for tie in ties.values():
            if tie.id in other:
                continue
            arrow = "↔" if tie.symmetric else "→"
            label = store.schema.tie_types[tie.type].label(current_language())
            when = tie.since if change == "tie_added" else tie.until
            rows.append(
                _row(change, tie.id, f"{names[tie.start]} {arrow} {names[tie.end]}", f"{tie.type} ({label})", when)
            )
    return rows


def _connected(graph: Graph) -> set[str]:
    return {n for n in graph if any(m != n for m in graph.successors(n)) or any(m != n for m in graph.predecessors(n))}


def _node_changes(before: Graph, after: Graph, names: dict[str, str]) -> list[ChangeRow]:
    old, new = _connected(before), _connected(after)
    rows = [_row("new_isolate", n, names[n]) for n in sorted(old - new)]
    return rows + [_row("newly_connected", n, names[n]) for n in sorted(new - old)]


def _broker_changes(store: GraphStore, before: Graph, after: Graph, names: dict[str, str]) -> list[ChangeRow]:
    old, new = brokers_of(store, before), brokers_of(store, after)
    rows = []
    for n in sorted(old.keys() | new.keys()):
        a, b = old.get(n, 0), new.get(n, 0)
        if (a > 0) != (b > 0):
            rows.append(_row("broker_gained" if b > 0 else "broker_lost", n, names.get(n, n), before=a, after=b))
    return rows


def _metrics(
    store: GraphStore, filters: dict[str, Any], *days: dt.date
) -> tuple[list[dict[str, dict[str, float]]], str]:
    try:
        from partnergraph.queries.metrics import node_metrics
    except ImportError:  # the metrics module is missing: the same measures from networkx
        return [_fallback_metrics(filtered_graph(store, **filters, as_of=day)) for day in days], FALLBACK_ENGINE
    measured = [node_metrics(store, metrics=("degree", "betweenness"), **filters, as_of=day) for day in days]
    engine = (
        "partnergraph.queries.metrics.node_metrics (degree = ties touching, a symmetric tie once; betweenness exact "
        "on small graphs, sampled on large ones as that module documents)"
    )
    return measured, engine


FALLBACK_ENGINE = (
    "networkx (degree = ties touching, a symmetric tie once; exact normalised betweenness, simple undirected graph)"
)


def _fallback_metrics(graph: Graph) -> dict[str, dict[str, float]]:
    simple = simple_graph(graph)
    betweenness = nx.betweenness_centrality(simple)
    degree = dict.fromkeys(graph, 0.0)
    for tie in ties_of(graph).values():
        for end in {tie.start, tie.end}:
            degree[end] += 1.0
    return {n: {"degree": degree[n], "betweenness": betweenness[n]} for n in simple}


def _metric_changes(metrics: list[dict[str, dict[str, float]]], names: dict[str, str], top: int) -> list[ChangeRow]:
    old, new = metrics
    rows = []
    for metric in ("degree", "betweenness"):
        deltas = []
        for key in sorted(old.keys() | new.keys()):
            a, b = old.get(key, {}).get(metric, 0.0), new.get(key, {}).get(metric, 0.0)
            if round(b - a, 9) != 0:
                deltas.append((-abs(b - a), key, a, b))
        for _, key, a, b in sorted(deltas)[:top]:
            shown = (
                (int(a), int(b))
                if metric == "degree" and a.is_integer() and b.is_integer()
                else (round(a, 6), round(b, 6))
            )
            rows.append(_row(metric, key, names.get(key, key), before=shown[0], after=shown[1]))
    return rows


ANALYSES = (
    Analysis(
        "evolution",
        "Evolution of the network",
        "Network indicators (organisations with ties, ties, density, components, cross-sector ties, brokers …) as of two days "
        "(--from, --to) or a list of days (--dates), with the change; --chart draws a line chart.",
        (
            _FROM,
            _TO,
            Param(
                "dates",
                "list",
                "A list of snapshot days instead of --from/--to (e.g. 2024-01-01,2024-07-01,2024-12-31).",
            ),
            Param(
                "indicators",
                "list",
                f"Indicators drawn in the chart (of: {', '.join(INDICATORS)}).",
            ),
            *_FILTERS,
        ),
        _run_evolution,
        evolution_chart,
    ),
    Analysis(
        "changes",
        "What changed between two days",
        "Ties added and ended, new isolates and newly connected organisations, brokers gained and lost, and the largest "
        "degree and betweenness changes between --from and --to.",
        (
            Param(_FROM.name, "date", _FROM.help_en, required=True),
            Param(_TO.name, "date", _TO.help_en, required=True),
            Param(
                "top",
                "int",
                "How many of the largest metric changes to show (per metric).",
                10,
            ),
            *_FILTERS,
        ),
        _run_changes,
    ),
)
