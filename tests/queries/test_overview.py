"""Overview: hand-checked indicators for the whole network, per kind and per municipality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnergraph.cli import main
from partnergraph.graph.base import GraphStore
from partnergraph.queries import overview as module
from partnergraph.queries.overview import overview
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner


def _network(store: GraphStore) -> GraphStore:
    """Triangle a–b–c (COOPERATES_WITH) in Kwilcz, c ⇄ d (TRADES_WITH both ways) with d in Drezdenko, e alone nowhere."""
    places = [
        Node("", "Municipality", {"name": "Kwilcz", "teryt": "3014022"}),
        Node("", "Municipality", {"name": "Drezdenko", "teryt": "0806023"}),
    ]
    orgs = [
        Node(f"org:{k}", "Organisation", {"name": k.upper(), "kind": kind})
        for k, kind in zip("abcde", ["ngo", "ngo", "business", "ngo", "ngo"], strict=True)
    ]
    ties = [
        Tie("COOPERATES_WITH", "org:a", "org:b"),
        Tie("COOPERATES_WITH", "org:b", "org:c"),
        Tie("COOPERATES_WITH", "org:a", "org:c"),
        Tie("TRADES_WITH", "org:c", "org:d"),
        Tie("TRADES_WITH", "org:d", "org:c"),
    ]
    located = [Tie("LOCATED_IN", f"org:{k}", "teryt:3014022") for k in "abc"] + [
        Tie("LOCATED_IN", "org:d", "teryt:0806023")
    ]
    store.upsert(places + orgs, ties + located, source="test")
    return store


def test_whole_network_indicators(store: GraphStore) -> None:
    whole = overview(_network(store), scope="all").rows[0]
    # 4 distinct pairs of 10 → density 0.4; components {a,b,c,d} and {e}; a–d is 2 hops (via c);
    # path lengths in the component: ab ac bc cd = 1, ad bd = 2 → 8/6; both trade arcs are reciprocated;
    # clustering a = b = 1, c = 1/3, d = e = 0 → 2.3333/5; transitivity 3·1 triangle / 5 connected triples
    assert (whole.organisations, whole.ties, whole.density, whole.components, whole.strong_components) == (
        5,
        5,
        0.4,
        2,
        2,
    )
    assert (whole.largest_component, whole.diameter, whole.average_path_length, whole.paths_sampled) == (
        4,
        2,
        1.3333,
        None,
    )
    assert whole.reciprocity == 1.0 and whole.average_clustering == 0.466667 and whole.transitivity == 0.6


def test_rows_per_kind_and_municipality_use_the_induced_subgraph(store: GraphStore) -> None:
    rows = overview(_network(store)).rows
    assert [(r.scope, r.group, r.organisations) for r in rows] == [
        ("all", "all", 5),
        ("kind", "ngo", 4),
        ("kind", "business", 1),
        ("municipality", "teryt:3014022", 3),
        ("municipality", "teryt:0806023", 1),
    ]  # e has no municipality: in no municipality row
    ngo, kwilcz = rows[1], rows[3]
    assert (ngo.ties, ngo.density, ngo.components, ngo.reciprocity) == (
        1,
        0.166667,
        3,
        None,
    )  # only a–b; no directed ties
    assert (kwilcz.label, kwilcz.density, kwilcz.average_clustering, kwilcz.diameter) == ("Kwilcz", 1.0, 1.0, 1)


def test_sampled_paths_are_reported(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "EXACT_PATHS_MAX", 0)
    result = overview(_network(store), scope="all", sample=10)
    whole = result.rows[0]
    assert whole.paths_sampled == 4 and whole.average_path_length == 1.3333  # every source sampled: the exact value
    assert result.meta["sampled_groups"] == ["cała sieć"] and "dolne ograniczenie" in result.notes[0]


def test_the_example_network_on_both_backends(example_store: GraphStore) -> None:
    whole = overview(example_store, scope="all").rows[0]
    assert (whole.organisations, whole.ties, whole.components, whole.largest_component, whole.diameter) == (
        28,
        59,
        1,
        28,
        5,
    )


def test_the_cli_prints_json_and_the_exact_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = demo_runner(monkeypatch, tmp_path)
    done = runner.invoke(main, ["analyze", "overview", "--scope", "municipality", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert [r["label"] for r in json.loads(done.stdout)][:3] == ["Poznań", "Kwilcz", "Drezdenko"]
    bad = runner.invoke(main, ["analyze", "overview", "--kinds", "bank"])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines()[-1].startswith("Błąd: --kinds: nieznany rodzaj organizacji 'bank'")
