"""The same records in the embedded store and in Neo4j give the same answer to every question.

The example network plus generated organisations with awkward names (diacritics, stop words,
punctuation, underscores, digits, emoji), then updates, a type-changing re-import, a cascading
delete and a revert; after each step every read of the contract is compared.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.base import Located
from partnergraph.importers.jsonl import read_jsonl
from partnergraph.records import Node, Tie
from tests.neo4j_support import neo4j_store

WORDS = [
    "Spółdzielnia",
    "Socjalna",
    "Fundacja",
    "Stowarzyszenie",
    "Łąka",
    "Żółta",
    "Łódź",
    "the",
    "a",
    "of",
    "w",
    "Sp.",
    "z",
    "o.o.",
    "Dom_Pomocy",
    "nr 2",
    "2024",
    "A-Team",
    "„Razem”",
    "ŁÓDZKA",
    "Müller",
    "Straße",
    "🍞",
    "Ośrodek",
    "Kwilcz",
    "Kwilczu",
    "ekonomii",
    "społecznej",
    "l'Arche",
    "ąę",
    "Zakład",
    "Aktywności",
]
KINDS = ["ngo", "business", "social_cooperative", "welfare_centre", "ces", "integration_centre"]
QUERIES: list[dict[str, Any]] = [
    *(
        {"text": t}
        for t in [
            "a",
            "s",
            "z",
            "ł",
            "Ł",
            "o",
            "2",
            "20",
            "the",
            "of",
            "w",
            "sp",
            "sp z o o",
            "o.o.",
            "dom",
            "dom_pomocy",
            "pomocy",
            "razem",
            "„razem",
            "lodz",
            "łódź",
            "LODZKA",
            "muller",
            "strasse",
            "🍞",
            "l",
            "arche",
            "ae",
            "kwil",
            "kwilczu",
            "spoldzielnia socjalna",
            "zolta lodz",
            "nic",
            "  ",
            "ekonomii spolecznej kwil",
            "a-team",
            "team",
        ]
    ),
    {"text": "a", "type": "Organisation", "limit": 7, "offset": 3},
    {"text": "kwil", "type": "Municipality"},
    {"type": "Organisation", "limit": None},
    {"limit": 10, "offset": 5},
    {"type": "Nope"},
    {"text": "a", "type": "Nope"},
    {"where": {"kind": "ngo"}, "limit": None},
    {"where": {"kind": "ngo", "sector": "social"}},
    {"where": {"example": True}},
    {"where": {"example": 1}},
    {"where": {"founded": "2020-02-02"}},
    {"where": {"founded": "02.02.2020"}},
    {"where": {"name": "Nieistniejąca"}},
    {"where": {"key": "org:g001"}},
    {"text": "s", "where": {"kind": "business"}, "limit": 3},
]


def example() -> tuple[list[Node], list[Tie]]:
    with resources.as_file(resources.files("partnergraph").joinpath("data/example.jsonl")) as path:
        records = [item.record for item in read_jsonl(Path(path)) if isinstance(item, Located)]
    return [r for r in records if isinstance(r, Node)], [r for r in records if isinstance(r, Tie)]


def generated(n: int = 120, seed: int = 7) -> tuple[list[Node], list[Tie]]:
    rnd = random.Random(seed)
    nodes = [
        Node(
            f"org:g{i:03d}",
            "Organisation",
            {
                "name": " ".join(rnd.sample(WORDS, rnd.randint(1, 4))),
                "kind": rnd.choice(KINDS),
                "example": rnd.random() < 0.2,
                **({"short_name": rnd.choice(WORDS)} if rnd.random() < 0.3 else {}),
                **({"founded": f"2020-02-0{rnd.randint(1, 3)}"} if rnd.random() < 0.3 else {}),
            },
        )
        for i in range(n)
    ]
    ties = [
        Tie(
            rnd.choice(["COOPERATES_WITH", "SUPPORTS", "TRADES_WITH"]),
            f"org:g{j:03d}",
            f"org:g{i:03d}",
            {"since": f"202{rnd.randint(0, 4)}-01-01"} if rnd.random() < 0.4 else {},
        )
        for i in range(1, n)
        for j in rnd.sample(range(i), min(i, 3))
    ]
    return nodes, ties


def answers(store: GraphStore) -> dict[str, Any]:
    """Every read of the contract, with the write times left out (they differ between the loads)."""
    nodes = [replace(n, updated=None) for n in store.iter_nodes()]
    ties = [replace(t, updated=None) for t in store.iter_ties()]
    keys, ids = [n.key for n in nodes], [t.id for t in ties]
    return {
        "iter_nodes": nodes,
        "iter_ties": ties,
        "iter_nodes by type": {t: [n.key for n in store.iter_nodes(t)] for t in [*store.schema.node_types, "Nope"]},
        "iter_ties by type": {t: [x.id for x in store.iter_ties(t)] for t in [*store.schema.tie_types, "NOPE"]},
        "get_node": [store.get_node(k) and replace(store.get_node(k), updated=None) for k in [*keys, "org:missing"]],  # type: ignore[type-var]
        "get_tie": [store.get_tie(i) and replace(store.get_tie(i), updated=None) for i in [*ids, "missing"]],  # type: ignore[type-var]
        "find_nodes": [[n.key for n in store.find_nodes(**q)] for q in QUERIES],
        "neighbours": [
            [(t.id, n.key, n.props) for t, n in store.neighbours(k, tie_types=types, direction=d)]
            for k in keys
            for d in ("out", "in", "both")
            for types in (None, ["SUPPORTS", "COOPERATES_WITH"], [])
        ],
        "counts": (store.count_nodes(), store.count_ties()),
        "version": store.version(),
        "changes": [replace(c, at="") for c in store.changes(limit=None)],
        "changes by version": [
            [replace(c, at="") for c in store.changes(version=v, limit=3)] for v in range(store.version() + 2)
        ],
        "changes by key": [[replace(c, at="") for c in store.changes(key=k)] for k in keys[::7] + ids[::11]],
        "check": store.check(),
    }


@pytest.fixture
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[GraphStore, GraphStore]]:
    with SqliteStore(tmp_path / "store.db") as sqlite, neo4j_store(request) as neo:
        yield sqlite, neo


def assert_same(both: tuple[GraphStore, GraphStore]) -> None:
    expected, found = answers(both[0]), answers(both[1])
    for question, answer in expected.items():
        assert found[question] == answer, question


@pytest.mark.neo4j
def test_the_same_records_give_the_same_answers(both: tuple[GraphStore, GraphStore]) -> None:
    (ex_nodes, ex_ties), (gen_nodes, gen_ties) = example(), generated()
    edits = [replace(n, props={**n.props, "name": f"{n.props['name']} Łąka"}) for n in gen_nodes[::9]]
    moved = [
        Tie("SUPPORTS", "org:g001", "org:g002", {"service": "training"}, id="umowa-1/2024"),
        Tie("TRADES_WITH", "org:g003", "org:g004", {"amount": 10}, id="umowa-1/2024"),
    ]
    steps = [
        ((ex_nodes + gen_nodes, ex_ties + gen_ties), "load"),
        ((edits, []), "edit"),
        (([], moved[:1]), "own id"),
        (([], moved[1:]), "own id, other type and ends"),
    ]
    for store in both:
        for (nodes, ties), source in steps:
            store.upsert(nodes, ties, source=source, user="anna")
        with store.write(source="delete", user="anna") as writer:
            writer.delete_node("org:g005", cascade=True)
            writer.delete_tie(store.iter_ties("TRADES_WITH").__next__().id)
        store.revert(2, user="anna")
    assert_same(both)
