"""The networkx projection of a store, on every backend."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import CACHE_SIZE, Filters, _build_structure, _Reader, project, project_structure
from partnergraph.graph.sqlite import SqliteStore
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
    assert graph.has_edge("org:laka", "org:gops-kwilcz", tie_id) and graph.has_edge(
        "org:gops-kwilcz", "org:laka", tie_id
    )
    assert graph.number_of_edges() == 7  # 6 ties, the symmetric one twice
    with pytest.raises(nx.NetworkXError):
        graph.add_node("x")  # frozen: shared by every caller


def test_filters(store: GraphStore) -> None:
    seed(store)
    store.upsert(
        [
            Node("", "Municipality", {"name": "Poznań", "teryt": "3064011"}),
            Node("org:poza", "Organisation", {"name": "Poza gminą", "kind": "ngo"}),
        ],
        [Tie("LOCATED_IN", "org:poza", "teryt:3064011"), Tie("SUPPORTS", "org:poza", "org:laka")],
        source="more",
    )
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


def test_a_callers_change_to_attributes_cannot_reach_the_next_caller(store: GraphStore) -> None:
    seed(store)
    graph = project(store)
    with pytest.raises(TypeError):
        graph.nodes["org:laka"]["name"] = "Zmieniona"
    with pytest.raises(TypeError):
        graph.edges["org:laka", "nip:8567346215", "org:laka-[TRADES_WITH]->nip:8567346215"]["amount"] = 0
    private = graph.copy()  # a private copy is an ordinary, mutable graph
    private.nodes["org:laka"]["name"] = "Zmieniona"
    assert project(store).nodes["org:laka"]["name"] == "Spółdzielnia Socjalna „Łąka”"


def test_cache_keeps_the_most_recent_filter_combinations_only(store: GraphStore) -> None:
    seed(store)
    first = project(store, tie_types=["REFERS"])
    for day in range(1, CACHE_SIZE + 1):  # CACHE_SIZE other combinations push the first one out
        project(store, as_of=dt.date(2024, 1, day))
    assert project(store, tie_types=["REFERS"]) is not first
    recent = project(store, as_of=dt.date(2024, 1, CACHE_SIZE))
    assert project(store, as_of=dt.date(2024, 1, CACHE_SIZE)) is recent


def test_structure_has_organisations_and_their_ties_as_integers(store: GraphStore) -> None:
    seed(store)
    s = project_structure(store)
    assert s.keys == sorted(["org:ces-kwilcz", "org:laka", "org:gops-kwilcz", "nip:8567346215"])
    laka = s.index["org:laka"]
    assert (
        s.kind[laka] == "social_cooperative" and s.sector[laka] == "social" and s.municipality[laka] == "teryt:3014022"
    )
    assert s.municipality[s.index["org:gops-kwilcz"]] is None  # no LOCATED_IN tie
    ties = {(s.keys[u], s.keys[v], t, sym) for u, v, t, sym in zip(s.src, s.dst, s.tie_type, s.symmetric, strict=True)}
    assert ties == {
        ("org:ces-kwilcz", "org:laka", "SUPPORTS", False),
        ("org:gops-kwilcz", "org:ces-kwilcz", "REFERS", False),
        ("org:laka", "nip:8567346215", "TRADES_WITH", False),
        ("org:gops-kwilcz", "org:laka", "COOPERATES_WITH", True),
    }  # symmetric: stored once
    assert project_structure(store) is s  # cached
    assert project_structure(store, tie_types=["REFERS"], as_of=dt.date(2024, 7, 1)).m == 0
    assert project_structure(store, municipality="teryt:3014022").keys == ["org:ces-kwilcz", "org:laka"]
    store.upsert([Node("org:nowa", "Organisation", {"name": "Nowa", "kind": "ngo"})], source="change")
    assert "org:nowa" in project_structure(store).index


def test_structure_reads_strength_and_leaves_it_none_when_missing(store: GraphStore) -> None:
    seed(store)
    store.upsert([], [Tie("FUNDS", "org:gops-kwilcz", "org:laka", {"strength": 4})], source="s")
    s = project_structure(store, tie_types=["FUNDS", "TRADES_WITH"])
    assert sorted((s.tie_type[e], s.strength[e]) for e in range(s.m)) == [("FUNDS", 4.0), ("TRADES_WITH", None)]


def test_the_sqlite_pushdown_reads_what_the_store_contract_reads(sqlite_store: SqliteStore) -> None:
    seed(sqlite_store)
    sqlite_store.upsert(
        [], [Tie("FUNDS", "org:gops-kwilcz", "org:laka", {"strength": 4, "since": "2024-02-01"})], source="s"
    )
    for filters in (
        Filters(frozenset(["Organisation"])),
        Filters(None, None, frozenset(["FUNDS", "REFERS"]), None, dt.date(2024, 3, 1)),
        Filters(frozenset(["Organisation"]), frozenset(["social_cooperative"]), None, "teryt:3014022"),
    ):
        fast = _build_structure(sqlite_store, filters)
        generic = _build_structure(sqlite_store, filters, _Reader(sqlite_store))
        assert fast == generic and fast.m == generic.m
