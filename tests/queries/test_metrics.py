"""Node metrics: degrees by the counting conventions, centralities on a hand-checked path, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnergraph.cli import main
from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.queries.metrics import METRICS, metrics, node_metrics
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner


def _org(key: str, kind: str = "ngo") -> Node:
    return Node(key, "Organisation", {"name": key[4:].upper(), "kind": kind})


def _path(store: GraphStore) -> GraphStore:
    """a ⇉ b (two FUNDS ties: strength 2 and none), b —COOP(3)— c, c → d (TRADES_WITH): the path a–b–c–d."""
    nodes = [_org("org:a"), _org("org:b"), _org("org:c", "business"), _org("org:d")]
    ties = [
        Tie("FUNDS", "org:a", "org:b", {"strength": 2, "since": "2023-01-01"}),
        Tie("FUNDS", "org:a", "org:b", {"since": "2024-01-01"}),
        Tie("COOPERATES_WITH", "org:b", "org:c", {"strength": 3}),
        Tie("TRADES_WITH", "org:c", "org:d"),
    ]
    store.upsert(nodes, ties, source="test")
    return store


def test_degrees_count_parallel_ties_each_and_a_symmetric_tie_once(store: GraphStore) -> None:
    found = node_metrics(_path(store), metrics=("degree", "in_degree", "out_degree", "weighted_degree"))
    # b: two FUNDS in + the COOP tie (in and out, but once in the total); weighted 2 + 1 (no strength) + 3
    assert found["org:b"] == {"degree": 3, "in_degree": 3, "out_degree": 1, "weighted_degree": 6}
    assert found["org:a"] == {"degree": 2, "in_degree": 0, "out_degree": 2, "weighted_degree": 3}
    assert found["org:c"] == {"degree": 2, "in_degree": 1, "out_degree": 2, "weighted_degree": 4}


def test_centralities_on_a_path(store: GraphStore) -> None:
    found = node_metrics(_path(store), metrics=("betweenness", "closeness", "core"))
    # betweenness: b lies on a–c and a–d, 2 of the 3 pairs without b → 2/3; closeness a: 3/(1+2+3) = 0.5, b: 3/(1+1+2)
    assert {k: round(v["betweenness"], 4) for k, v in found.items()} == {
        "org:a": 0,
        "org:b": 0.6667,
        "org:c": 0.6667,
        "org:d": 0,
    }
    assert found["org:a"]["closeness"] == pytest.approx(0.5) and found["org:b"]["closeness"] == pytest.approx(0.75)
    assert {v["core"] for v in found.values()} == {1.0}


def test_filters_narrow_the_network(store: GraphStore) -> None:
    found = node_metrics(_path(store), metrics=("degree",), tie_types=["FUNDS"], kinds=["ngo"])
    assert found == {"org:a": {"degree": 2}, "org:b": {"degree": 2}, "org:d": {"degree": 0}}


def test_rows_sorted_by_the_chosen_metric_then_key_with_top(store: GraphStore) -> None:
    result = metrics(_path(store), sort="betweenness", top=3)
    assert [r.key for r in result.rows] == ["org:b", "org:c", "org:a"]  # b and c tie at 2/3: by key; then a and d at 0
    assert result.rows[0].name == "B" and result.meta["sample"] is None
    assert "igraph" in result.algorithm and any("3 z 4" in note for note in result.notes)


def test_sampled_betweenness_reports_its_sample(store: GraphStore) -> None:
    result = metrics(_path(store), sample=2, top=0)
    assert result.meta["sample"] == 2 and "sampled k=2" in result.algorithm
    assert any("2 losowych źródeł" in note for note in result.notes)


def test_bad_options_name_the_option(store: GraphStore) -> None:
    with pytest.raises(ValidationError, match="--metrics: nieznana miara 'fame'"):
        node_metrics(store, metrics=("fame",))
    with pytest.raises(ValidationError, match="--top"):
        metrics(store, top=-1)


def test_the_example_network_gives_the_same_metrics_on_both_backends(example_store: GraphStore) -> None:
    found = node_metrics(example_store, metrics=METRICS)
    assert len(found) == 28
    # CES Poznań: 14 ties, the best-connected organisation, eigenvector 1 by the scaling
    assert found["org:ces-poznan"]["degree"] == 14 and found["org:ces-poznan"]["eigenvector"] == pytest.approx(1.0)
    assert round(found["org:ces-poznan"]["betweenness"], 4) == 0.3177
    assert max(found, key=lambda k: (found[k]["pagerank"], k)) == "org:ss-noteckie-uslugi"


def test_the_cli_prints_json_and_the_exact_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = demo_runner(monkeypatch, tmp_path)
    done = runner.invoke(main, ["analyze", "metrics", "--top", "2", "--sort", "degree", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert [r["key"] for r in json.loads(done.stdout)] == ["org:ces-poznan", "org:ces-drezdenko"]
    bad = runner.invoke(main, ["analyze", "metrics", "--top", "-5"])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines()[-1] == "Błąd: --top: potrzebna liczba ≥ 0, podano -5"
