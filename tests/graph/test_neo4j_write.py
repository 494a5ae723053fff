"""The Neo4j write path: change-log layout, queued writes that fail, records and their change log.

The layout tests need no server; the others need Neo4j, since only Neo4j can fail that way. What a
write remembers instead of asking is the contract's (tests/graph/test_contract_more.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from partnergraph.errors import SchemaError, StoreError
from partnergraph.graph import base
from partnergraph.graph.base import Change
from partnergraph.graph.neo4j import Neo4jStore
from partnergraph.graph.neo4j_layout import Neo4jLayout
from partnergraph.graph.neo4j_write import log_batch, log_entries
from partnergraph.records import Node, Tie
from tests.graph.test_contract_more import orgs, ties
from tests.neo4j_support import neo4j_store


def change(
    seq: int,
    op: str = "create",
    entity: str = "node",
    key: str = "org:a",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Change:
    return Change(7, seq, "2026-11-27T10:00:00+00:00", "anna", "import łąki.csv", op, entity, key, before, after)  # type: ignore[arg-type]


def test_a_bulk_batch_is_logged_compactly_and_read_back_whole() -> None:
    changes = [change(5 + i, key=f"org:{i}") for i in range(4)] + [
        change(9, "create", "tie", "COOPERATES_WITH:org:0|org:1")
    ]
    batch = log_batch(changes)
    assert batch["ops"] == "ccccc" and batch["entities"] == "nnnnt" and batch["first"] == 5
    assert not {"seqs", "changed", "befores", "afters"} & set(batch)  # nothing stored per change but its key
    assert list(log_entries(batch)) == changes


def test_updates_deletes_and_gaps_keep_their_values_and_numbers() -> None:
    changes = [
        change(2, "update", before={"props": {"name": "Łąka"}}, after={"props": {"name": "Łąka Zielona"}}),
        change(3, key="org:b"),
        change(8, "delete", "tie", "t:1", before={"type": "FUNDS", "props": {}}),
    ]
    batch = log_batch(changes)
    assert batch["seqs"] == [2, 3, 8] and batch["changed"] == [0, 2]
    assert batch["befores"][0] == '{"props": {"name": "Łąka"}}'  # Polish letters as they are
    assert list(log_entries(batch)) == changes


def test_the_first_layout_is_still_read() -> None:
    """Stores written before the compact layout hold every field as a list, one item per change."""
    old = {
        "version": 7,
        "at": "2026-11-27T10:00:00+00:00",
        "user": "anna",
        "source": "import łąki.csv",
        "seqs": [1, 2],
        "ops": ["create", "update"],
        "entities": ["node", "tie"],
        "keys": ["org:a", "t:1"],
        "befores": ["", '{"props": {"amount": 1}}'],
        "afters": ["", '{"props": {"amount": 2}}'],
    }
    assert list(log_entries(old)) == [
        change(1),
        change(2, "update", "tie", "t:1", {"props": {"amount": 1}}, {"props": {"amount": 2}}),
    ]


@pytest.fixture
def neo(request: pytest.FixtureRequest) -> Iterator[Neo4jStore]:
    with neo4j_store(request) as store:
        assert isinstance(store, Neo4jStore)
        yield store


@pytest.mark.neo4j
def test_a_queued_write_the_server_refuses_fails_the_whole_write(
    neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write the server refuses after the Writer has gone on to the next batch fails the write; nothing stays."""
    neo.upsert(orgs(3), source="first")
    row = Neo4jLayout.node_row

    def refused(layout: Neo4jLayout, node: Node) -> dict[str, Any]:  # a map is not a Neo4j property value
        return {**row(layout, node), "_bad": {"nested": 1}} if node.key == "org:o05" else row(layout, node)

    monkeypatch.setattr(base, "BATCH_SIZE", 2)
    monkeypatch.setattr(Neo4jLayout, "node_row", refused)
    with pytest.raises(StoreError, match="Property values can only be of primitive types"):
        neo.upsert(orgs(12, " bis"), source="second")
    assert neo.version() == 1 and neo.count_nodes() == {"Organisation": 3}
    assert {n.props["name"] for n in neo.iter_nodes()} == {"Spółdzielnia 0", "Spółdzielnia 1", "Spółdzielnia 2"}
    monkeypatch.undo()
    assert neo.upsert(orgs(4), source="third").counts == {"node_created": 1, "node_unchanged": 3}  # the store goes on


@pytest.mark.neo4j
def test_records_keep_their_version_and_take_origin_and_time_from_the_change_log(neo: Neo4jStore) -> None:
    """Only ``_version`` is stored on a record; every read names the write's source and time, as the embedded store does."""
    neo.upsert(orgs(3), ties(3, 1), source="import łąki.csv")
    neo.upsert(orgs(2, " bis"), source="poprawka")
    stored, _, _ = neo.driver.execute_query(
        "MATCH (n:PGNode) RETURN n {.*} AS p UNION ALL MATCH ()-[t]->() RETURN t {.*} AS p", database_=neo.database
    )
    assert stored and not {"_origin", "_updated"} & {k for r in stored for k in r["p"]}
    [first, second] = sorted({(c.version, c.source, c.at) for c in neo.changes(limit=None)})
    expected = {"org:o00": second, "org:o01": second, "org:o02": first}
    tie = next(iter(neo.iter_ties()))
    read = {
        "iter_nodes": {n.key: (n.version, n.origin, n.updated) for n in neo.iter_nodes()},
        "get_node": {k: (n.version, n.origin, n.updated) for k in expected if (n := neo.get_node(k))},
        "find_nodes": {n.key: (n.version, n.origin, n.updated) for n in neo.find_nodes(text="spółdzielnia")},
        "neighbours": {n.key: (n.version, n.origin, n.updated) for _, n in neo.neighbours("org:o01")}
        | {"org:o01": second},
    }
    assert read == dict.fromkeys(
        read, expected
    )  # o01 is no neighbour of itself: its stamp is added to compare whole dicts
    assert (
        (tie.version, tie.origin, tie.updated)
        == first
        == next((t.version, t.origin, t.updated) for t, _ in neo.neighbours(tie.start))
    )
    assert neo.get_tie(tie.id) == tie


@pytest.mark.neo4j
def test_records_of_the_first_layout_keep_their_own_origin_and_time(neo: Neo4jStore) -> None:
    neo.upsert(orgs(2), ties(2, 1), source="nowy")
    neo.driver.execute_query(
        "MATCH (n:PGNode {key: 'org:o00'}) SET n._origin = 'stary', n._updated = '2025-01-02T03:04:05+00:00'",
        database_=neo.database,
    )
    old, new = neo.get_node("org:o00"), neo.get_node("org:o01")
    assert old is not None and (old.origin, old.updated, old.version) == ("stary", "2025-01-02T03:04:05+00:00", 1)
    assert new is not None and (new.origin, new.updated, new.version) == ("nowy", neo.changes(limit=1)[0].at, 1)


@pytest.mark.neo4j
def test_ties_of_every_type_go_in_one_query_whose_types_come_from_models_ttl_only(neo: Neo4jStore) -> None:
    """The Writer refuses unknown tie types first; the query that takes its types from the rows refuses them again."""
    neo.upsert(orgs(3), [*ties(3, 1), Tie("FUNDS", "org:o00", "org:o02", {"amount": 5})], source="test")
    assert neo.count_ties() == {"COOPERATES_WITH": 2, "FUNDS": 1}
    with (
        pytest.raises(SchemaError, match=r"pojęcie DETACH_DELETE: not a tie type of models\.ttl"),
        neo.write(source="test") as writer,
    ):
        writer.tx.put_ties([Tie("DETACH_DELETE", "org:o00", "org:o01", {}, "x")], [])
    assert neo.count_ties() == {"COOPERATES_WITH": 2, "FUNDS": 1} and neo.version() == 1
