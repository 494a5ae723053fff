"""Gould–Fernandez brokerage: hand-counted open two-paths, on tiny graphs and through the store and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from partnergraph.cli import main
from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.queries.brokerage import MISSING_GROUP, ROLES, broker_roles, brokerage
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner, load_example

PATH = [("a", "b"), ("b", "c")]  # one open two-path a→b→c, b brokers it


def only(counts: dict[str, dict[str, int]], node: str) -> dict[str, int]:
    """The non-zero roles of ``node``."""
    return {role: n for role, n in counts[node].items() if n}


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        ("xxx", "coordinator"),  # g(a)=g(b)=g(c)=x
        ("xyx", "itinerant"),  # g(a)=g(c)=x, g(b)=y
        ("xyy", "gatekeeper"),  # g(b)=g(c)=y, g(a)=x
        ("xxy", "representative"),  # g(a)=g(b)=x, g(c)=y
        ("xyz", "liaison"),  # three groups
    ],
)
def test_each_role_on_one_open_two_path(groups: str, role: str) -> None:
    partition = dict(zip("abc", groups, strict=True))
    counts = broker_roles(nx.DiGraph(PATH), partition)
    assert only(counts, "b") == {role: 1, "total": 1}
    assert counts["a"]["total"] == counts["c"]["total"] == 0  # every node appears, zeros included


def test_a_closed_triad_gives_no_brokerage() -> None:
    # a→b→c with a→c: the only two-path is closed.
    counts = broker_roles(nx.DiGraph([*PATH, ("a", "c")]), {})
    assert all(c["total"] == 0 for c in counts.values())


def test_a_tie_c_to_a_does_not_close_the_path() -> None:
    # the cycle a→b→c→a: two-paths a→b→c (closed only by a→c: absent), b→c→a (needs b→a: absent),
    # c→a→b (needs c→b: absent) — all three open, one per broker; c→a does not close a→b→c.
    counts = broker_roles(nx.DiGraph([*PATH, ("c", "a")]), {})
    assert [counts[n]["total"] for n in "abc"] == [1, 1, 1]
    assert counts["b"]["coordinator"] == 1  # nodes without a group share the group "(brak)"


def test_parallel_ties_and_self_loops_count_once() -> None:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph([*PATH, *PATH, ("b", "b")])
    assert only(broker_roles(graph, {"a": "x", "b": "y", "c": "z"}), "b") == {"liaison": 1, "total": 1}


def test_a_star_counts_every_ordered_pair() -> None:
    # s → {a, b, c} and {a, b, c} → s (both directions): 3·2 = 6 ordered pairs (x, y), x ≠ y, none closed.
    # groups: s=p, a=p, b=q, c=q. Pairs (a,b),(a,c): g(a)=g(s)≠g(c) representative 2;
    # (b,a),(c,a): g(s)=g(a)≠g(b) gatekeeper 2; (b,c),(c,b): g(b)=g(c)≠g(s) itinerant 2.
    edges = [(x, y) for leaf in "abc" for x, y in (("s", leaf), (leaf, "s"))]
    counts = broker_roles(nx.DiGraph(edges), {"s": "p", "a": "p", "b": "q", "c": "q"})
    assert only(counts, "s") == {"representative": 2, "gatekeeper": 2, "itinerant": 2, "total": 6}


def org(key: str, **props: str) -> Node:
    return Node(key, "Organisation", {"name": key.upper(), "kind": "ngo", **props})


def test_a_symmetric_tie_counts_both_ways(store: GraphStore) -> None:
    # a—b—c cooperating: open paths a→b→c and c→b→a, so b brokers twice; a and c broker nothing.
    ties = [Tie("COOPERATES_WITH", "org:a", "org:b", {}), Tie("COOPERATES_WITH", "org:b", "org:c", {})]
    store.upsert([org("org:a"), org("org:b"), org("org:c")], ties, source="test")
    rows = {r.key: r for r in brokerage(store).rows}
    assert (rows["org:b"].coordinator, rows["org:b"].total) == (2, 2)  # all three are NGOs: sector social
    assert rows["org:a"].total == rows["org:c"].total == 0
    store.upsert([], [Tie("COOPERATES_WITH", "org:a", "org:c", {})], source="test")
    assert all(r.total == 0 for r in brokerage(store).rows)  # a↔c closes both


def test_parallel_ties_in_the_store_count_once(store: GraphStore) -> None:
    # two contracts a→b (2023 and 2024) and a sale b→c: still one open two-path.
    ties = [
        Tie("TRADES_WITH", "org:a", "org:b", {"since": "2023-01-01"}),
        Tie("TRADES_WITH", "org:a", "org:b", {"since": "2024-01-01"}),
        Tie("SUBCONTRACTS", "org:b", "org:c", {}),
    ]
    store.upsert([org("org:a"), org("org:b"), org("org:c", kind="business")], ties, source="test")
    rows = {r.key: r for r in brokerage(store, partition="kind").rows}
    assert (rows["org:b"].representative, rows["org:b"].total, rows["org:b"].group) == (1, 1, "ngo")
    only_funds = brokerage(store, tie_types=("FUNDS",)).rows
    assert all(r.total == 0 for r in only_funds)


def test_partition_by_municipality(store: GraphStore) -> None:
    # a (Kwilcz) → b (Kwilcz) → c (Drezdenko): b is a representative of Kwilcz; d has no gmina.
    gminas = [
        Node("teryt:3014022", "Municipality", {"name": "Kwilcz", "teryt": "3014022"}),
        Node("teryt:0806023", "Municipality", {"name": "Drezdenko", "teryt": "0806023"}),
    ]
    located = [
        Tie("LOCATED_IN", o, m, {})
        for o, m in (("org:a", "teryt:3014022"), ("org:b", "teryt:3014022"), ("org:c", "teryt:0806023"))
    ]
    ties = [
        Tie("FUNDS", "org:a", "org:b", {}),
        Tie("SUPPORTS", "org:b", "org:c", {}),
        Tie("SUPPORTS", "org:b", "org:d", {}),
    ]
    store.upsert([*gminas, org("org:a"), org("org:b"), org("org:c"), org("org:d")], located + ties, source="test")
    result = brokerage(store, partition="municipality")
    rows = {r.key: r for r in result.rows}
    assert rows["org:b"].group == "Kwilcz (3014022)"
    assert (rows["org:b"].representative, rows["org:b"].total) == (2, 2)  # a→b→c and a→b→d (d in "(brak)")
    assert rows["org:d"].group == MISSING_GROUP
    assert result.notes == ["organizacje bez wartości 'municipality': 1; tworzą razem grupę '(brak)'"]
    assert [r.key for r in result.rows] == ["org:b", "org:a", "org:c", "org:d"]  # total desc, then key


def test_an_unknown_partition_is_refused_naming_the_allowed_ones(store: GraphStore) -> None:
    with pytest.raises(ValidationError) as error:
        brokerage(store, partition="colour")
    assert str(error.value).startswith(
        "--partition: organizacja nie ma właściwości 'colour' (dozwolone: address, city, "
    )
    assert "legal_form, municipality, name" in str(error.value)


def test_both_backends_give_the_same_roles_on_the_example(example_store: GraphStore, tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "reference.db") as reference:
        load_example(reference)
        for partition in ("sector", "kind", "municipality"):
            assert (
                brokerage(example_store, partition=partition).records()
                == brokerage(reference, partition=partition).records()
            )
    rows = brokerage(example_store).rows
    assert len(rows) == 28 and rows[0].key == "org:ces-poznan"


def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout (the rows) and stdout + stderr (notes and errors) of ``partnergraph ARGS`` after ``demo``."""
    result = demo_runner(monkeypatch, tmp_path).invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.output


def test_cli_json_gives_one_row_per_organisation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, _ = cli(tmp_path, monkeypatch, "analyze", "brokerage", "--partition", "sector", "--format", "json")
    assert code == 0
    rows = json.loads(stdout)
    assert len(rows) == 28
    assert list(rows[0]) == ["key", "name", "group", *ROLES, "total"]
    assert rows[0]["key"] == "org:ces-poznan" and rows[0]["group"] == "social"
    assert all(r["total"] == sum(r[role] for role in ROLES) for r in rows)
    assert [r["total"] for r in rows] == sorted((r["total"] for r in rows), reverse=True)


def test_cli_refuses_an_unknown_partition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, output = cli(tmp_path, monkeypatch, "analyze", "brokerage", "--partition", "colour")
    assert code == 1
    assert output.splitlines()[-1].startswith(
        "Błąd: --partition: organizacja nie ma właściwości 'colour' (dozwolone: address, "
    )
