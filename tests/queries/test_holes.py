"""Burt's structural holes: hand-computed measures, equality with networkx, the store and the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import pytest

from partnergraph.cli import main
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.queries.brokerage import flow_graph
from partnergraph.queries.holes import structural_holes, structural_holes_analysis
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner, load_example


def test_a_star_spans_every_hole() -> None:
    # s with 3 unconnected contacts: n = 3, no redundancy, ES = 3, efficiency 1;
    # c_sj = (1/3)² = 1/9, C = 3/9 = 1/3; every r_j = (1/9)·3/(1/3) = 1, ln 1 = 0 → H = 0.
    m = structural_holes(nx.Graph([("s", "a"), ("s", "b"), ("s", "c")]))
    assert m["s"] == pytest.approx(
        {"contacts": 3, "effective_size": 3.0, "efficiency": 1.0, "constraint": 1 / 3, "hierarchy": 0.0}
    )
    # a leaf: one contact, C = (1/1)² = 1, hierarchy undefined (n·ln n = 0).
    assert m["a"] == {"contacts": 1, "effective_size": 1.0, "efficiency": 1.0, "constraint": 1.0, "hierarchy": None}


def test_a_triangle_with_a_pendant_by_hand() -> None:
    # a–b, b–c, a–c, a–d.  For a: n = 3, shared contacts S_ab = {c}, S_ac = {b}, S_ad = {}.
    #   ES = 3 − (1 + 1 + 0)/3 = 7/3, efficiency = 7/9.
    #   c_ab = ((1 + 1/n_c)/3)² = ((1 + 1/2)/3)² = 1/4, c_ac = 1/4, c_ad = (1/3)² = 1/9; C = 1/2 + 1/9 = 11/18.
    #   r = c·3/C: r_b = r_c = (3/4)·(18/11) = 27/22, r_d = (1/3)·(18/11) = 6/11;
    #   H = (2·(27/22)·ln(27/22) + (6/11)·ln(6/11)) / (3·ln 3) = (0.502677 − 0.330620) / 3.295837 = 0.052205.
    # For b: n = 2, S_ba = {c}, S_bc = {a}: ES = 2 − 2/2 = 1, efficiency 1/2;
    #   c_ba = ((1 + 1/2)/2)² = 9/16, c_bc = ((1 + 1/3)/2)² = 4/9; C = 145/144 = 1.006944;
    #   r_a = (9/16)·2/C = 1.117241, r_c = (4/9)·2/C = 0.882759;
    #   H = (1.117241·ln 1.117241 + 0.882759·ln 0.882759) / (2·ln 2) = (0.123860 − 0.110083) / 1.386294 = 0.009938.
    m = structural_holes(nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("a", "d")]))
    assert m["a"] == pytest.approx(
        {"contacts": 3, "effective_size": 7 / 3, "efficiency": 7 / 9, "constraint": 11 / 18, "hierarchy": 0.052205},
        abs=1e-6,
    )
    assert m["b"] == pytest.approx(
        {"contacts": 2, "effective_size": 1.0, "efficiency": 0.5, "constraint": 145 / 144, "hierarchy": 0.009938},
        abs=1e-6,
    )


def assert_as_networkx(graph: nx.Graph[str]) -> None:
    """Our effective size and constraint equal networkx's on the simple undirected view (nan ↔ None)."""
    simple: nx.Graph[str] = nx.Graph(graph)
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    mine = structural_holes(graph)
    for name, reference in (("effective_size", nx.effective_size(simple)), ("constraint", nx.constraint(simple))):
        for node, value in reference.items():
            got = mine[node][name]
            assert (got is None and math.isnan(value)) or got == pytest.approx(value, rel=1e-9, abs=1e-12), (name, node)


@pytest.mark.parametrize("seed", range(8))
def test_equal_to_networkx_on_random_graphs(seed: int) -> None:
    assert_as_networkx(nx.gnm_random_graph(30, 20 + 10 * seed, seed=seed))


def test_directions_parallel_ties_and_self_loops_make_one_contact() -> None:
    # a→b, b→a, a→b again and a self-loop: one contact each, as the undirected graph a–b.
    m = structural_holes(nx.MultiDiGraph([("a", "b"), ("b", "a"), ("a", "b"), ("a", "a")]))
    assert m["a"]["contacts"] == 1 and m["a"]["constraint"] == 1.0


def org(key: str) -> Node:
    return Node(key, "Organisation", {"name": key.upper(), "kind": "ngo"})


def test_the_analysis_sorts_least_constrained_first_and_leaves_isolates_empty(store: GraphStore) -> None:
    # s sells to a and b, a funds b (a triangle s, a, b), and c cooperates with s: the graph of the hand-computed
    # case above with s as a and c as the pendant: ES = 7/3 = 2.3333, efficiency 7/9 = 0.7778, C = 11/18 = 0.6111.
    ties = [
        Tie("TRADES_WITH", "org:s", "org:a", {}),
        Tie("TRADES_WITH", "org:s", "org:b", {}),
        Tie("FUNDS", "org:a", "org:b", {}),
        Tie("COOPERATES_WITH", "org:c", "org:s", {}),
    ]
    store.upsert([org(k) for k in ("org:s", "org:a", "org:b", "org:c", "org:lonely")], ties, source="test")
    result = structural_holes_analysis(store)
    first, last = result.rows[0], result.rows[-1]
    assert (first.key, first.contacts, first.effective_size, first.efficiency, first.constraint) == (
        "org:s",
        3,
        2.3333,
        0.7778,
        0.6111,
    )
    assert (last.key, last.contacts, last.effective_size, last.constraint, last.hierarchy) == (
        "org:lonely",
        0,
        None,
        None,
        None,
    )
    assert result.notes == ["organizacje bez kontaktów: 1; ich miary są nieokreślone (puste)"]
    assert [r.key for r in structural_holes_analysis(store, tie_types=("FUNDS",), top=2).rows] == ["org:a", "org:b"]


def test_the_example_network_as_networkx_and_on_both_backends(example_store: GraphStore, tmp_path: Path) -> None:
    assert_as_networkx(flow_graph(example_store))
    with SqliteStore(tmp_path / "reference.db") as reference:
        load_example(reference)
        assert structural_holes_analysis(example_store).records() == structural_holes_analysis(reference).records()


def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout (the rows) and stdout + stderr (notes and errors) of ``partnergraph ARGS`` after ``demo``."""
    result = demo_runner(monkeypatch, tmp_path).invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.output


def test_cli_json_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, output = cli(tmp_path, monkeypatch, "analyze", "structural-holes", "--format", "json", "--top", "3")
    assert code == 0
    assert "pokazano 3 z 28 organizacji (--top)" in output
    rows = json.loads(stdout)
    assert [r["key"] for r in rows] == ["org:ces-kwilcz", "org:ces-drezdenko", "org:ces-poznan"]
    assert list(rows[0]) == ["key", "name", "contacts", "effective_size", "efficiency", "constraint", "hierarchy"]


def test_cli_refuses_a_negative_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, output = cli(tmp_path, monkeypatch, "analyze", "structural-holes", "--top", "-1")
    assert (code, output.splitlines()[-1]) == (1, "Błąd: --top: -1 jest ujemne; podaj 0 (wszystkie) lub więcej")
