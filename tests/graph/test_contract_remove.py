"""Removing stored values: part of the GraphStore contract, on every backend (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest

from partnergraph.errors import NotFoundError, ValidationError
from partnergraph.graph import base
from partnergraph.graph.base import GraphStore, WriteSummary
from partnergraph.records import Node, Tie
from partnergraph.values import Value

KEY = "org:ces-kwilcz"
TRADE = "org:laka-[TRADES_WITH]->org:ces-kwilcz"


def org(key: str, name: str, kind: str = "ngo", **props: Value) -> Node:
    return Node(key, "Organisation", {"name": name, "kind": kind, **props})


CES = org(KEY, "CES Kwilcz", "ces", phone="61 000 00 00", city="Kwilcz", founded="2020-02-01")
COOP = org("org:laka", "Łąka", "social_cooperative")


def seed(store: GraphStore) -> None:
    store.upsert(
        [CES, COOP],
        [Tie("TRADES_WITH", "org:laka", KEY, {"amount": "1200", "note": "catering", "social_clause": "tak"})],
        source="seed",
    )


def removing(store: GraphStore, nodes: dict[str, list[str]] | None = None, **kwargs: object) -> WriteSummary:
    """Write the stored CES again (name and kind only) removing ``nodes``' properties."""
    with store.write(source="edit", user="anna", **kwargs) as writer:  # type: ignore[arg-type]
        writer.upsert_nodes([org(KEY, "CES Kwilcz", "ces")], remove=nodes or {})
    return writer.summary


def test_a_removed_value_is_gone_and_counted(store: GraphStore) -> None:
    seed(store)
    summary = removing(store, {KEY: ["phone", "founded"]})
    node = store.get_node(KEY)
    assert node is not None and "phone" not in node.props and "founded" not in node.props
    assert node.props["city"] == "Kwilcz" and node.version == summary.version == 2
    assert summary.get("node", "updated") == 1 and summary.get("node_value", "removed") == 2
    assert summary.removed == 2 and summary.changed
    assert store.find_nodes(where={"phone": "61 000 00 00"}) == []
    change = store.changes(version=2)[0]
    assert change.op == "update" and change.user == "anna"
    assert change.before is not None and change.before["props"]["phone"] == "61 000 00 00"
    assert change.after is not None and "phone" not in change.after["props"]


def test_new_values_and_removals_go_in_one_update(store: GraphStore) -> None:
    seed(store)
    with store.write(source="edit") as writer:
        writer.upsert_nodes([org(KEY, "CES w Kwilczu", "ces", email="ces@example.org")], remove={KEY: ["city"]})
    node = store.get_node(KEY)
    assert node is not None and node.props["name"] == "CES w Kwilczu" and node.props["email"] == "ces@example.org"
    assert "city" not in node.props and node.props["phone"] == "61 000 00 00"
    assert [c.op for c in store.changes(version=2)] == ["update"]


def test_a_tie_value_is_removed(store: GraphStore) -> None:
    seed(store)
    with store.write(source="edit") as writer:
        writer.upsert_ties([Tie("TRADES_WITH", "org:laka", KEY)], remove={TRADE: ["note", "amount"]})
    tie = store.get_tie(TRADE)
    assert tie is not None and tie.props == {"social_clause": True}
    assert writer.summary.get("tie", "updated") == 1 and writer.summary.get("tie_value", "removed") == 2


def test_removing_a_required_value_is_refused_naming_it(store: GraphStore) -> None:
    seed(store)
    with pytest.raises(ValidationError) as caught, store.write(source="edit") as writer:
        writer.upsert_nodes([Node(KEY, "Organisation", {"kind": "ces"})], remove={KEY: ["name"]})
    [problem] = caught.value.problems
    assert problem.where == f"{KEY}: name" and "wymagana" in str(problem.message) and "'name'" in str(problem.message)
    assert store.version() == 1
    node = store.get_node(KEY)
    assert node is not None and node.props["name"] == "CES Kwilcz"


def test_removing_an_unknown_or_given_property_is_refused(store: GraphStore) -> None:
    seed(store)
    with pytest.raises(ValidationError) as caught:
        removing(store, {KEY: ["colour"]})
    assert caught.value.problems[0].where == f"{KEY}: colour"
    with pytest.raises(ValidationError) as caught, store.write(source="edit") as writer:
        writer.upsert_nodes([org(KEY, "CES Kwilcz", "ces", phone="61 111 11 11")], remove={KEY: ["phone"]})
    assert caught.value.problems[0].where == f"{KEY}: phone"
    with pytest.raises(NotFoundError):
        removing(store, {"org:nowhere": ["phone"]})
    assert store.version() == 1
    node = store.get_node(KEY)
    assert node is not None and node.props["phone"] == "61 000 00 00"


def test_removing_what_is_not_stored_changes_nothing(store: GraphStore) -> None:
    seed(store)
    summary = removing(store, {KEY: ["email"]})
    assert not summary.changed and summary.removed == 0 and summary.get("node", "unchanged") == 1
    assert store.version() == 1


def test_a_dry_run_counts_removals_and_keeps_the_values(store: GraphStore) -> None:
    seed(store)
    summary = removing(store, {KEY: ["phone"]}, dry_run=True)
    assert summary.removed == 1 and summary.get("node", "updated") == 1
    node = store.get_node(KEY)
    assert node is not None and node.props["phone"] == "61 000 00 00" and store.version() == 1


def test_removals_work_across_batches(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "BATCH_SIZE", 3)
    nodes = [org(f"org:n{i:02}", f"N {i}", phone=f"61 000 00 {i:02}") for i in range(8)]
    store.upsert(nodes, source="seed")
    with store.write(source="edit") as writer:
        writer.upsert_nodes(
            [org(n.key, str(n.props["name"])) for n in nodes], remove={n.key: ["phone"] for n in nodes[::2]}
        )
    assert writer.summary.removed == 4 and writer.summary.get("node", "updated") == 4
    assert sorted(n.key for n in store.iter_nodes() if "phone" in n.props) == [n.key for n in nodes[1::2]]


def test_revert_puts_removed_values_back(store: GraphStore) -> None:
    seed(store)
    removing(store, {KEY: ["phone", "founded"]})
    with store.write(source="edit") as writer:
        writer.upsert_ties([Tie("TRADES_WITH", "org:laka", KEY)], remove={TRADE: ["note"]})
    store.revert(3)
    tie = store.get_tie(TRADE)
    assert tie is not None and tie.props["note"] == "catering"
    summary = store.revert(2)
    assert summary.get("node", "updated") == 1
    node = store.get_node(KEY)
    assert node is not None and node.props["phone"] == "61 000 00 00"
    assert node.props["founded"] == dt.date(2020, 2, 1)
    assert store.check() == []
