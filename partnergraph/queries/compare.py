"""Municipalities side by side: the same indicators for each, per organisation and per 10,000 inhabitants.

An organisation belongs to a municipality through its LOCATED_IN tie (an organisation located in
two is counted in both). For each municipality: organisations by sector and of the key kinds,
ties inside it and to outside, cross-sector ties, distinct service categories offered there,
and referrals received (the sum of REFERS ``count`` into its organisations — suppressed: a sum
from 1 to 4 is shown as ``<5``, and then its ratios are not shown either, since a ratio times
the base gives the count back).

Rows are in long format, one per (indicator, municipality), in indicator order and then in
the order the municipalities were given: ``value``, ``per_organisation`` and ``per_10k``
(None where the population is unknown).

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> compare(SqliteStore(":memory:")).rows
    []
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import LOCATION_TIE, Graph, project
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import FILTER_PARAMS, Analysis, Param, Result, check_node, check_tie_types
from partnergraph.queries.evolution import TieInfo, sector_of, ties_of
from partnergraph.queries.privacy import Count, is_suppressed, suppress_sum
from partnergraph.viz.charts import bar_chart

__all__ = [
    "ANALYSES",
    "COMPARE_INDICATORS",
    "CompareRow",
    "compare",
    "compare_chart",
    "municipality_key",
    "shown_referrals",
]

register_messages(
    {
        "q.compare.ind.organisations": "organisations",
        "q.compare.ind.sector_public": "public sector",
        "q.compare.ind.sector_private": "private sector",
        "q.compare.ind.sector_social": "social sector",
        "q.compare.ind.social_cooperatives": "social cooperatives",
        "q.compare.ind.support_centres": "CES and OWES",
        "q.compare.ind.welfare_centres": "social welfare centres",
        "q.compare.ind.labour_offices": "labour offices",
        "q.compare.ind.businesses": "businesses",
        "q.compare.ind.ties_inside": "ties inside",
        "q.compare.ind.ties_outside": "ties to outside",
        "q.compare.ind.cross_sector_ties": "cross-sector ties",
        "q.compare.ind.services": "service categories offered",
        "q.compare.ind.referrals_received": "referrals received",
        "q.compare.no_population": "No population for: {names} — the per-10,000 column is empty. Add it, e.g.: {command}",
        "q.compare.suppressed": "Referrals: a sum from 1 to 4 is shown as <5, and a sum that contains a count from 1 to 4 as a lower "
        "bound ≥N "
        "(no ratios; in the chart <5 as 0, ≥N as N).",
        "q.compare.number": "NUMBER",
        "q.compare.chart_title": "Municipalities side by side",
        "q.compare.chart_hidden": "referrals {value}",
    }
)

COMPARE_INDICATORS = (
    "organisations",
    "sector_public",
    "sector_private",
    "sector_social",
    "social_cooperatives",
    "support_centres",
    "welfare_centres",
    "labour_offices",
    "businesses",
    "ties_inside",
    "ties_outside",
    "cross_sector_ties",
    "services",
    "referrals_received",
)
"""The indicators, in row order."""
_KIND_GROUPS = {
    "social_cooperatives": ("social_cooperative",),
    "support_centres": ("ces", "owes"),
    "welfare_centres": ("welfare_centre",),
    "labour_offices": ("labour_office",),
    "businesses": ("business",),
}
_CHART = ("organisations", "ties_inside", "ties_outside", "cross_sector_ties", "services", "referrals_received")
DEFAULT_LIMIT = 5
"""Without ``--municipalities``: the municipalities with the most organisations, at most this many."""


@dataclass(frozen=True)
class CompareRow:
    """One indicator of one municipality."""

    key: str
    indicator: str
    label: str
    municipality: str
    name: str
    value: Count
    per_organisation: float | None
    per_10k: float | None

    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "indicator": "indicator",
        "label": "indicator name",
        "municipality": "municipality (key)",
        "name": "municipality",
        "value": "value",
        "per_organisation": "per organisation",
        "per_10k": "per 10,000 inhabitants",
    }


def municipality_key(value: str) -> str:
    """``teryt:3014022`` for ``3014022`` or ``teryt:3014022``."""
    text = value.strip()
    return text if ":" in text else f"teryt:{text}"


def _located(store: GraphStore) -> dict[str, list[str]]:
    """Municipality key → the keys of the organisations located there (sorted)."""
    graph = project(store, node_types=("Organisation", "Municipality"), tie_types=(LOCATION_TIE,))
    found: dict[str, set[str]] = {}
    for start, end in graph.edges():
        if graph.nodes[start].get("type") == "Organisation" and graph.nodes[end].get("type") == "Municipality":
            found.setdefault(end, set()).add(start)
    return {m: sorted(orgs) for m, orgs in found.items()}


def _chosen(store: GraphStore, municipalities: Sequence[str] | None, located: dict[str, list[str]]) -> list[str]:
    if municipalities:
        keys = list(dict.fromkeys(municipality_key(m) for m in municipalities))
        for key in keys:
            check_node(store, key, "--municipalities", "Municipality")
        return keys
    names = {m: _props(store, m).get("name", m) for m in located}
    return sorted(located, key=lambda m: (-len(located[m]), str(names[m]), m))[:DEFAULT_LIMIT]


def _props(store: GraphStore, key: str) -> dict[str, Any]:
    node = store.get_node(key)
    return dict(node.props) if node is not None else {}


@dataclass(frozen=True)
class _Network:
    """What every municipality's counts read: the organisation graph, its ties by organisation, sectors, services, referrals."""

    graph: Graph
    ties_by_org: dict[str, list[TieInfo]]
    sectors: dict[str, str | None]
    offered: dict[str, set[str]]
    referrals: dict[str, dict[str, int]]


def _network(store: GraphStore, tie_types: Sequence[str] | None, as_of: dt.date | None) -> _Network:
    graph = project(store, node_types=("Organisation",), tie_types=tie_types, as_of=as_of)
    by_org: dict[str, list[TieInfo]] = {}
    for tie in ties_of(graph).values():
        for end in {tie.start, tie.end}:
            by_org.setdefault(end, []).append(tie)
    sectors = {n: sector_of(store, data) for n, data in graph.nodes(data=True)}
    return _Network(graph, by_org, sectors, _offered(store, as_of), _referrals(store, as_of))


def _counts(orgs: set[str], net: _Network) -> dict[str, Count]:
    """The indicators of one municipality (referrals suppressed)."""
    graph, sectors, offered, referrals = net.graph, net.sectors, net.offered, net.referrals
    data = {n: graph.nodes[n] for n in orgs if n in graph}
    touching = list({t.id: t for n in sorted(data) for t in net.ties_by_org.get(n, [])}.values())
    counts: dict[str, Count] = {"organisations": len(data)}
    counts |= {f"sector_{s}": sum(1 for n in data if sectors[n] == s) for s in ("public", "private", "social")}
    counts |= {name: sum(1 for d in data.values() if d.get("kind") in kinds) for name, kinds in _KIND_GROUPS.items()}
    counts["ties_inside"] = sum(1 for t in touching if t.start in orgs and t.end in orgs)
    counts["ties_outside"] = len(touching) - sum(1 for t in touching if t.start in orgs and t.end in orgs)
    counts["cross_sector_ties"] = sum(
        1 for t in touching if sectors[t.start] and sectors[t.end] and sectors[t.start] != sectors[t.end]
    )
    counts["services"] = len(set().union(*(offered.get(n, set()) for n in data)))
    counts["referrals_received"] = shown_referrals(
        {tie: n for org in data for tie, n in referrals.get(org, {}).items()}
    )
    return counts


def _offered(store: GraphStore, as_of: dt.date | None) -> dict[str, set[str]]:
    """Organisation → the categories of the services it OFFERS."""
    graph = project(store, node_types=("Organisation", "Service"), tie_types=("OFFERS",), as_of=as_of)
    found: dict[str, set[str]] = {}
    for start, end in graph.edges():
        category = graph.nodes[end].get("category")
        if graph.nodes[end].get("type") == "Service" and category:
            found.setdefault(start, set()).add(str(category))
    return found


def _referrals(store: GraphStore, as_of: dt.date | None) -> dict[str, dict[str, int]]:
    """Organisation → {REFERS tie id: count} of the referrals into it (raw: suppress before showing)."""
    graph = project(store, node_types=("Organisation",), tie_types=("REFERS",), as_of=as_of)
    found: dict[str, dict[str, int]] = {}
    for _, end, key, data in graph.edges(keys=True, data=True):
        found.setdefault(end, {})[key] = int(data.get("count") or 0)
    return found


def shown_referrals(cells: dict[str, int]) -> Count:
    """A municipality's referral total as shown: ``<5`` when it is 1–4, ``≥N`` when a cell of it is 1–4."""
    return suppress_sum(cells.values())


def _ratio(value: Count, base: int | None, scale: float, digits: int) -> float | None:
    if is_suppressed(value) or not base or isinstance(value, str):
        return None
    return round(value * scale / base, digits)


def compare(
    store: GraphStore,
    *,
    municipalities: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    as_of: dt.date | None = None,
) -> Result:
    """The indicators of :data:`COMPARE_INDICATORS` for each municipality, side by side."""
    check_tie_types(store, tie_types)
    located = _located(store)
    keys = _chosen(store, municipalities, located)
    net = _network(store, tie_types, as_of)
    missing: list[tuple[str, str, str]] = []
    per_municipality = []
    for key in keys:
        props = _props(store, key)
        name, population = str(props.get("name", key)), props.get("population")
        if not isinstance(population, int) or population <= 0:
            population = None
            missing.append((key, name, str(props.get("teryt", key.removeprefix("teryt:")))))
        counts = _counts(set(located.get(key, [])), net)
        per_municipality.append((key, name, population, counts))
    rows = [
        _row(ind, key, name, population, counts)
        for ind in COMPARE_INDICATORS
        for key, name, population, counts in per_municipality
    ]
    return Result(
        "compare",
        _ALGORITHM,
        _params(keys, tie_types, as_of),
        rows,
        CompareRow,
        _notes(rows, missing),
        {"municipalities": keys},
    )


_ALGORITHM = (
    "municipalities side by side: organisations by LOCATED_IN; ties between organisations counted once (symmetric too), "
    "inside = both ends there, to outside = one end there; cross-sector = ends of different sectors (a kind's default "
    "sector where none is set); services = distinct Service categories OFFERed; referrals = sum of REFERS count into "
    "organisations there, 1–4 shown as <5 and then no ratios; per_10k = value × 10,000 / population"
)


def _row(indicator: str, key: str, name: str, population: int | None, counts: dict[str, Count]) -> CompareRow:
    value, organisations = counts[indicator], counts["organisations"]
    per_org = (
        None if indicator == "organisations" or isinstance(organisations, str) else _ratio(value, organisations, 1.0, 4)
    )
    label = str(Msg(f"q.compare.ind.{indicator}"))
    return CompareRow(
        f"{indicator}@{key}", indicator, label, key, name, value, per_org, _ratio(value, population, 10_000.0, 2)
    )


def _params(keys: list[str], tie_types: Sequence[str] | None, as_of: dt.date | None) -> dict[str, Any]:
    params: dict[str, Any] = {"municipalities": keys}
    if tie_types:
        params["tie_types"] = list(tie_types)
    if as_of is not None:
        params["as_of"] = as_of.isoformat()
    return params


def _notes(rows: list[CompareRow], missing: list[tuple[str, str, str]]) -> list[str]:
    notes = []
    if missing:
        key = missing[0][0]
        command = f"partnergraph add node Municipality {key} population={Msg('q.compare.number')}"
        notes.append(str(Msg("q.compare.no_population", names=", ".join(n for _, n, _ in missing), command=command)))
    if any(is_suppressed(r.value) for r in rows):
        notes.append(str(Msg("q.compare.suppressed")))
    return notes


def compare_chart(result: Result) -> str:
    """Grouped bars: one group per municipality, one bar per indicator; a hidden count draws as 0, marked ``<5``."""
    rows: list[CompareRow] = list(result.rows)
    keys: list[str] = list(dict.fromkeys(r.municipality for r in rows))
    hidden = {r.municipality: r.value for r in rows if r.indicator == "referrals_received" and is_suppressed(r.value)}
    names = {r.municipality: r.name for r in rows}
    categories = [
        f"{names[k]}\n({Msg('q.compare.chart_hidden', value=hidden[k])})" if k in hidden else names[k] for k in keys
    ]
    series = {}
    for indicator in _CHART:
        by_key = {r.municipality: _bar(r.value) for r in rows if r.indicator == indicator}
        series[str(Msg(f"q.compare.ind.{indicator}"))] = [by_key.get(k, 0.0) for k in keys]
    return bar_chart(categories, series, title=str(Msg("q.compare.chart_title")))


def _bar(value: Count) -> float:
    """The bar drawn for a shown count: ``<5`` as 0, ``≥N`` as its lower bound N."""
    if isinstance(value, str):
        return float(value[1:]) if value.startswith("≥") else 0.0
    return float(value)


def _run(store: GraphStore, **params: Any) -> Result:
    return compare(store, **params)


ANALYSES = (
    Analysis(
        "compare",
        "Municipalities side by side",
        "The same indicators for several municipalities: organisations by sector and kind, ties inside and to outside, "
        "cross-sector ties, services, referrals (1–4 as <5) — also per organisation and per 10,000 inhabitants; --chart draws bars.",
        (
            Param(
                "municipalities",
                "list",
                f"Municipalities: TERYT codes or keys (e.g. 3014022,0806023,teryt:3064011); "
                f"by default up to {DEFAULT_LIMIT} with the most organisations.",
            ),
            *(p for p in FILTER_PARAMS if p.name in ("tie_types", "as_of")),
        ),
        _run,
        compare_chart,
    ),
)
