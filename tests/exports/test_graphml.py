"""GraphML and GEXF as Gephi and networkx read them: counts, typed attributes, privacy."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import networkx as nx

from partnergraph.exports.gephi import write_gexf, write_graphml
from partnergraph.graph.base import GraphStore
from partnergraph.records import Node, Tie

TRADE = "org:ss-smaki-wildy-[TRADES_WITH]->org:urzad-miasta-poznania@2024-11-15"


def _graphml(store: GraphStore, **options: bool) -> tuple[bytes, Any]:
    out = io.BytesIO()
    write_graphml(store, out, **options)
    return out.getvalue(), nx.read_graphml(io.BytesIO(out.getvalue()))


def _gexf(store: GraphStore, **options: bool) -> tuple[bytes, Any]:
    out = io.BytesIO()
    write_gexf(store, out, **options)
    return out.getvalue(), nx.read_gexf(io.BytesIO(out.getvalue()))


def _small(store: GraphStore) -> GraphStore:
    """A welfare centre referring 3 and then 7 people to a CES; the CES has an e-mail and a contact role."""
    store.upsert(
        [
            Node("org:ops", "Organisation", {"name": "OPS Kwilcz", "kind": "welfare_centre"}),
            Node(
                "org:ces",
                "Organisation",
                {
                    "name": "CES Kwilcz",
                    "kind": "ces",
                    "email": "ces@example.org",
                    "contact_role": "koordynator",
                    "founded": dt.date(2020, 5, 4),
                },
            ),
        ],
        [
            Tie("REFERS", "org:ops", "org:ces", {"count": 3, "since": dt.date(2024, 1, 1)}),
            Tie("REFERS", "org:ops", "org:ces", {"count": 7, "since": dt.date(2024, 7, 1)}),
            Tie("COOPERATES_WITH", "org:ops", "org:ces", {"form": "agreement", "strength": 4}),
        ],
        source="test",
    )
    return store


def test_graphml_reads_back_with_every_node_tie_and_typed_attributes(example_store: GraphStore) -> None:
    _, graph = _graphml(example_store)
    assert graph.number_of_nodes() == sum(example_store.count_nodes().values()) == 59
    assert graph.number_of_edges() == sum(example_store.count_ties().values()) == 153  # symmetric ties once
    cooperative = graph.nodes["org:ss-smaki-wildy"]
    assert (cooperative["type"], cooperative["kind"], cooperative["sector"]) == (
        "Organisation",
        "social_cooperative",
        "social",
    )
    assert cooperative["founded"] == "2024-09-02" and cooperative["example"] is True
    trade = graph.edges["org:ss-smaki-wildy", "org:urzad-miasta-poznania", TRADE]
    assert trade["amount"] == 36500.5 and trade["social_clause"] is True and trade["since"] == "2024-11-15"
    support = graph.edges[
        "org:ces-kwilcz", "org:ss-kwilecka-kuchnia", "org:ces-kwilcz-[SUPPORTS]->org:ss-kwilecka-kuchnia@2024-04-01"
    ]
    assert support["strength"] == 5 and isinstance(support["strength"], int) and support["service"] == "self_employment"
    cooperation = [d for _, _, d in graph.edges(data=True) if d["type"] == "COOPERATES_WITH"]
    assert len(cooperation) == 12 and all(d["symmetric"] is True for d in cooperation)


def test_gexf_reads_back_typed_with_symmetric_ties_as_mutual_edges(example_store: GraphStore) -> None:
    data, graph = _gexf(example_store)
    assert graph.number_of_nodes() == 59
    # networkx reads a mutual edge both ways: 153 ties + 12 COOPERATES_WITH read back a second time
    assert graph.number_of_edges() == 153 + 12
    assert data.count(b'type="mutual"') == 12
    assert graph.nodes["org:ces-kwilcz"]["label"] == "Centrum Ekonomii Społecznej w Kwilczu"
    trade = graph.edges["org:ss-smaki-wildy", "org:urzad-miasta-poznania", TRADE]
    assert trade["amount"] == 36500.5 and trade["social_clause"] is True
    both = graph.edges[
        "org:ces-poznan", "org:ces-kwilcz", "org:ces-kwilcz-[COOPERATES_WITH]->org:ces-poznan@2024-01-15"
    ]
    assert both["form"] == "agreement"


def test_private_properties_only_when_asked(store: GraphStore) -> None:
    _small(store)
    for write in (_graphml, _gexf):
        data, graph = write(store)
        assert b"ces@example.org" not in data and b"koordynator" not in data
        assert "email" not in graph.nodes["org:ces"] and "contact_role" not in graph.nodes["org:ces"]
        data, graph = write(store, include_private=True)
        assert graph.nodes["org:ces"]["email"] == "ces@example.org"
        assert graph.nodes["org:ces"]["contact_role"] == "koordynator"


def test_a_referral_count_of_3_never_appears(store: GraphStore) -> None:
    _small(store)
    for write in (_graphml, _gexf):
        data, graph = write(store)
        small = graph.edges["org:ops", "org:ces", "org:ops-[REFERS]->org:ces@2024-01-01"]
        large = graph.edges["org:ops", "org:ces", "org:ops-[REFERS]->org:ces@2024-07-01"]
        assert "count" not in small and small["count_suppressed"] is True
        assert large["count"] == 7 and large["count_suppressed"] is False
        assert b">3<" not in data and b'value="3"' not in data
