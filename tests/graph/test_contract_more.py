"""More of the GraphStore contract, on every backend: what one write remembers instead of asking, and keys too long to index.

Neo4j is where these can go wrong (its writer keeps a bounded cache of the nodes a write has met, and its key index
refuses long entries), but the answer is the contract's, so they run on the embedded store too.
"""

from __future__ import annotations

import datetime as dt

import pytest

from partnergraph.errors import ValidationError
from partnergraph.graph import base, neo4j_write
from partnergraph.graph.base import GraphStore
from partnergraph.records import Node, Tie


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 7 and a Neo4j node cache of 10, so that one write crosses many batches and forgets nodes."""
    monkeypatch.setattr(base, "BATCH_SIZE", 7)
    monkeypatch.setattr(neo4j_write, "CACHE", 10)


def orgs(n: int, suffix: str = "") -> list[Node]:
    return [
        Node(f"org:o{i:02d}", "Organisation", {"name": f"Spółdzielnia {i}{suffix}", "kind": "social_cooperative"})
        for i in range(n)
    ]


def ties(n: int, amount: int) -> list[Tie]:
    since = dt.date(2024, 1, 1)
    return [
        Tie("COOPERATES_WITH", f"org:o{i:02d}", f"org:o{i + 1:02d}", {"since": since, "strength": amount})
        for i in range(n - 1)
    ]


@pytest.mark.usefixtures("small_batches")
def test_one_write_that_meets_its_own_records_again_merges_them(store: GraphStore) -> None:
    """Into an empty store: nodes and ties written in early batches come back, updated, in later ones."""
    summary = store.upsert([*orgs(30), *orgs(30, " bis")], [*ties(30, 2), *ties(30, 3)], source="test")
    assert summary.counts == {
        "node_created": 30,
        "tie_created": 29,
    }  # created, then changed in the same write: counted once
    assert store.count_nodes() == {"Organisation": 30} and store.count_ties() == {"COOPERATES_WITH": 29}
    assert {n.props["name"] for n in store.iter_nodes()} == {f"Spółdzielnia {i} bis" for i in range(30)}
    assert {t.props["strength"] for t in store.iter_ties()} == {3}
    assert store.check() == []


@pytest.mark.usefixtures("small_batches")
def test_a_write_into_a_store_with_data_finds_what_it_holds(store: GraphStore) -> None:
    store.upsert(orgs(30), ties(30, 2), source="first")
    summary = store.upsert(
        orgs(30, " bis"), [*ties(30, 2), Tie("FUNDS", "org:o00", "org:o05", {"amount": 1000})], source="second"
    )
    assert summary.counts == {"node_updated": 30, "tie_unchanged": 29, "tie_created": 1}
    moved = Tie(
        "COOPERATES_WITH", "org:o00", "org:o02", {"since": dt.date(2024, 1, 1)}, next(iter(store.iter_ties("FUNDS"))).id
    )
    assert store.upsert([], [moved], source="third").counts == {"tie_updated": 1}  # a tie that changes its type and end
    assert store.count_ties() == {"COOPERATES_WITH": 30} and store.check() == []
    assert [c.op for c in store.changes(key=moved.id)] == ["update", "create"]


def test_a_key_too_long_for_an_index_is_refused_before_writing(store: GraphStore) -> None:
    """Neo4j's key index refuses entries over about 8 KB; every backend refuses such keys alike, with the reason."""
    long_name = Node("", "Organisation", {"name": "Stowarzyszenie " * 40, "kind": "ngo"})
    with pytest.raises(ValidationError) as caught:
        store.upsert([*orgs(2), long_name], source="test")
    assert str(caught.value) == (
        "#3: key: klucz ma 603 znaki, a może mieć najwyżej 500: org:stowarzyszenie-stowarzyszenie-stowar… "
        "(podaj krótszy klucz lub identyfikator albo skróć nazwę, z której powstaje)"
    )
    with pytest.raises(ValidationError, match="identyfikator powiązania ma 1101 znaków"):
        store.upsert(orgs(2), [Tie("FUNDS", "org:o00", "org:o01", {}, "x" * 1101)], source="test")
    assert store.version() == 0 and store.count_nodes() == {}
