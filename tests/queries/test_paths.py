"""Warm-introduction paths: shortest first, no_intermediary avoided, min-strength, notes on what blocked a path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnergraph.cli import main
from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.queries.paths import paths
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner


def _org(key: str, **props: bool) -> Node:
    return Node(key, "Organisation", {"name": key[4:].upper(), "kind": "ngo", **props})


def _diamond(store: GraphStore, *, b_private: bool = False) -> GraphStore:
    """a —COOP(5)— b —SUPPORTS(4)→ d;  a —TRADES(2)→ c —COOP(no strength)— d;  e alone.

    Two paths a→d of 2 hops: via b (weakest 4) and via c (weakest 2, or unknown)."""
    nodes = [_org("org:a"), _org("org:b", no_intermediary=b_private), _org("org:c"), _org("org:d"), _org("org:e")]
    ties = [
        Tie("COOPERATES_WITH", "org:a", "org:b", {"strength": 5}),
        Tie("SUPPORTS", "org:b", "org:d", {"strength": 4}),
        Tie("TRADES_WITH", "org:a", "org:c", {"strength": 2}),
        Tie("COOPERATES_WITH", "org:c", "org:d"),
    ]
    store.upsert(nodes, ties, source="test")
    return store


def test_shortest_paths_come_first_with_the_chain_as_text(store: GraphStore) -> None:
    result = paths(_diamond(store), "org:a", "org:d")
    assert [(r.rank, r.length, r.weakest, r.keys) for r in result.rows] == [
        (1, 2, 4, ["org:a", "org:b", "org:d"]),
        (2, 2, 2, ["org:a", "org:c", "org:d"]),  # the strength-less tie is unknown, not weaker, without --min-strength
    ]
    assert result.rows[0].chain == "A —[współpracuje z]— B —[wspiera]→ D"
    assert result.rows[1].chain == "A —[sprzedaje]→ C —[współpracuje z]— D"


def test_an_introduction_goes_against_the_direction_of_a_tie(store: GraphStore) -> None:
    (row,) = paths(_diamond(store), "org:d", "org:b", k=1).rows
    assert row.chain == "D ←[wspiera]— B"


def test_min_strength_cuts_the_weak_path_and_a_tie_without_strength_counts_as_1(store: GraphStore) -> None:
    _diamond(store)
    assert [r.keys for r in paths(store, "org:a", "org:d", min_strength=3).rows] == [["org:a", "org:b", "org:d"]]
    # At 1 every tie passes; the strength-less c–d tie counts as 1, so the path via c has weakest 1.
    assert [(r.keys[1], r.weakest) for r in paths(store, "org:a", "org:d", min_strength=1).rows] == [
        ("org:b", 4),
        ("org:c", 1),
    ]
    blocked = paths(store, "org:a", "org:d", min_strength=5)
    assert blocked.rows == []
    assert blocked.notes == [
        "Brak ścieżki z org:a do org:d.",
        "ścieżka istnieje, ale przez powiązania słabsze niż --min-strength 5",
    ]


def test_a_no_intermediary_organisation_is_avoided_but_may_be_an_end(store: GraphStore) -> None:
    _diamond(store, b_private=True)
    result = paths(store, "org:a", "org:d")
    assert [r.keys for r in result.rows] == [["org:a", "org:c", "org:d"]]
    assert result.notes == ["pominięto jako pośredników (no_intermediary): B"]
    assert paths(store, "org:a", "org:b").rows[0].keys == ["org:a", "org:b"]
    # With min strength 3 only the path through B is strong enough, and B refuses; without the threshold the path
    # via C would do: both blockers are named.
    refused = paths(store, "org:a", "org:d", min_strength=3)
    assert refused.notes == [
        "Brak ścieżki z org:a do org:d.",
        "ścieżka istnieje, ale przez powiązania słabsze niż --min-strength 3",
        "ścieżka istnieje tylko przez organizacje, które nie chcą pośredniczyć: B",
    ]
    # Only B: a strong tie around C would not matter when C is private too.
    only_b = paths(store, "org:a", "org:d", min_strength=3, tie_types=["COOPERATES_WITH", "SUPPORTS"])
    assert only_b.notes == [
        "Brak ścieżki z org:a do org:d.",
        "ścieżka istnieje tylko przez organizacje, które nie chcą pośredniczyć: B",
    ]


def test_separate_components_are_named(store: GraphStore) -> None:
    result = paths(_diamond(store), "org:a", "org:e")
    assert result.notes == [
        "Brak ścieżki z org:a do org:e.",
        "org:a i org:e są w osobnych częściach sieci: żaden ciąg powiązań ich nie łączy",
    ]


def test_bad_input_is_refused(store: GraphStore) -> None:
    _diamond(store)
    with pytest.raises(ValidationError, match="--to: org:a to ta sama organizacja co --from"):
        paths(store, "org:a", "org:a")
    with pytest.raises(ValidationError, match="--min-strength: 7 jest poza skalą 1–5"):
        paths(store, "org:a", "org:d", min_strength=7)


def test_the_example_network_gives_the_same_paths_on_both_backends(example_store: GraphStore) -> None:
    # Kwilecka Kuchnia ← OWES → Smaki Wildy → Hotel, and ← OWES → Zielona Pracownia ← Hotel (3 hops each, key order),
    # then ← CES Kwilcz — CES Poznań → … (4 hops).
    rows = paths(example_store, "org:ss-kwilecka-kuchnia", "org:hotel-nad-warta").rows
    assert [(r.length, r.keys[2]) for r in rows] == [
        (3, "org:ss-smaki-wildy"),
        (3, "org:ss-zielona-pracownia"),
        (4, "org:ces-poznan"),
    ]
    assert rows[0].chain == (
        "Spółdzielnia Socjalna „Kwilecka Kuchnia” ←[wspiera]— OWES Wielkopolska —[wspiera]→ "
        "Spółdzielnia Socjalna „Smaki Wildy” —[sprzedaje]→ Hotel nad Wartą Sp. z o.o."
    )


def test_the_cli_prints_json_and_the_exact_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = demo_runner(monkeypatch, tmp_path)
    args = [
        "analyze",
        "paths",
        "--from",
        "org:ss-kwilecka-kuchnia",
        "--to",
        "org:hotel-nad-warta",
        "--paths",
        "1",
        "--format",
        "json",
    ]
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.output
    assert [r["keys"] for r in json.loads(done.stdout)] == [
        ["org:ss-kwilecka-kuchnia", "org:owes-wielkopolska", "org:ss-smaki-wildy", "org:hotel-nad-warta"]
    ]
    bad = runner.invoke(main, ["analyze", "paths", "--from", "org:ss-kwilecka-kuchnia", "--to", "org:nope"])
    assert bad.exit_code == 1
    assert (
        bad.output.strip().splitlines()[-1]
        == "Błąd: --to: nie ma węzła o kluczu 'org:nope' (sprawdź klucz poleceniem 'partnergraph find NAZWA')"
    )
