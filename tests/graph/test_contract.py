"""The GraphStore contract: every backend must pass every test here unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from partnergraph.errors import ConflictError, IntegrityError, NotFoundError, ValidationError
from partnergraph.graph.base import BATCH_SIZE, GraphStore
from partnergraph.records import Node, Tie
from partnergraph.values import Value


def org(key: str, name: str, kind: str = "ngo", **props: Value) -> Node:
    return Node(key, "Organisation", {"name": name, "kind": kind, **props})


KWILCZ = Node("", "Municipality", {"name": "Kwilcz", "teryt": "3014022", "municipality_type": "rural"})
CES = org("org:ces-kwilcz", "Centrum Ekonomii Społecznej w Kwilczu", "ces")
COOP = org("org:laka", "Spółdzielnia Socjalna „Łąka”", "social_cooperative", founded="12.05.2023")
GOPS = org("org:gops-kwilcz", "Gminny Ośrodek Pomocy Społecznej w Kwilczu", "welfare_centre")
FIRM = org("nip:8567346215", "Żółta Łódź Sp. z o.o.", "business", example=True)


def seed(store: GraphStore) -> None:
    store.upsert(
        [KWILCZ, CES, COOP, GOPS, FIRM],
        [
            Tie("LOCATED_IN", "org:ces-kwilcz", "teryt:3014022"),
            Tie("LOCATED_IN", "org:laka", "teryt:3014022"),
            Tie("SUPPORTS", "org:ces-kwilcz", "org:laka", {"service": "self_employment", "since": "2024-01-15"}),
            Tie(
                "REFERS",
                "org:gops-kwilcz",
                "org:ces-kwilcz",
                {"count": 12, "since": "2024-01-01", "until": "2024-06-30"},
            ),
            Tie("TRADES_WITH", "org:laka", "nip:8567346215", {"amount": "12 500,50", "social_clause": "tak"}),
            Tie("COOPERATES_WITH", "org:laka", "org:gops-kwilcz", {"form": "agreement"}),
        ],
        source="seed",
        user="tester",
    )


def test_upsert_creates_typed_records(store: GraphStore) -> None:
    seed(store)
    coop = store.get_node("org:laka")
    assert coop is not None
    assert coop.props["founded"] == dt.date(2023, 5, 12)
    assert coop.props["sector"] == "social"  # default sector of the kind
    assert coop.origin == "seed" and coop.version == 1
    trade = store.get_tie("org:laka-[TRADES_WITH]->nip:8567346215")
    assert trade is not None
    assert trade.props == {"amount": 12500.5, "social_clause": True}
    assert store.get_node("teryt:3014022") is not None
    assert store.count_nodes() == {"Municipality": 1, "Organisation": 4}
    assert store.count_ties() == {"COOPERATES_WITH": 1, "LOCATED_IN": 2, "REFERS": 1, "SUPPORTS": 1, "TRADES_WITH": 1}
    assert store.get_node("org:missing") is None and store.get_tie("nope") is None


def test_reimport_changes_nothing(store: GraphStore) -> None:
    seed(store)
    version = store.version()
    summary = store.upsert([KWILCZ, CES], [Tie("LOCATED_IN", "org:ces-kwilcz", "teryt:3014022")], source="again")
    assert summary.get("node", "unchanged") == 2 and summary.get("tie", "unchanged") == 1
    assert not summary.changed
    assert store.version() == version
    assert store.changes(limit=1)[0].source == "seed"


def test_update_merges_properties_and_logs_previous_values(store: GraphStore) -> None:
    seed(store)
    summary = store.upsert(
        [org("org:ces-kwilcz", "CES Kwilcz", "ces", phone="61 000 00 00")], source="edit", user="anna"
    )
    assert summary.get("node", "updated") == 1 and summary.version == 2
    node = store.get_node("org:ces-kwilcz")
    assert node is not None and node.props["name"] == "CES Kwilcz" and node.props["phone"] == "61 000 00 00"
    assert node.props["sector"] == "social"  # kept from before
    (change,) = store.changes(key="org:ces-kwilcz", limit=1)
    assert (change.op, change.user, change.source, change.version) == ("update", "anna", "edit", 2)
    assert change.before is not None and change.before["props"]["name"] == "Centrum Ekonomii Społecznej w Kwilczu"


def test_tie_identity_includes_since(store: GraphStore) -> None:
    seed(store)
    store.upsert(
        ties=[
            Tie("TRADES_WITH", "org:laka", "nip:8567346215", {"since": "2023-01-01", "amount": 100}),
            Tie("TRADES_WITH", "org:laka", "nip:8567346215", {"since": "01.01.2024", "amount": 200}),
        ],
        source="contracts",
    )
    assert store.count_ties()["TRADES_WITH"] == 3
    store.upsert(
        ties=[Tie("TRADES_WITH", "org:laka", "nip:8567346215", {"since": "2024-01-01", "amount": 250})], source="fix"
    )
    tie = store.get_tie("org:laka-[TRADES_WITH]->nip:8567346215@2024-01-01")
    assert tie is not None and tie.props["amount"] == 250.0
    assert store.count_ties()["TRADES_WITH"] == 3
    store.upsert(
        ties=[Tie("SUPPORTS", "org:ces-kwilcz", "org:laka", {"service": "training"}, id="umowa-7/2024")],
        source="own id",
    )
    assert store.get_tie("umowa-7/2024") is not None


def test_symmetric_tie_stored_once_and_read_both_ways(store: GraphStore) -> None:
    seed(store)
    store.upsert(ties=[Tie("COOPERATES_WITH", "org:gops-kwilcz", "org:laka", {"form": "agreement"})], source="again")
    assert store.count_ties()["COOPERATES_WITH"] == 1
    tie = store.get_tie("org:gops-kwilcz-[COOPERATES_WITH]->org:laka")
    assert tie is not None and (tie.start, tie.end) == ("org:gops-kwilcz", "org:laka")
    for key, other in (("org:laka", "org:gops-kwilcz"), ("org:gops-kwilcz", "org:laka")):
        for direction in ("out", "in", "both"):
            found = store.neighbours(key, tie_types=["COOPERATES_WITH"], direction=direction)
            assert [(t.id, n.key) for t, n in found] == [(tie.id, other)]


def test_neighbours_direction_and_order(store: GraphStore) -> None:
    seed(store)
    out = store.neighbours("org:ces-kwilcz", direction="out")
    assert [(t.type, n.key) for t, n in out] == [("LOCATED_IN", "teryt:3014022"), ("SUPPORTS", "org:laka")]
    incoming = store.neighbours("org:ces-kwilcz", direction="in")
    assert [(t.type, n.key) for t, n in incoming] == [("REFERS", "org:gops-kwilcz")]
    both = store.neighbours("org:laka")
    assert [t.type for t, _ in both] == ["COOPERATES_WITH", "LOCATED_IN", "SUPPORTS", "TRADES_WITH"]
    assert [n.key for _, n in store.neighbours("org:laka", tie_types=["SUPPORTS", "TRADES_WITH"])] == [
        "org:ces-kwilcz",
        "nip:8567346215",
    ]
    assert store.neighbours("org:missing") == []


def test_missing_endpoint_rejects_whole_write(store: GraphStore) -> None:
    seed(store)
    with pytest.raises(IntegrityError, match="org:nieznana"):
        store.upsert(
            [org("org:nowa", "Nowa Fundacja")], [Tie("SUPPORTS", "org:ces-kwilcz", "org:nieznana")], source="bad"
        )
    assert store.get_node("org:nowa") is None
    assert store.version() == 1


def test_invalid_record_rejects_whole_write_with_every_problem(store: GraphStore) -> None:
    seed(store)
    bad = [
        org("org:ok", "W porządku"),
        org("org:zla", "Zła", "unknown", nip="526-020-23-94"),
        Node("", "Municipality", {"name": "X"}),
    ]
    with pytest.raises(ValidationError) as caught:
        store.upsert(bad, source="bad")
    text = str(caught.value)
    assert "org:zla: kind: 'unknown' nie jest dozwoloną wartością 'kind'" in text
    assert "NIP '526-020-23-94' ma błędną sumę kontrolną" in text
    assert "#3: teryt: brak wymaganej właściwości 'teryt'" in text
    assert store.get_node("org:ok") is None


def test_typed_values_and_notations_are_taken_as_they_are_and_still_checked(store: GraphStore) -> None:
    """Records from JSON or code carry typed values and vocabulary notations: taken as they are, bounds still apply."""
    seed(store)
    typed = [
        Tie("COOPERATES_WITH", "org:laka", "org:ces-kwilcz", {"since": dt.date(2024, 2, 1), "strength": 7}),
        Tie("REFERS", "org:gops-kwilcz", "org:laka", {"count": -1}),
    ]
    with pytest.raises(ValidationError) as caught:
        store.upsert(ties=typed, source="bad")
    assert "strength = 7 jest poza zakresem 1…5" in str(caught.value) and "count = -1 jest poza zakresem 0…" in str(
        caught.value
    )
    assert store.version() == 1
    store.upsert(
        [org("org:nowa", " Nowa  ", "  ngo "), org("org:druga", "Druga", "fundacja", example=False)], source="typed"
    )
    nowa, druga = store.get_node("org:nowa"), store.get_node("org:druga")
    assert nowa is not None and (nowa.props["name"], nowa.props["kind"], nowa.props["sector"]) == (
        "Nowa",
        "ngo",
        "social",
    )
    assert druga is not None and (druga.props["kind"], druga.props["example"]) == ("ngo", False)


def test_endpoint_types_and_kinds_are_checked(store: GraphStore) -> None:
    seed(store)
    with pytest.raises(ValidationError, match="REFERS nie może zaczynać się w organizacji rodzaju 'business'"):
        store.upsert(ties=[Tie("REFERS", "nip:8567346215", "org:laka", {"count": 1})], source="bad")
    with pytest.raises(ValidationError, match="LOCATED_IN nie może kończyć się w węźle typu Organisation"):
        store.upsert(ties=[Tie("LOCATED_IN", "org:laka", "org:ces-kwilcz")], source="bad")
    store.upsert(ties=[Tie("COOPERATES_WITH", "teryt:3014022", "org:laka")], source="symmetric, any order")


def test_node_type_cannot_change(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(store)
    with pytest.raises(ValidationError, match="klucz 'org:laka' nie pasuje do typu Partnership"):
        store.upsert([Node("org:laka", "Partnership", {"name": "Łąka"})], source="bad")
    # the key's prefix stops it in validation; with validation out of the way the write itself refuses it
    monkeypatch.setattr(store.validator, "node", lambda record: record)
    with pytest.raises(IntegrityError) as stored:
        store.upsert([Node("org:laka", "Partnership", {"name": "Łąka"})], source="bad")
    assert str(stored.value) == "węzeł org:laka jest typu Organisation, nie Partnership"
    with pytest.raises(IntegrityError) as same_write:  # a key met twice in one write, with two types
        store.upsert(
            [Node("partnership:p", "Partnership", {"name": "P"}), Node("partnership:p", "Service", {"name": "P"})],
            source="bad",
        )
    assert str(same_write.value) == "węzeł partnership:p jest typu Partnership, nie Service"
    coop = store.get_node("org:laka")
    assert coop is not None and coop.type == "Organisation" and coop.props["name"] == COOP.props["name"]
    assert store.get_node("partnership:p") is None and store.version() == 1


def test_find_folds_case_and_polish_diacritics(store: GraphStore) -> None:
    seed(store)

    def keys(**kwargs: object) -> list[str]:
        return [n.key for n in store.find_nodes(**kwargs)]  # type: ignore[arg-type]

    assert keys(text="spoldzielnia") == ["org:laka"]
    assert keys(text="ŁĄKA") == ["org:laka"]
    assert keys(text="zolta lodz") == ["nip:8567346215"]
    assert keys(text="kwil") == ["org:ces-kwilcz", "org:gops-kwilcz", "teryt:3014022"]
    assert keys(text="kwilczu osrodek") == ["org:gops-kwilcz"]
    assert keys(text="kwilcz", type="Municipality") == ["teryt:3014022"]
    assert keys(text="nic takiego") == [] and keys(text="  ") == []
    assert keys(text='"; DROP TABLE nodes; --') == []
    assert keys(where={"kind": "welfare_centre"}) == ["org:gops-kwilcz"]
    assert keys(where={"example": True}) == ["nip:8567346215"]
    assert keys(where={"founded": dt.date(2023, 5, 12)}) == ["org:laka"]
    assert keys(type="Organisation", limit=2) == ["org:ces-kwilcz", "org:gops-kwilcz"]
    assert keys(type="Organisation", limit=2, offset=2) == ["org:laka", "nip:8567346215"]


def test_iteration_is_ordered_and_filtered(store: GraphStore) -> None:
    seed(store)
    assert [n.key for n in store.iter_nodes()] == sorted(n.key for n in store.iter_nodes())
    assert [n.key for n in store.iter_nodes("Municipality")] == ["teryt:3014022"]
    ids = [t.id for t in store.iter_ties()]
    assert ids == sorted(ids) and len(ids) == 6
    assert [t.start for t in store.iter_ties("LOCATED_IN")] == ["org:ces-kwilcz", "org:laka"]


def test_delete_node_needs_cascade_when_it_has_ties(store: GraphStore) -> None:
    seed(store)
    with pytest.raises(IntegrityError, match="ma 4 powiązania;"), store.write(source="delete") as writer:
        writer.delete_node("org:laka")
    assert store.get_node("org:laka") is not None
    with store.write(source="delete", user="anna") as writer:
        writer.delete_node("org:laka", cascade=True)
    assert writer.summary.get("node", "deleted") == 1 and writer.summary.get("tie", "deleted") == 4
    assert store.get_node("org:laka") is None
    assert store.neighbours("org:ces-kwilcz", tie_types=["SUPPORTS"]) == []
    assert {c.op for c in store.changes(version=2)} == {"delete"}
    with pytest.raises(NotFoundError), store.write(source="delete") as writer:
        writer.delete_node("org:laka")


def test_delete_tie(store: GraphStore) -> None:
    seed(store)
    tie_id = "org:laka-[TRADES_WITH]->nip:8567346215"
    with store.write(source="delete") as writer:
        writer.delete_tie(tie_id)
    assert store.get_tie(tie_id) is None and store.get_node("nip:8567346215") is not None


def test_revert_undoes_a_whole_write(store: GraphStore) -> None:
    seed(store)
    store.upsert(
        [org("org:laka", "Łąka po zmianie", "social_cooperative"), org("org:nowa", "Nowa")],
        [Tie("SUPPORTS", "org:ces-kwilcz", "org:nowa")],
        source="import",
        user="anna",
    )
    assert store.version() == 2
    summary = store.revert(2, user="anna")
    assert summary.version == 3
    assert store.get_node("org:nowa") is None
    laka = store.get_node("org:laka")
    assert laka is not None and laka.props["name"] == "Spółdzielnia Socjalna „Łąka”"
    assert laka.props["founded"] == dt.date(2023, 5, 12)
    assert store.count_ties()["SUPPORTS"] == 1


def test_revert_of_a_delete_restores_node_and_ties(store: GraphStore) -> None:
    seed(store)
    before = {t.id: t.props for t in store.iter_ties()}
    with store.write(source="delete") as writer:
        writer.delete_node("org:laka", cascade=True)
    store.revert(2)
    assert {t.id: t.props for t in store.iter_ties()} == before


def test_revert_refuses_when_changed_since(store: GraphStore) -> None:
    seed(store)
    store.upsert([org("org:laka", "Pierwsza zmiana", "social_cooperative")], source="one")
    store.upsert([org("org:laka", "Druga zmiana", "social_cooperative")], source="two")
    with pytest.raises(ConflictError, match="wersja 3"):
        store.revert(2)
    laka = store.get_node("org:laka")
    assert laka is not None and laka.props["name"] == "Druga zmiana"
    with pytest.raises(NotFoundError):
        store.revert(99)


def test_exception_inside_write_rolls_back(store: GraphStore) -> None:
    seed(store)
    with pytest.raises(RuntimeError), store.write(source="broken") as writer:
        writer.upsert_nodes([org("org:nowa", "Nowa")])
        raise RuntimeError("the importer failed half-way")
    assert store.get_node("org:nowa") is None and store.version() == 1


def test_batches_larger_than_one_chunk_are_streamed(store: GraphStore) -> None:
    n = BATCH_SIZE + 1234
    nodes = (org(f"org:o{i:05d}", f"Organizacja {i}") for i in range(n))
    ties = (Tie("COOPERATES_WITH", f"org:o{i:05d}", f"org:o{i + 1:05d}") for i in range(n - 1))
    summary = store.upsert(nodes, ties, source="bulk")
    assert summary.get("node", "created") == n and summary.get("tie", "created") == n - 1
    assert store.count_nodes() == {"Organisation": n}
    assert sum(1 for _ in store.iter_ties()) == n - 1
    assert store.version() == 1


def test_check_finds_nothing_wrong_in_a_healthy_store(store: GraphStore) -> None:
    seed(store)
    assert store.check() == []


def test_dry_run_counts_but_writes_nothing(store: GraphStore) -> None:
    seed(store)
    summary = store.upsert(
        [org("org:nowa", "Nowa"), CES, org("org:laka", "Łąka 2", "social_cooperative")], source="try", dry_run=True
    )
    assert (summary.get("node", "created"), summary.get("node", "updated"), summary.get("node", "unchanged")) == (
        1,
        1,
        1,
    )
    assert store.get_node("org:nowa") is None and store.version() == 1
    assert summary.version == 1


def test_a_record_given_twice_in_one_write_counts_once(store: GraphStore) -> None:
    """Within a chunk and across chunks (BATCH_SIZE records apart), created and updated count each key once."""
    from partnergraph.graph.base import BATCH_SIZE

    filler = [org(f"org:n{i}", f"N {i}") for i in range(BATCH_SIZE)]
    twice = [org("org:a", "A"), org("org:a", "A"), org("org:b", "B"), *filler, org("org:a", "A bis"), org("org:b", "B")]
    summary = store.upsert(twice, source="file")
    assert (summary.get("node", "created"), summary.get("node", "updated"), summary.get("node", "unchanged")) == (
        BATCH_SIZE + 2,
        0,
        0,
    )
    assert store.get_node("org:a").props["name"] == "A bis"  # type: ignore[union-attr]
    again = store.upsert(
        [org("org:a", "A bis"), org("org:a", "A bis"), org("org:b", "B"), org("org:b", "B 2")], source="again"
    )
    assert (again.get("node", "created"), again.get("node", "updated"), again.get("node", "unchanged")) == (0, 1, 1)
