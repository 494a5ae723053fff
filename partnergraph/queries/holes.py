"""Burt's structural holes: effective size, efficiency, constraint and hierarchy per organisation.

Burt (1992) asks how far an organisation's contacts are *not* tied to each other — the holes it
could broker. Computed over the **undirected, binary view** of the chosen ties: i and j are
contacts when any chosen tie joins them, in either direction (several ties count once, self-loops
are ignored), every contact weighs 1. Tie ``strength`` is not used: it is optional and ordinal
in the data, and the binary measures are those networkx and UCINET give by default.

With n = number of contacts of i (its degree), p_ij = 1/n the share of i's ties that go to j,
and for each contact j the shared contacts S_ij = N(i) ∩ N(j):

* effective size  ES_i = n − Σ_j |S_ij| / n  (= n − 2t/n, t ties among the contacts; Borgatti 1997);
* efficiency      ES_i / n;
* dyadic constraint  c_ij = (p_ij + Σ_{q∈S_ij} p_iq·p_qj)² = ((1 + Σ_{q∈S_ij} 1/n_q) / n)²,
  aggregate constraint C_i = Σ_j c_ij;
* hierarchy (as UCINET)  H_i = Σ_j r_j·ln r_j / (n·ln n) with r_j = c_ij / (C_i / n):
  0 when the constraint is spread evenly, towards 1 when one contact holds it all.

An isolated organisation (n = 0) has every measure None; with one contact, hierarchy is None
(n·ln n = 0) — its constraint is 1. networkx's ``effective_size`` and ``constraint`` give the
same numbers (the tests check it) but take about a minute on 1,000 organisations; this module
computes each from one intersection of neighbour sets per tie (see bench/bench_brokerage.py).

    >>> import networkx as nx
    >>> m = structural_holes(nx.Graph([("a", "b"), ("a", "c")]))["a"]
    >>> m["effective_size"], m["constraint"], m["hierarchy"]
    (2.0, 0.5, 0.0)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import networkx as nx

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import Analysis, Result
from partnergraph.queries.brokerage import FLOW_TIE_TYPES, OTHER_FILTERS, TIE_TYPES_PARAM, TOP_PARAM, flow_graph

__all__ = ["ANALYSES", "MEASURES", "HolesRow", "structural_holes", "structural_holes_analysis"]

register_messages(
    {
        "q.holes.isolated": "organisations without contacts: {count}; their measures are undefined (empty)",
    }
)

MEASURES = ("contacts", "effective_size", "efficiency", "constraint", "hierarchy")
Measures = dict[str, float | int | None]


def _neighbours(graph: nx.Graph[Any]) -> dict[Any, set[Any]]:
    """Undirected neighbour sets: parallel ties and directions collapsed, self-loops dropped."""
    adj: dict[Any, set[Any]] = {n: set() for n in graph}
    for u, v in graph.edges():
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    return adj


def _hierarchy(dyadic: list[float], total: float) -> float | None:
    """Burt's hierarchy from the dyadic constraints of one node (None with fewer than 2 contacts)."""
    n = len(dyadic)
    if n < 2:
        return None
    ratios = [c * n / total for c in dyadic]
    return sum(r * math.log(r) for r in ratios) / (n * math.log(n))


def _measures(i: Any, adj: dict[Any, set[Any]]) -> Measures:
    contacts = adj[i]
    n = len(contacts)
    if n == 0:
        return dict.fromkeys(MEASURES, None) | {"contacts": 0}
    redundancy = 0
    dyadic: list[float] = []
    for j in contacts:
        shared = contacts & adj[j]
        redundancy += len(shared)
        dyadic.append(((1 + sum(1 / len(adj[q]) for q in shared)) / n) ** 2)
    effective = n - redundancy / n
    total = sum(dyadic)
    return {
        "contacts": n,
        "effective_size": effective,
        "efficiency": effective / n,
        "constraint": total,
        "hierarchy": _hierarchy(dyadic, total),
    }


def structural_holes(graph: nx.Graph[Any]) -> dict[Any, Measures]:
    """Burt's measures for every node of ``graph`` (any networkx graph, read as undirected and binary).

    Returns ``{node: {"contacts", "effective_size", "efficiency", "constraint", "hierarchy"}}``;
    undefined values are None (see the module docstring).
    """
    adj = _neighbours(graph)
    return {i: _measures(i, adj) for i in graph}


@dataclass(frozen=True)
class HolesRow:
    """One organisation's structural-hole measures (rounded to 4 decimals)."""

    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "name": "name",
        "contacts": "contacts",
        "effective_size": "effective size",
        "efficiency": "efficiency",
        "constraint": "constraint",
        "hierarchy": "hierarchy",
    }

    key: str
    name: str
    contacts: int
    effective_size: float | None
    efficiency: float | None
    constraint: float | None
    hierarchy: float | None


ALGORITHM = (
    "Burt's structural holes (1992), own implementation over networkx neighbour sets (equal to networkx "
    "effective_size/constraint): undirected binary view of the chosen ties (any tie either way = one contact, weight 1, "
    "self-loops ignored); effective size n − 2t/n, efficiency ES/n, constraint Σ_j (p_ij + Σ_q p_iq p_qj)², "
    "hierarchy Σ_j r_j ln r_j / (n ln n) with r_j = c_ij·n/C (UCINET); undefined for n = 0 (all) and n = 1 (hierarchy)"
)


def _round(value: float | int | None) -> float | None:
    return None if value is None else round(float(value), 4) + 0.0  # + 0.0: no "-0.0" from rounding


def structural_holes_analysis(
    store: GraphStore,
    *,
    tie_types: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
    top: int = 0,
) -> Result:
    """Burt's measures of every organisation, least constrained first (then by key; isolates last)."""
    if top < 0:
        raise ValidationError([Problem(Msg("q.brokerage.bad_top", value=top))])
    graph = flow_graph(store, tie_types, kinds, municipality, as_of)
    measures = structural_holes(graph)
    rows = [
        HolesRow(
            key,
            str(graph.nodes[key].get("name", key)),
            int(m["contacts"] or 0),
            *(_round(m[name]) for name in MEASURES[1:]),
        )
        for key, m in measures.items()
    ]
    rows.sort(key=lambda r: (r.constraint is None, r.constraint or 0.0, r.key))
    notes: list[str] = []
    isolated = sum(1 for r in rows if r.contacts == 0)
    if isolated:
        notes.append(str(Msg("q.holes.isolated", count=isolated)))
    if 0 < top < len(rows):
        notes.append(str(Msg("q.brokerage.top", shown=top, total=len(rows))))
        rows = rows[:top]
    params = {
        "tie_types": list(tie_types or FLOW_TIE_TYPES),
        "kinds": list(kinds) if kinds else None,
        "municipality": municipality,
        "as_of": as_of.isoformat() if as_of else None,
        "top": top,
    }
    meta = {"organisations": graph.number_of_nodes(), "contacts_pairs": nx.Graph(graph).number_of_edges()}
    return Result("structural-holes", ALGORITHM, params, rows, HolesRow, notes, meta)


ANALYSES = (
    Analysis(
        "structural-holes",
        "Structural holes (Burt)",
        "How far an organisation's contacts are not tied to each other: effective size, efficiency, constraint and "
        "hierarchy (Burt 1992), over the undirected view of the chosen ties; least constrained first.",
        (TIE_TYPES_PARAM, *OTHER_FILTERS, TOP_PARAM),
        structural_holes_analysis,
    ),
)
