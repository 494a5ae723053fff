"""Every successful write keeps what ``db check`` checks: endpoint kinds of existing ties, PART_OF one way."""

from __future__ import annotations

import json

import pytest

from partnergraph.errors import PartnergraphError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.records import Node, Tie


def org(key: str, kind: str) -> Node:
    return Node(key, "Organisation", {"name": key.split(":")[1].title(), "kind": kind})


def unit(kind: str, code: str) -> Node:
    return Node(f"teryt:{code}", kind, {"name": f"{kind} {code}", "teryt": code})


def activity(code: str) -> Node:
    return Node(f"pkd:{code}", "Activity", {"code": code, "name": f"PKD {code}"})


def founded(store: GraphStore) -> None:
    """A cooperative with two founders (FOUNDED must end at a social cooperative)."""
    store.upsert(
        [org("org:laka", "social_cooperative"), org("org:gmina", "municipality_office"), org("org:fundacja", "ngo")],
        [Tie("FOUNDED", "org:gmina", "org:laka"), Tie("FOUNDED", "org:fundacja", "org:laka")],
        source="seed",
    )


def raw_part_of(store: GraphStore, start: str, end: str) -> None:
    """A PART_OF tie written behind the Writer's back, as a store written by an older version could hold."""
    tie_id = f"{start}-[PART_OF]->{end}"
    if isinstance(store, SqliteStore):
        store.db.execute(
            'INSERT INTO ties (id, type, start, "end", props, version) VALUES (?, ?, ?, ?, ?, ?)',
            (tie_id, "PART_OF", start, end, json.dumps({}), 1),
        )
        return
    cypher = "MATCH (a:PGNode {key: $a}), (b:PGNode {key: $b}) CREATE (a)-[:PART_OF {id: $id, _version: 1}]->(b)"
    store.driver.execute_query(cypher, {"a": start, "b": end, "id": tie_id}, database_=store.database)  # type: ignore[attr-defined]


# -- item 1: a changed kind is checked against the node's ties --------------------------------------------------------------------
def test_rekinding_a_cooperative_with_founders_is_refused_naming_the_ties(store: GraphStore) -> None:
    founded(store)
    with pytest.raises(PartnergraphError) as caught:
        store.upsert([org("org:laka", "business")], source="import")
    message = str(caught.value)
    assert "org:laka" in message and "FOUNDED" in message and "org:fundacja" in message and "org:gmina" in message
    assert "usuń" in message  # the fix: delete or change these ties first, or keep the kind
    laka = store.get_node("org:laka")
    assert laka is not None and laka.props["kind"] == "social_cooperative"  # nothing written
    assert store.check() == []


def test_rekinding_without_blocking_ties_passes(store: GraphStore) -> None:
    founded(store)
    store.upsert([org("org:fundacja", "business")], source="import")  # a founder may be of any kind
    fundacja = store.get_node("org:fundacja")
    assert fundacja is not None and fundacja.props["kind"] == "business"
    assert store.check() == []


def test_rekinding_inside_one_write_that_also_moves_the_tie_passes(store: GraphStore) -> None:
    founded(store)
    with store.write(source="fix") as writer:
        writer.delete_tie("org:gmina-[FOUNDED]->org:laka")
        writer.delete_tie("org:fundacja-[FOUNDED]->org:laka")
        writer.upsert_nodes([org("org:laka", "business")])
    assert store.check() == []


def test_revert_that_would_restore_a_kind_against_later_ties_is_refused(store: GraphStore) -> None:
    store.upsert([org("org:laka", "business"), org("org:gmina", "municipality_office")], source="one")  # version 1
    store.upsert([org("org:laka", "social_cooperative")], source="two")  # version 2: now a cooperative
    store.upsert([], [Tie("FOUNDED", "org:gmina", "org:laka")], source="three")  # version 3 relies on it
    with pytest.raises(PartnergraphError, match="FOUNDED"):
        store.revert(2)  # would make org:laka a business again, under its FOUNDED tie
    assert store.check() == []


# -- item 5: PART_OF goes one way ---------------------------------------------------------------------------------------------------
def test_county_part_of_its_own_gmina_is_refused(store: GraphStore) -> None:
    store.upsert([unit("Voivodeship", "30"), unit("County", "3014"), unit("Municipality", "3014022")], source="seed")
    with pytest.raises(PartnergraphError, match="PART_OF"):
        store.upsert([], [Tie("PART_OF", "teryt:3014", "teryt:3014022")], source="bad")
    with pytest.raises(PartnergraphError, match="PART_OF"):
        store.upsert([], [Tie("PART_OF", "teryt:30", "teryt:3014")], source="bad")
    store.upsert(
        [], [Tie("PART_OF", "teryt:3014022", "teryt:3014"), Tie("PART_OF", "teryt:3014", "teryt:30")], source="good"
    )
    assert store.count_ties() == {"PART_OF": 2} and store.check() == []


def test_pkd_child_points_at_its_prefix(store: GraphStore) -> None:
    store.upsert([activity(c) for c in ("56", "56.2", "56.29", "56.29.Z", "57")], source="seed")
    for start, end in (
        ("56.29", "56.29.Z"),
        ("56.29", "57"),
        ("56.2", "56.29"),
    ):  # parent → child, not a prefix, longer parent
        with pytest.raises(PartnergraphError, match="PART_OF"):
            store.upsert([], [Tie("PART_OF", f"pkd:{start}", f"pkd:{end}")], source="bad")
    chain = [("56.29.Z", "56.29"), ("56.29", "56.2"), ("56.2", "56")]  # 56.29.Z → 56.29 → 56.2 → 56
    store.upsert([], [Tie("PART_OF", f"pkd:{a}", f"pkd:{b}") for a, b in chain], source="good")
    assert store.count_ties() == {"PART_OF": 3} and store.check() == []


def test_part_of_across_hierarchies_is_refused(store: GraphStore) -> None:
    store.upsert([activity("56"), unit("County", "3014")], source="seed")
    with pytest.raises(PartnergraphError, match="PART_OF"):
        store.upsert([], [Tie("PART_OF", "pkd:56", "teryt:3014")], source="bad")


def test_part_of_cycle_between_municipalities_is_refused(store: GraphStore) -> None:
    # gmina parts are PART_OF their gmina (same level): A → B → C is fine, C → A closes a cycle
    store.upsert(
        [unit("Municipality", c) for c in ("0806023", "0806024", "0806025")],
        [Tie("PART_OF", "teryt:0806024", "teryt:0806023"), Tie("PART_OF", "teryt:0806025", "teryt:0806024")],
        source="seed",
    )
    with pytest.raises(PartnergraphError, match="0806025"):
        store.upsert([], [Tie("PART_OF", "teryt:0806023", "teryt:0806025")], source="bad")
    with pytest.raises(PartnergraphError, match="cykl"):  # both halves of a cycle inside one write
        store.upsert(
            [unit("Municipality", "0806034"), unit("Municipality", "0806035")],
            [Tie("PART_OF", "teryt:0806034", "teryt:0806035"), Tie("PART_OF", "teryt:0806035", "teryt:0806034")],
            source="bad",
        )
    assert store.count_ties() == {"PART_OF": 2} and store.check() == []


def test_db_check_finds_inversions_and_cycles_written_before(store: GraphStore) -> None:
    store.upsert(
        [
            unit("County", "3014"),
            unit("Municipality", "3014022"),
            unit("Municipality", "3014023"),
            activity("56"),
            activity("56.2"),
        ],
        source="seed",
    )
    raw_part_of(store, "teryt:3014", "teryt:3014022")  # a county in its gmina
    raw_part_of(store, "pkd:56", "pkd:56.2")  # a division in its group
    raw_part_of(store, "pkd:56.2", "pkd:56")  # ... and back: a cycle
    raw_part_of(store, "teryt:3014022", "teryt:3014023")
    raw_part_of(store, "teryt:3014023", "teryt:3014022")  # a cycle on one level
    problems = [str(p) for p in store.check()]
    assert any("teryt:3014-[PART_OF]->teryt:3014022" in p for p in problems)
    assert any("pkd:56-[PART_OF]->pkd:56.2" in p for p in problems)
    assert any("cykl" in p and "teryt:3014022" in p and "teryt:3014023" in p for p in problems)
    assert any("cykl" in p and "pkd:56" in p for p in problems)
    assert not any(
        p.startswith("pkd:56.2-[PART_OF]->pkd:56:") and "złą stronę" in p for p in problems
    )  # the right way round
