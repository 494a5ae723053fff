"""Reverting a write: in batches like the write path, deletions counted, conflicts exact."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.errors import ConflictError
from partnergraph.graph import base
from partnergraph.graph.base import GraphStore, Transaction
from partnergraph.records import Node, Tie


def org(key: str, kind: str = "ngo", name: str = "") -> Node:
    return Node(key, "Organisation", {"name": name or key.split(":")[1].title(), "kind": kind})


KWILCZ = Node("teryt:3014022", "Municipality", {"name": "Kwilcz", "teryt": "3014022"})


def test_revert_of_an_import_counts_what_it_deleted(store: GraphStore) -> None:
    store.upsert([KWILCZ], source="seed")
    store.upsert(
        [org("org:a"), org("org:b"), org("org:c")],
        [Tie("LOCATED_IN", "org:a", "teryt:3014022"), Tie("COOPERATES_WITH", "org:a", "org:b")],
        source="import",
    )
    summary = store.revert(2)
    # 3 nodes and 2 ties created by version 2 → deleted 3 + 2, nothing created or updated
    assert summary.counts == {"node_deleted": 3, "tie_deleted": 2}
    assert store.count_nodes() == {"Municipality": 1} and store.count_ties() == {}
    assert store.check() == []


def _counting(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts the storage primitives each write calls (reads and writes of the backend)."""
    calls: Counter[str] = Counter()
    original = store._transaction

    @contextmanager
    def counted() -> Iterator[Any]:
        with original() as tx:
            for name in ("get_nodes", "get_ties", "ties_touching", "remove", "put_nodes", "put_ties", "log"):
                method = getattr(tx, name)
                setattr(tx, name, lambda *a, _m=method, _n=name, **k: (calls.update([_n]), _m(*a, **k))[1])
            yield tx

    monkeypatch.setattr(store, "_transaction", counted)
    return calls


def test_revert_works_in_batches_like_the_write_path(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "BATCH_SIZE", 10)
    store.upsert([KWILCZ], source="seed")
    orgs = [org(f"org:o{i:02d}") for i in range(25)]
    store.upsert(orgs, [Tie("LOCATED_IN", n.key, KWILCZ.key) for n in orgs], source="import")
    calls = _counting(store, monkeypatch)
    summary = store.revert(2)
    assert summary.get("node", "deleted") == 25 and summary.get("tie", "deleted") == 25
    # 25 ties and 25 nodes in batches of 10: 3 batches each, so a few calls per primitive, not 25 or 50
    assert max(calls.values()) <= 9, calls
    assert store.count_nodes() == {"Municipality": 1} and store.count_ties() == {}


def test_revert_of_a_key_written_twice_in_one_write(store: GraphStore) -> None:
    store.upsert([org("org:a", name="Stara")], source="seed")
    with store.write(source="import") as writer:
        writer.upsert_nodes([org("org:b", name="Pierwsza"), org("org:a", name="Nowa")])
        writer.upsert_nodes(
            [org("org:b", name="Druga"), org("org:a", name="Najnowsza")]
        )  # same keys again, same version
    summary = store.revert(2)
    assert store.get_node("org:b") is None
    a = store.get_node("org:a")
    assert a is not None and a.props["name"] == "Stara"
    assert summary.counts == {"node_deleted": 1, "node_updated": 1}


def test_revert_refuses_when_a_later_write_tied_to_a_created_node(store: GraphStore) -> None:
    store.upsert([KWILCZ], source="seed")
    store.upsert([org("org:a")], source="import")  # version 2
    store.upsert([], [Tie("LOCATED_IN", "org:a", "teryt:3014022")], source="later")  # version 3
    with pytest.raises(ConflictError, match="wersja 3"):
        store.revert(2)
    assert store.get_node("org:a") is not None and store.count_ties() == {"LOCATED_IN": 1}


def test_revert_of_a_delete_refuses_when_the_node_came_back_later(store: GraphStore) -> None:
    store.upsert([org("org:a", name="Stara")], source="seed")
    with store.write(source="delete") as writer:  # version 2
        writer.delete_node("org:a")
    store.upsert([org("org:a", name="Nowa")], source="again")  # version 3
    with pytest.raises(ConflictError) as caught:
        store.revert(2)
    assert (
        str(caught.value)
        == "nie można cofnąć zmiany node org:a: zmieniono ją później (wersja 3) (najpierw cofnij wersję 3)"
    )
    a = store.get_node("org:a")
    assert a is not None and a.props["name"] == "Nowa" and store.version() == 3  # the later write is kept


def test_revert_of_a_delete_refuses_when_the_tie_came_back_later(store: GraphStore) -> None:
    tie = Tie("COOPERATES_WITH", "org:a", "org:b", {"strength": 2})
    store.upsert([org("org:a"), org("org:b")], [tie], source="seed")
    with store.write(source="delete") as writer:  # version 2
        writer.delete_tie("org:a-[COOPERATES_WITH]->org:b")
    store.upsert([], [Tie("COOPERATES_WITH", "org:a", "org:b", {"strength": 5})], source="again")  # version 3
    with pytest.raises(ConflictError) as caught:
        store.revert(2)
    assert str(caught.value) == (
        "nie można cofnąć zmiany tie org:a-[COOPERATES_WITH]->org:b: zmieniono ją później (wersja 3) (najpierw cofnij wersję 3)"
    )
    again = store.get_tie("org:a-[COOPERATES_WITH]->org:b")
    assert again is not None and again.props == {"strength": 5} and store.version() == 3


def test_revert_of_a_cascaded_delete_restores_node_then_ties(store: GraphStore) -> None:
    store.upsert(
        [KWILCZ, org("org:a", "social_cooperative"), org("org:b")],
        [Tie("LOCATED_IN", "org:a", "teryt:3014022"), Tie("FOUNDED", "org:b", "org:a")],
        source="seed",
    )
    with store.write(source="delete") as writer:
        writer.delete_node("org:a", cascade=True)
    summary = store.revert(2)
    assert summary.counts == {"node_created": 1, "tie_created": 2}
    assert store.count_ties() == {"FOUNDED": 1, "LOCATED_IN": 1} and store.check() == []


def test_cli_revert_says_how_many_records_it_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    assert runner.invoke(main, ["add", "node", "Municipality", "name=Kwilcz", "teryt=3014022"]).exit_code == 0
    assert runner.invoke(main, ["add", "node", "Organisation", "org:a", "name=A", "kind=ngo"]).exit_code == 0
    result = runner.invoke(main, ["db", "revert", "2"])
    assert result.exit_code == 0
    assert "usunięte 1" in result.output, result.output
    missing = runner.invoke(main, ["db", "revert", "9"])
    assert (missing.exit_code, missing.output) == (1, "Błąd: brak zapisu w wersji 9\n")


def test_transaction_contract_is_unchanged() -> None:
    assert {"get_nodes", "get_ties", "ties_touching", "remove", "put_nodes", "put_ties", "log"} <= set(dir(Transaction))
