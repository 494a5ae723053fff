"""Gould–Fernandez brokerage roles: who links whom across groups (sector, kind, municipality …).

An organisation *b* brokers every **open two-path** a→b→c: a, b and c distinct and no tie a→c.
Its role on that path comes from the groups g(a), g(b), g(c) (Gould & Fernandez 1989):

=================  ==================  ==========================================
role               groups              reading
=================  ==================  ==========================================
coordinator        g(a)=g(b)=g(c)      links two members of its own group
itinerant          g(a)=g(c)≠g(b)      an outsider linking two members of a group
gatekeeper         g(b)=g(c)≠g(a)      lets an outsider in to its own group
representative     g(a)=g(b)≠g(c)      takes its own group's flow out to another
liaison            all three differ    links two groups, belonging to neither
=================  ==================  ==========================================

Counting convention (as UCINET's and statnet's ``brokerage``, directed):

* ties are directed; parallel ties (several ties a→b of any types) count as one, self-loops are
  ignored;
* each ordered pair (a, c) counts once for each broker b with a→b and b→c;
* only a tie a→c closes the path — a tie c→a alone does not;
* a symmetric tie type (COOPERATES_WITH) is a tie in both directions: a↔b↔c gives the open
  paths a→b→c and c→b→a (two counts for b), and a↔c closes both;
* a node missing from the partition (no value of the property) is in the group
  :data:`MISSING_GROUP` ``"(brak)"``, one group shared by all such nodes.

:func:`broker_roles` returns **every node of the graph**, zeros included.

    >>> import networkx as nx
    >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> broker_roles(g, {"a": "x", "b": "y", "c": "x"})["b"]["itinerant"]
    1
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import networkx as nx

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import LOCATION_TIE, Graph
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import FILTER_PARAMS, Analysis, Param, Result, filtered_graph

__all__ = [
    "ANALYSES",
    "FLOW_TIE_TYPES",
    "MISSING_GROUP",
    "OTHER_FILTERS",
    "ROLES",
    "TIE_TYPES_PARAM",
    "TOP_PARAM",
    "BrokerRow",
    "broker_roles",
    "brokerage",
    "flow_graph",
    "partition_of",
]

register_messages(
    {
        "q.brokerage.unknown_partition": "--partition: an organisation has no property {value!r}",
        "q.brokerage.bad_top": "--top: {value} is negative; give 0 (all) or more",
        "q.brokerage.missing": "organisations without a value of {partition!r}: {count}; together they form the group {group!r}",
        "q.brokerage.top": "showing {shown} of {total} organisations (--top)",
    }
)

FLOW_TIE_TYPES = ("COOPERATES_WITH", "FUNDS", "REFERS", "SUBCONTRACTS", "SUPPORTS", "TRADES_WITH")
"""The default ties: those between organisations that carry a flow (goods, money, clients, help,
joint work). FOUNDED (a one-off act), MEMBER_OF, LOCATED_IN, OFFERS/NEEDS are left out."""

MUNICIPALITY = "municipality"
"""The partition by the gmina of the organisation's LOCATED_IN tie (not a stored property)."""

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
"""The five Gould–Fernandez roles, in the order of the output columns."""

MISSING_GROUP = "(brak)"
"""The group of a node that has no value of the partition property."""


def _adjacency(graph: nx.Graph[Any]) -> tuple[dict[Any, set[Any]], dict[Any, set[Any]]]:
    """Successor and predecessor sets (parallel ties collapsed, self-loops dropped)."""
    succ: dict[Any, set[Any]] = {n: set() for n in graph}
    pred: dict[Any, set[Any]] = {n: set() for n in graph}
    directed = graph.is_directed()
    for u, v in graph.edges():
        if u == v:
            continue
        succ[u].add(v)
        pred[v].add(u)
        if not directed:
            succ[v].add(u)
            pred[u].add(v)
    return succ, pred


def _broker(b: Any, succ: dict[Any, set[Any]], pred: dict[Any, set[Any]], group: dict[Any, str]) -> list[int]:
    """Role counts of one broker ``b``.

    For each in-neighbour a, the open targets are succ(b) minus a and minus succ(a). Instead of
    testing every c, count c's by group once per b and subtract the closed ones (succ(a) ∩ succ(b),
    and a itself): the cost per (a, b) is the size of the smaller of the two successor sets.
    """
    counts = [0, 0, 0, 0, 0]
    out = succ[b]
    if not out or not pred[b]:
        return counts
    by_group = Counter(group[c] for c in out)
    gb = group[b]
    for a in pred[b]:
        ga = group[a]
        closed = out & succ[a]
        if a in out:
            closed.add(a)
        n_open = len(out) - len(closed)
        n_ga = by_group[ga] - sum(1 for c in closed if group[c] == ga)
        if ga == gb:
            counts[0] += n_ga  # coordinator: g(c) = g(a) = g(b)
            counts[3] += n_open - n_ga  # representative: g(a) = g(b) ≠ g(c)
        else:
            n_gb = by_group[gb] - sum(1 for c in closed if group[c] == gb)
            counts[1] += n_ga  # itinerant: g(a) = g(c) ≠ g(b)
            counts[2] += n_gb  # gatekeeper: g(b) = g(c) ≠ g(a)
            counts[4] += n_open - n_ga - n_gb  # liaison: all differ
    return counts


def broker_roles(graph: nx.Graph[Any], partition: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """Gould–Fernandez role counts per node: ``{key: {"coordinator": …, …, "liaison": …, "total": …}}``.

    ``graph`` is a (Multi)DiGraph (an undirected graph counts each edge both ways); ``partition``
    maps node → group, nodes absent from it are in :data:`MISSING_GROUP`. Every node of the
    graph appears, zeros included. Conventions: see the module docstring.
    """
    succ, pred = _adjacency(graph)
    group = {n: str(partition.get(n, MISSING_GROUP)) for n in graph}
    result: dict[str, dict[str, int]] = {}
    for b in graph:
        counts = _broker(b, succ, pred, group)
        entry = dict(zip(ROLES, counts, strict=True))
        entry["total"] = sum(counts)
        result[b] = entry
    return result


def partition_of(store: GraphStore, graph: Graph, prop: str) -> dict[str, str]:
    """Node → group for the nodes of ``graph``: an Organisation property, or ``municipality``.

    ``municipality`` is the gmina of the organisation's LOCATED_IN tie, shown as
    ``Name (TERYT)``; with several such ties the smallest municipality key wins. Nodes without a
    value are left out (they fall into :data:`MISSING_GROUP`).
    """
    allowed = sorted({*store.schema.node_types["Organisation"].properties, MUNICIPALITY})
    if prop not in allowed:
        hint = Msg("val.types_hint", allowed=", ".join(allowed))
        raise ValidationError([Problem(Msg("q.brokerage.unknown_partition", value=prop), "", hint)])
    if prop != MUNICIPALITY:
        return {key: str(data[prop]) for key, data in graph.nodes(data=True) if data.get(prop) is not None}
    located: dict[str, str] = {}
    for tie in store.iter_ties(LOCATION_TIE):
        if tie.start in graph and (tie.start not in located or tie.end < located[tie.start]):
            located[tie.start] = tie.end
    names: dict[str, str] = {}
    for key in set(located.values()):
        node = store.get_node(key)
        props = node.props if node is not None else {}
        names[key] = f"{props.get('name', key)} ({props.get('teryt', key)})"
    return {org: names[m] for org, m in located.items()}


def flow_graph(
    store: GraphStore,
    tie_types: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
) -> Graph:
    """The organisation network over ``tie_types`` (default :data:`FLOW_TIE_TYPES`), filters applied."""
    types = tuple(tie_types) if tie_types else FLOW_TIE_TYPES
    return filtered_graph(store, kinds=kinds, tie_types=types, municipality=municipality, as_of=as_of)


@dataclass(frozen=True)
class BrokerRow:
    """One organisation's Gould–Fernandez counts (open two-paths it brokers, by role)."""

    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "name": "name",
        "group": "group",
        "coordinator": "coordinator",
        "itinerant": "itinerant",
        "gatekeeper": "gatekeeper",
        "representative": "representative",
        "liaison": "liaison",
        "total": "total",
    }

    key: str
    name: str
    group: str
    coordinator: int
    itinerant: int
    gatekeeper: int
    representative: int
    liaison: int
    total: int


ALGORITHM = (
    "Gould–Fernandez brokerage (1989), own implementation over networkx adjacency sets: open two-paths a→b→c "
    "(a, b, c distinct, no tie a→c; a tie c→a alone does not close), each ordered pair (a, c) once per broker b; "
    "parallel ties collapsed, self-loops ignored, symmetric ties (COOPERATES_WITH) in both directions; "
    f"organisations without a group value in the group {MISSING_GROUP!r}"
)


def brokerage(
    store: GraphStore,
    *,
    partition: str = "sector",
    tie_types: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
    top: int = 0,
) -> Result:
    """Gould–Fernandez roles of every organisation, by total desc then key (``top`` > 0 keeps the first)."""
    if top < 0:
        raise ValidationError([Problem(Msg("q.brokerage.bad_top", value=top))])
    graph = flow_graph(store, tie_types, kinds, municipality, as_of)
    groups = partition_of(store, graph, partition)
    counts = broker_roles(graph, groups)
    rows = [
        BrokerRow(key, str(graph.nodes[key].get("name", key)), groups.get(key, MISSING_GROUP), **c)
        for key, c in counts.items()
    ]
    rows.sort(key=lambda r: (-r.total, r.key))
    notes: list[str] = []
    missing = sum(1 for key in graph if key not in groups)
    if missing:
        notes.append(str(Msg("q.brokerage.missing", count=missing, partition=partition, group=MISSING_GROUP)))
    if 0 < top < len(rows):
        notes.append(str(Msg("q.brokerage.top", shown=top, total=len(rows))))
        rows = rows[:top]
    params = {
        "partition": partition,
        "tie_types": list(tie_types or FLOW_TIE_TYPES),
        "kinds": list(kinds) if kinds else None,
        "municipality": municipality,
        "as_of": as_of.isoformat() if as_of else None,
        "top": top,
    }
    meta = {
        "organisations": graph.number_of_nodes(),
        "directed_pairs": nx.DiGraph(graph).number_of_edges(),
        "groups": len(set(groups.values()) | ({MISSING_GROUP} if missing else set())),
    }
    return Result("brokerage", ALGORITHM, params, rows, BrokerRow, notes, meta)


TIE_TYPES_PARAM = Param(
    "tie_types",
    "list",
    "Tie types (directed; COOPERATES_WITH counts both ways). Default: " + ", ".join(FLOW_TIE_TYPES) + ".",
)
TOP_PARAM = Param("top", "int", "Show only the first N (0 = all).", default=0)
OTHER_FILTERS = tuple(p for p in FILTER_PARAMS if p.name != "tie_types")

ANALYSES = (
    Analysis(
        "brokerage",
        "Brokerage (Gould–Fernandez roles)",
        "How many open two-paths a→b→c (no tie a→c) each organisation brokers, by role: coordinator, itinerant, "
        "gatekeeper, representative, liaison — relative to groups (sector, kind, municipality …).",
        (
            Param(
                "partition",
                "text",
                "The organisation property that forms the groups: sector, kind, legal_form, municipality …",
                default="sector",
            ),
            TIE_TYPES_PARAM,
            *OTHER_FILTERS,
            TOP_PARAM,
        ),
        brokerage,
    ),
)
