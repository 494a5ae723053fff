"""Resilience: components, cut-off organisations and reach without one organisation."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from partnergraph.cli import main
from partnergraph.graph.base import GraphStore
from partnergraph.queries.base import filtered_graph
from partnergraph.queries.resilience import betweenness, resilience
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner


def _orgs(store: GraphStore, kinds: dict[str, str], ties: list[tuple[str, str]]) -> GraphStore:
    nodes = [Node(k, "Organisation", {"name": k[4:].upper(), "kind": kind}) for k, kind in kinds.items()]
    store.upsert(nodes, [Tie("COOPERATES_WITH", min(a, b), max(a, b)) for a, b in ties], source="test")
    return store


def _bridge(store: GraphStore) -> GraphStore:
    """biz1 — x1 — b — ces — x2, and y alone: b is the bridge."""
    kinds = {"org:biz1": "business", "org:x1": "ngo", "org:b": "ngo", "org:ces": "ces", "org:x2": "ngo", "org:y": "ngo"}
    return _orgs(
        store, kinds, [("org:biz1", "org:x1"), ("org:x1", "org:b"), ("org:b", "org:ces"), ("org:ces", "org:x2")]
    )


def test_removing_a_bridge_splits_the_network(store: GraphStore) -> None:
    # Before: components {biz1,x1,b,ces,x2} and {y}: 2, largest 5, reach (5·4 + 0)/6 = 3.3333.
    # Without b: {biz1,x1}, {ces,x2}, {y}: 3, largest 2, reach (2 + 2 + 0)/5 = 0.8.
    # ces and x2 lose the only business (biz1); biz1 and x1 lose the only support body (ces).
    # Betweenness of b: the 4 pairs {biz1,x1} × {ces,x2} pass through it.
    (row,) = resilience(_bridge(store), remove=["org:b"]).rows
    assert (row.components_before, row.components_after, row.largest_before, row.largest_after) == (2, 3, 5, 2)
    assert (row.cut_off_business, row.cut_off_business_names) == (2, ["CES", "X2"])
    assert (row.cut_off_support, row.cut_off_support_names) == (2, ["BIZ1", "X1"])
    assert (row.reach_before, row.reach_after, row.reach_change) == (3.3333, 0.8, -2.5333)
    assert (row.betweenness, row.degree) == (4.0, 2)


def test_without_remove_the_top_organisations_are_taken(store: GraphStore) -> None:
    # Betweenness: b 4, x1 3 (biz1 with b, ces, x2), ces 3 (x2 with biz1, x1, b); ties by key.
    _bridge(store)
    assert [r.key for r in resilience(store, top=3).rows] == ["org:b", "org:ces", "org:x1"]
    # Degree: b, ces, x1 have 2 partners; biz1 and x2 1.
    assert [(r.key, r.degree) for r in resilience(store, top=4, by="degree").rows] == [
        ("org:b", 2),
        ("org:ces", 2),
        ("org:x1", 2),
        ("org:biz1", 1),
    ]


def test_removing_the_hub_of_a_star_isolates_every_leaf(store: GraphStore) -> None:
    # hub (OWES) with leaves l1 (business), l2, l3: reach 4·3/4 = 3 → 0; l2 and l3 lose the business,
    # all three lose the support body; betweenness of the hub = C(3, 2) = 3.
    _orgs(
        store,
        {"org:hub": "owes", "org:l1": "business", "org:l2": "ngo", "org:l3": "ngo"},
        [("org:hub", "org:l1"), ("org:hub", "org:l2"), ("org:hub", "org:l3")],
    )
    (row,) = resilience(store, top=1).rows
    assert (row.key, row.betweenness, row.components_after, row.largest_after) == ("org:hub", 3.0, 3, 1)
    assert (row.cut_off_business, row.cut_off_support, row.reach_before, row.reach_after) == (2, 3, 3.0, 0.0)


def test_igraph_betweenness_equals_networkx(example_store: GraphStore) -> None:
    graph: nx.Graph[str] = nx.Graph(filtered_graph(example_store).to_undirected())
    expected = nx.betweenness_centrality(graph, normalized=False)
    assert betweenness(graph) == pytest.approx(expected)


def test_the_example_network_gives_the_same_answer_on_both_backends(example_store: GraphStore) -> None:
    result = resilience(example_store, top=3)
    assert [(r.key, r.betweenness) for r in result.rows] == [
        ("org:ces-poznan", 111.519),
        ("org:ss-kwilecka-kuchnia", 103.8333),
        ("org:owes-wielkopolska", 97.8762),
    ]
    kitchen = result.rows[1]
    assert (kitchen.components_after, kitchen.largest_after, kitchen.cut_off_business, kitchen.reach_after) == (
        4,
        23,
        4,
        18.8148,
    )
    # Filters apply: over TRADES_WITH and FOUNDED only, Kwilecka Kuchnia is the centre of a star of 4 (it sells to
    # Przetwórnia Sad and the school, KGW and Urząd Gminy founded it): betweenness C(4, 2) = 6; without it the
    # three that are not the business lose their only business (Przetwórnia).
    (row,) = resilience(example_store, remove=["org:ss-kwilecka-kuchnia"], tie_types=["TRADES_WITH", "FOUNDED"]).rows
    assert (row.betweenness, row.degree, row.components_after - row.components_before) == (6.0, 4, 3)
    assert row.cut_off_business_names == [
        "Koło Gospodyń Wiejskich w Kwilczu",
        "Szkoła Podstawowa w Kwilczu",
        "Urząd Gminy Kwilcz",
    ]


def test_the_cli_prints_json_and_the_exact_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = demo_runner(monkeypatch, tmp_path)
    done = runner.invoke(main, ["analyze", "resilience", "--remove", "org:ces-kwilcz", "--format", "json"])
    assert done.exit_code == 0, done.output
    (row,) = json.loads(done.stdout)
    assert (row["key"], row["components_after"], row["cut_off_support_names"]) == (
        "org:ces-kwilcz",
        3,
        ["GOPS Kwilcz", "PUP Międzychód"],
    )
    bad = runner.invoke(main, ["analyze", "resilience", "--remove", "org:ces-kwilcz,org:nope"])
    assert bad.exit_code == 1
    assert (
        bad.output.strip().splitlines()[-1]
        == "Błąd: --remove: nie ma węzła o kluczu 'org:nope' (sprawdź klucz poleceniem 'partnergraph find NAZWA')"
    )
