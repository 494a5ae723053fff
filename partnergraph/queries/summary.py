"""A summary of what the store holds: counts by node type, tie type and municipality.

>>> from partnergraph.graph.sqlite import SqliteStore
>>> summary(SqliteStore(":memory:"))
[]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import LOCATION_TIE
from partnergraph.graph.validity import current_units
from partnergraph.i18n import current_language

__all__ = ["CountRow", "summary"]


@dataclass(frozen=True)
class CountRow:
    """One count: ``group`` is node_type, tie_type or municipality."""

    group: str
    name: str
    label: str
    count: int


def summary(store: GraphStore) -> list[CountRow]:
    """Counts of nodes by type, ties by type, and organisations per current municipality (zeros too)."""
    language = current_language()
    schema = store.schema
    nodes = sorted(store.count_nodes().items(), key=lambda item: (-item[1], item[0]))
    ties = sorted(store.count_ties().items(), key=lambda item: (-item[1], item[0]))
    rows = [CountRow("node_type", name, schema.node_types[name].label(language), n) for name, n in nodes]
    rows += [CountRow("tie_type", name, schema.tie_types[name].label(language), n) for name, n in ties]
    events = {node.key for node in store.iter_nodes("Event")}
    located = Counter(tie.end for tie in store.iter_ties(LOCATION_TIE) if tie.start not in events)
    current = {
        m.key for m in current_units(store, "Municipality")
    }  # units a newer TERC ended: only while organisations are there
    municipalities = [m for m in store.iter_nodes("Municipality") if m.key in current or located.get(m.key)]
    municipalities.sort(key=lambda m: (-located.get(m.key, 0), str(m.props.get("name", ""))))
    rows += [
        CountRow("municipality", m.key, f"{m.props.get('name')} ({m.props.get('teryt')})", located.get(m.key, 0))
        for m in municipalities
    ]
    return rows
