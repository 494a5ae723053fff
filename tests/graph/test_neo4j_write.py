"""The Neo4j write path: change-log layout, what a write remembers instead of asking, queued writes that fail.

The layout tests need no server; the others run on both backends where the answer is the
contract's, and on Neo4j alone where only Neo4j can fail that way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from partnergraph.errors import SchemaError, StoreError, ValidationError
from partnergraph.graph import base, neo4j_write
from partnergraph.graph.base import Change, GraphStore
from partnergraph.graph.neo4j import Neo4jStore
from partnergraph.graph.neo4j_write import log_batch, log_entries
from partnergraph.records import Node, Tie
from tests.neo4j_support import neo4j_store


def change(seq: int, op: str = "create", entity: str = "node", key: str = "org:a", before: dict | None = None,
           after: dict | None = None) -> Change:  # fmt: skip
    return Change(7, seq, "2026-11-27T10:00:00+00:00", "anna", "import łąki.csv", op, entity, key, before, after)  # type: ignore[arg-type]


def test_a_bulk_batch_is_logged_compactly_and_read_back_whole() -> None:
    changes = [change(5 + i, key=f"org:{i}") for i in range(4)] + [change(9, "create", "tie", "COOPERATES_WITH:org:0|org:1")]
    batch = log_batch(changes)
    assert batch["ops"] == "ccccc" and batch["entities"] == "nnnnt" and batch["first"] == 5
    assert not {"seqs", "changed", "befores", "afters"} & set(batch)  # nothing stored per change but its key
    assert list(log_entries(batch)) == changes


def test_updates_deletes_and_gaps_keep_their_values_and_numbers() -> None:
    changes = [change(2, "update", before={"props": {"name": "Łąka"}}, after={"props": {"name": "Łąka Zielona"}}),
               change(3, key="org:b"), change(8, "delete", "tie", "t:1", before={"type": "FUNDS", "props": {}})]  # fmt: skip
    batch = log_batch(changes)
    assert batch["seqs"] == [2, 3, 8] and batch["changed"] == [0, 2]
    assert batch["befores"][0] == '{"props": {"name": "Łąka"}}'  # Polish letters as they are
    assert list(log_entries(batch)) == changes


def test_the_first_layout_is_still_read() -> None:
    """Stores written before the compact layout hold every field as a list, one item per change."""
    old = {"version": 7, "at": "2026-11-27T10:00:00+00:00", "user": "anna", "source": "import łąki.csv", "seqs": [1, 2],
           "ops": ["create", "update"], "entities": ["node", "tie"], "keys": ["org:a", "t:1"],
           "befores": ["", '{"props": {"amount": 1}}'], "afters": ["", '{"props": {"amount": 2}}']}  # fmt: skip
    assert list(log_entries(old)) == [change(1), change(2, "update", "tie", "t:1", {"props": {"amount": 1}}, {"props": {"amount": 2}})]


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 7 and a Neo4j node cache of 10, so that one write crosses many batches and forgets nodes."""
    monkeypatch.setattr(base, "BATCH_SIZE", 7)
    monkeypatch.setattr(neo4j_write, "CACHE", 10)


def orgs(n: int, suffix: str = "") -> list[Node]:
    return [Node(f"org:o{i:02d}", "Organisation", {"name": f"Spółdzielnia {i}{suffix}", "kind": "social_cooperative"}) for i in range(n)]


def ties(n: int, amount: int) -> list[Tie]:
    since = dt.date(2024, 1, 1)
    return [Tie("COOPERATES_WITH", f"org:o{i:02d}", f"org:o{i + 1:02d}", {"since": since, "strength": amount}) for i in range(n - 1)]


@pytest.mark.usefixtures("small_batches")
def test_one_write_that_meets_its_own_records_again_merges_them(store: GraphStore) -> None:
    """Into an empty store: nodes and ties written in early batches come back, updated, in later ones."""
    summary = store.upsert([*orgs(30), *orgs(30, " bis")], [*ties(30, 2), *ties(30, 3)], source="test")
    assert summary.counts == {"node_created": 30, "tie_created": 29}  # created, then changed in the same write: counted once
    assert store.count_nodes() == {"Organisation": 30} and store.count_ties() == {"COOPERATES_WITH": 29}
    assert {n.props["name"] for n in store.iter_nodes()} == {f"Spółdzielnia {i} bis" for i in range(30)}
    assert {t.props["strength"] for t in store.iter_ties()} == {3}
    assert store.check() == []


@pytest.mark.usefixtures("small_batches")
def test_a_write_into_a_store_with_data_finds_what_it_holds(store: GraphStore) -> None:
    store.upsert(orgs(30), ties(30, 2), source="first")
    summary = store.upsert(orgs(30, " bis"), [*ties(30, 2), Tie("FUNDS", "org:o00", "org:o05", {"amount": 1000})], source="second")
    assert summary.counts == {"node_updated": 30, "tie_unchanged": 29, "tie_created": 1}
    moved = Tie("COOPERATES_WITH", "org:o00", "org:o02", {"since": dt.date(2024, 1, 1)}, next(iter(store.iter_ties("FUNDS"))).id)
    assert store.upsert([], [moved], source="third").counts == {"tie_updated": 1}  # a tie that changes its type and end
    assert store.count_ties() == {"COOPERATES_WITH": 30} and store.check() == []
    assert [c.op for c in store.changes(key=moved.id)] == ["update", "create"]


@pytest.fixture
def neo(request: pytest.FixtureRequest) -> Iterator[Neo4jStore]:
    with neo4j_store(request) as store:
        assert isinstance(store, Neo4jStore)
        yield store


@pytest.mark.neo4j
def test_a_queued_write_the_server_refuses_fails_the_whole_write(neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write the server refuses after the Writer has gone on to the next batch fails the write; nothing stays."""
    neo.upsert(orgs(3), source="first")
    row = Neo4jStore.node_row

    def refused(store: Neo4jStore, node: Node) -> dict[str, Any]:  # a map is not a Neo4j property value
        return {**row(store, node), "_bad": {"nested": 1}} if node.key == "org:o05" else row(store, node)

    monkeypatch.setattr(base, "BATCH_SIZE", 2)
    monkeypatch.setattr(Neo4jStore, "node_row", refused)
    with pytest.raises(StoreError, match="Property values can only be of primitive types"):
        neo.upsert(orgs(12, " bis"), source="second")
    assert neo.version() == 1 and neo.count_nodes() == {"Organisation": 3}
    assert {n.props["name"] for n in neo.iter_nodes()} == {"Spółdzielnia 0", "Spółdzielnia 1", "Spółdzielnia 2"}
    monkeypatch.undo()
    assert neo.upsert(orgs(4), source="third").counts == {"node_created": 1, "node_unchanged": 3}  # the store goes on


def test_a_key_too_long_for_an_index_is_refused_before_writing(store: GraphStore) -> None:
    """Neo4j's key index refuses entries over about 8 KB; every backend refuses such keys alike, with the reason."""
    long_name = Node("", "Organisation", {"name": "Stowarzyszenie " * 40, "kind": "ngo"})
    with pytest.raises(ValidationError) as caught:
        store.upsert([*orgs(2), long_name], source="test")
    assert str(caught.value) == (
        "#3: key: klucz ma 603 znaków, a może mieć najwyżej 500: org:stowarzyszenie-stowarzyszenie-stowar… "
        "(podaj krótszy klucz lub identyfikator albo skróć nazwę, z której powstaje)"
    )
    with pytest.raises(ValidationError, match="identyfikator powiązania ma 1101 znaków"):
        store.upsert(orgs(2), [Tie("FUNDS", "org:o00", "org:o01", {}, "x" * 1101)], source="test")
    assert store.version() == 0 and store.count_nodes() == {}


@pytest.mark.neo4j
def test_records_keep_their_version_and_take_origin_and_time_from_the_change_log(neo: Neo4jStore) -> None:
    """Only ``_version`` is stored on a record; every read names the write's source and time, as the embedded store does."""
    neo.upsert(orgs(3), ties(3, 1), source="import łąki.csv")
    neo.upsert(orgs(2, " bis"), source="poprawka")
    stored, _, _ = neo.driver.execute_query("MATCH (n:PGNode) RETURN n {.*} AS p UNION ALL MATCH ()-[t]->() RETURN t {.*} AS p",
                                            database_=neo.database)  # fmt: skip
    assert stored and not {"_origin", "_updated"} & {k for r in stored for k in r["p"]}
    [first, second] = sorted({(c.version, c.source, c.at) for c in neo.changes(limit=None)})
    expected = {"org:o00": second, "org:o01": second, "org:o02": first}
    tie = next(iter(neo.iter_ties()))
    read = {
        "iter_nodes": {n.key: (n.version, n.origin, n.updated) for n in neo.iter_nodes()},
        "get_node": {k: (n.version, n.origin, n.updated) for k in expected if (n := neo.get_node(k))},
        "find_nodes": {n.key: (n.version, n.origin, n.updated) for n in neo.find_nodes(text="spółdzielnia")},
        "neighbours": {n.key: (n.version, n.origin, n.updated) for _, n in neo.neighbours("org:o01")} | {"org:o01": second},
    }
    assert read == dict.fromkeys(read, expected)  # o01 is no neighbour of itself: its stamp is added to compare whole dicts
    assert (tie.version, tie.origin, tie.updated) == first == next((t.version, t.origin, t.updated) for t, _ in neo.neighbours(tie.start))
    assert neo.get_tie(tie.id) == tie


@pytest.mark.neo4j
def test_records_of_the_first_layout_keep_their_own_origin_and_time(neo: Neo4jStore) -> None:
    neo.upsert(orgs(2), ties(2, 1), source="nowy")
    neo.driver.execute_query("MATCH (n:PGNode {key: 'org:o00'}) SET n._origin = 'stary', n._updated = '2025-01-02T03:04:05+00:00'",
                             database_=neo.database)  # fmt: skip
    old, new = neo.get_node("org:o00"), neo.get_node("org:o01")
    assert old is not None and (old.origin, old.updated, old.version) == ("stary", "2025-01-02T03:04:05+00:00", 1)
    assert new is not None and (new.origin, new.updated, new.version) == ("nowy", neo.changes(limit=1)[0].at, 1)


@pytest.mark.neo4j
def test_ties_of_every_type_go_in_one_query_whose_types_come_from_models_ttl_only(neo: Neo4jStore) -> None:
    """The Writer refuses unknown tie types first; the query that takes its types from the rows refuses them again."""
    neo.upsert(orgs(3), [*ties(3, 1), Tie("FUNDS", "org:o00", "org:o02", {"amount": 5})], source="test")
    assert neo.count_ties() == {"COOPERATES_WITH": 2, "FUNDS": 1}
    with pytest.raises(SchemaError, match=r"pojęcie DETACH_DELETE: not a tie type of models\.ttl"), neo.write(source="test") as writer:
        writer.tx.put_ties([Tie("DETACH_DELETE", "org:o00", "org:o01", {}, "x")], [])
    assert neo.count_ties() == {"COOPERATES_WITH": 2, "FUNDS": 1} and neo.version() == 1
