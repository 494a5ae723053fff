"""The networkx projection of a store, on every backend."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import project
from partnergraph.records import Node, Tie
from tests.graph.test_contract import seed


def test_projection_carries_types_properties_and_tie_ids(store: GraphStore) -> None:
    seed(store)
    graph = project(store)
    assert graph.number_of_nodes() == 5
    assert graph.nodes["org:laka"]["type"] == "Organisation"
    assert graph.nodes["org:laka"]["founded"] == dt.date(2023, 5, 12)
    refers = graph.edges["org:gops-kwilcz", "org:ces-kwilcz", "org:gops-kwilcz-[REFERS]->org:ces-kwilcz@2024-01-01"]
    assert refers["type"] == "REFERS" and refers["count"] == 12
    # the symmetric tie is walkable both ways, under the same id
    tie_id = "org:gops-kwilcz-[COOPERATES_WITH]->org:laka"
    assert graph.has_edge("org:laka", "org:gops-kwilcz", tie_id) and graph.has_edge("org:gops-kwilcz", "org:laka", tie_id)
    assert graph.number_of_edges() == 7  # 6 ties, the symmetric one twice
    with pytest.raises(nx.NetworkXError):
        graph.add_node("x")  # frozen: shared by every caller


def test_filters(store: GraphStore) -> None:
    seed(store)
    store.upsert([Node("", "Municipality", {"name": "Poznań", "teryt": "3064011"}),
                  Node("org:poza", "Organisation", {"name": "Poza gminą", "kind": "ngo"})],
                 [Tie("LOCATED_IN", "org:poza", "teryt:3064011"), Tie("SUPPORTS", "org:poza", "org:laka")], source="more")  # fmt: skip
    local = project(store, municipality="teryt:3014022")
    assert set(local.nodes) == {"teryt:3014022", "org:ces-kwilcz", "org:laka"}
    coops = project(store, kinds=["social_cooperative"], node_types=["Organisation"])
    assert set(coops.nodes) == {"org:laka"}
    trade = project(store, tie_types=["TRADES_WITH"])
    assert [d["type"] for *_, d in trade.edges(data=True)] == ["TRADES_WITH"]
    early = project(store, as_of=dt.date(2023, 12, 31), tie_types=["REFERS", "SUPPORTS"])
    assert {d["type"] for *_, d in early.edges(data=True)} == {"SUPPORTS"}  # undated support only
    later = project(store, as_of=dt.date(2024, 7, 1), tie_types=["REFERS"])
    assert later.number_of_edges() == 0  # the referral period ended on 2024-06-30


def test_cache_follows_the_write_version(store: GraphStore) -> None:
    seed(store)
    first = project(store)
    assert project(store) is first
    store.upsert([Node("org:nowa", "Organisation", {"name": "Nowa", "kind": "ngo"})], source="change")
    second = project(store)
    assert second is not first and "org:nowa" in second
