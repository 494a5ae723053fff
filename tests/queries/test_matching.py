"""Partner matching: PKD levels, proximity, trust, exclusion of partners, reasons, the reverse, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnergraph.cli import main
from partnergraph.errors import NotFoundError, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import use_language
from partnergraph.queries.matching import matching, pkd_levels
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner

AREAS = [
    Node("teryt:30", "Voivodeship", {"name": "wielkopolskie", "teryt": "30"}),
    Node("teryt:08", "Voivodeship", {"name": "lubuskie", "teryt": "08"}),
    Node("teryt:3014", "County", {"name": "powiat międzychodzki", "teryt": "3014"}),
    Node("teryt:3064", "County", {"name": "Poznań", "teryt": "3064"}),
    Node("teryt:0806", "County", {"name": "powiat strzelecko-drezdenecki", "teryt": "0806"}),
    Node("teryt:3014022", "Municipality", {"name": "Kwilcz", "teryt": "3014022"}),
    Node("teryt:3014033", "Municipality", {"name": "Międzychód", "teryt": "3014033"}),
    Node(
        "teryt:3014012", "Municipality", {"name": "Chrzypsko Wielkie", "teryt": "3014012"}
    ),  # no PART_OF: TERYT prefix
    Node("teryt:3064011", "Municipality", {"name": "Poznań", "teryt": "3064011"}),
    Node("teryt:0806023", "Municipality", {"name": "Drezdenko", "teryt": "0806023"}),
]
PART_OF = [
    ("teryt:3014", "teryt:30"),
    ("teryt:3064", "teryt:30"),
    ("teryt:0806", "teryt:08"),
    ("teryt:3014022", "teryt:3014"),
    ("teryt:3014033", "teryt:3014"),
    ("teryt:3064011", "teryt:3064"),
    ("teryt:0806023", "teryt:0806"),
]
CODES = {
    "56.29.Z": "Pozostała usługowa działalność gastronomiczna",
    "56.29": "Pozostała gastronomia (klasa)",
    "56.21.Z": "Przygotowywanie i dostarczanie żywności (catering)",
    "56.10.A": "Restauracje",
    "18.12.Z": "Pozostałe drukowanie",
}


def _network(store: GraphStore, buyers: list[tuple[str, str, str]], ties: list[Tie] = ()) -> GraphStore:  # type: ignore[assignment]
    """The cooperative org:coop in Kwilcz offering 56.29.Z, and buyers (key, gmina, needed code)."""
    nodes = [*AREAS, *(Node(f"pkd:{c}", "Activity", {"code": c, "name": n}) for c, n in CODES.items())]
    nodes.append(
        Node("org:coop", "Organisation", {"name": "Spółdzielnia Socjalna „Kuchnia”", "kind": "social_cooperative"})
    )
    nodes += [Node(key, "Organisation", {"name": f"Firma {key[4:]}", "kind": "business"}) for key, _, _ in buyers]
    all_ties = [Tie("PART_OF", a, b) for a, b in PART_OF]
    all_ties += [Tie("LOCATED_IN", "org:coop", "teryt:3014022"), Tie("OFFERS", "org:coop", "pkd:56.29.Z")]
    for key, gmina, code in buyers:
        all_ties += [Tie("LOCATED_IN", key, gmina), Tie("NEEDS", key, f"pkd:{code}")]
    store.upsert(nodes, [*all_ties, *ties], source="test")
    return store


def _scores(store: GraphStore) -> list[tuple[str, float, str]]:
    return [(r.key, r.score, r.level) for r in matching(store, "org:coop").rows]


def test_pkd_levels_come_from_the_code() -> None:
    assert pkd_levels("56.29.Z") == [
        (4, "PKD2007:56.29.Z"),
        (3, "PKD2007:56.29"),
        (2, "PKD2007:56.2"),
        (1, "PKD2007:56"),
    ]
    assert pkd_levels("56.2") == [(2, "PKD2007:56.2"), (1, "PKD2007:56")]
    assert pkd_levels("I") == []


def test_same_subclass_ranks_above_class_group_and_division(store: GraphStore) -> None:
    # All in Drezdenko (nothing shared with Kwilcz), no trust: score = 0.5 · need weight.
    # 56.29.Z subclass 1.0 → 0.5; 56.29 class 0.75 → 0.375; 56.21.Z group 56.2 → 0.25; 56.10.A division 56 → 0.125.
    _network(
        store,
        [
            ("org:d", "teryt:0806023", "56.10.A"),
            ("org:c", "teryt:0806023", "56.21.Z"),
            ("org:b", "teryt:0806023", "56.29"),
            ("org:a", "teryt:0806023", "56.29.Z"),
            ("org:x", "teryt:0806023", "18.12.Z"),
        ],
    )
    assert _scores(store) == [
        ("org:a", 0.5, "subclass"),
        ("org:b", 0.375, "class"),
        ("org:c", 0.25, "group"),
        ("org:d", 0.125, "division"),
    ]


def test_nearer_ranks_higher_with_the_teryt_prefix_as_fallback(store: GraphStore) -> None:
    # Same need (0.5); place weight 0.3 × municipality 1 / county 0.6 / voivodeship 0.3:
    # Kwilcz 0.8; Międzychód 0.68; Chrzypsko (county only from TERYT 3014012 → 3014) 0.68; Poznań 0.59; Drezdenko 0.5.
    _network(
        store,
        [
            ("org:e", "teryt:0806023", "56.29.Z"),
            ("org:d", "teryt:3064011", "56.29.Z"),
            ("org:c", "teryt:3014012", "56.29.Z"),
            ("org:b", "teryt:3014033", "56.29.Z"),
            ("org:a", "teryt:3014022", "56.29.Z"),
        ],
    )
    rows = matching(store, "org:coop").rows
    assert [(r.key, r.score, r.proximity) for r in rows] == [
        ("org:a", 0.8, "municipality"),
        ("org:b", 0.68, "county"),
        ("org:c", 0.68, "county"),
        ("org:d", 0.59, "voivodeship"),
        ("org:e", 0.5, None),
    ]


def test_existing_partners_are_left_out_and_named_in_a_note(store: GraphStore) -> None:
    trade = Tie("TRADES_WITH", "org:coop", "org:a")
    cooperation = Tie("COOPERATES_WITH", "org:b", "org:coop")  # symmetric: stored in key order, read both ways
    _network(
        store,
        [
            ("org:a", "teryt:3014022", "56.29.Z"),
            ("org:b", "teryt:3014022", "56.29.Z"),
            ("org:c", "teryt:0806023", "56.29.Z"),
        ],
        [trade, cooperation],
    )
    result = matching(store, "org:coop")
    assert [r.key for r in result.rows] == ["org:c"]
    assert result.notes == ["pominięto obecnych partnerów (2): Firma a, Firma b"]


def test_reason_names_the_need_the_place_and_the_best_intermediary(store: GraphStore) -> None:
    # org:a in Międzychód needs 56.10.A (division 56 with 56.29.Z). Common neighbours of coop and a:
    # CES (degree 2: coop, a) share 1/2 and OWES (degree 3: coop, a, z) share 1/3 → RA = 5/6 ≈ 0.8333, via CES.
    # score = 0.5·0.25 + 0.3·0.6 + 0.2·0.8333 = 0.125 + 0.18 + 0.1667 = 0.4717.
    support = [
        Node(
            "org:ces",
            "Organisation",
            {"name": "Centrum Ekonomii Społecznej", "short_name": "CES Kwilcz", "kind": "ces"},
        ),
        Node("org:owes", "Organisation", {"name": "OWES", "kind": "owes"}),
        Node("org:z", "Organisation", {"name": "Z", "kind": "ngo"}),
    ]
    store.upsert(support, [], source="test")
    ties = [
        Tie("SUPPORTS", "org:ces", "org:coop"),
        Tie("COOPERATES_WITH", "org:a", "org:ces"),
        Tie("SUPPORTS", "org:owes", "org:coop"),
        Tie("FUNDS", "org:owes", "org:a"),
        Tie("SUPPORTS", "org:owes", "org:z"),
    ]
    _network(store, [("org:a", "teryt:3014033", "56.10.A")], ties)
    (row,) = matching(store, "org:coop").rows
    assert (row.score, row.trust, row.via, row.level) == (0.4717, 0.8333, "org:ces", "division")
    assert (
        row.reason
        == "potrzebuje: Restauracje (56.10.A) — ten sam dział PKD 56; ten sam powiat (międzychodzki); dostępna przez: CES Kwilcz"
    )
    with use_language("en"):
        english = matching(store, "org:coop").rows[0].reason
    assert (
        english
        == "needs Restauracje (56.10.A) — same PKD division 56; same county (międzychodzki); reachable through CES Kwilcz"
    )


def test_a_buyer_gets_cooperatives_that_can_supply_it(store: GraphStore) -> None:
    # Reverse: org:a (business) needs 56.29.Z; org:coop offers it (same gmina: 0.8); the business org:rival offers it
    # too but is not a cooperative, so it is not suggested unless --kinds asks.
    rival = Node("org:rival", "Organisation", {"name": "Rival", "kind": "business"})
    store.upsert([rival], [], source="test")
    _network(store, [("org:a", "teryt:3014022", "56.29.Z")], [Tie("OFFERS", "org:rival", "pkd:56.29.Z")])
    result = matching(store, "org:a")
    assert [(r.key, r.score, r.offered, r.needed) for r in result.rows] == [
        ("org:coop", 0.8, "pkd:56.29.Z", "pkd:56.29.Z")
    ]
    assert (
        result.rows[0].reason
        == "oferuje: Pozostała usługowa działalność gastronomiczna (56.29.Z); ta sama gmina (Kwilcz)"
    )
    assert [r.key for r in matching(store, "org:a", kinds=["business"]).rows] == ["org:rival"]


def test_services_match_by_node_then_by_category(store: GraphStore) -> None:
    # coop needs service:books (accounting); OWES offers it (1.0 → 0.5), the NGO offers service:tax (accounting too, 0.75 → 0.375).
    nodes = [
        Node("service:books", "Service", {"name": "Obsługa księgowa", "category": "accounting"}),
        Node("service:tax", "Service", {"name": "Rozliczenia podatkowe", "category": "accounting"}),
        Node("org:owes", "Organisation", {"name": "OWES", "kind": "owes"}),
        Node("org:ngo", "Organisation", {"name": "Fundacja", "kind": "ngo"}),
    ]
    ties = [
        Tie("NEEDS", "org:coop", "service:books"),
        Tie("OFFERS", "org:owes", "service:books"),
        Tie("OFFERS", "org:ngo", "service:tax"),
    ]
    store.upsert(nodes, [], source="test")
    _network(store, [], ties)
    rows = matching(store, "org:coop", direction="needs", kinds=["owes", "ngo"]).rows
    assert [(r.key, r.score, r.level) for r in rows] == [("org:owes", 0.5, "service"), ("org:ngo", 0.375, "category")]
    assert rows[1].reason == "oferuje: Rozliczenia podatkowe — ta sama kategoria usług (accounting)"


def test_limit_min_score_and_the_empty_note(store: GraphStore) -> None:
    _network(store, [("org:a", "teryt:3014022", "56.29.Z"), ("org:b", "teryt:0806023", "56.10.A")])
    assert [r.key for r in matching(store, "org:coop", limit=1).rows] == ["org:a"]
    assert [r.key for r in matching(store, "org:coop", min_score=0.2).rows] == ["org:a"]
    empty = matching(store, "org:b", direction="offers")
    assert empty.rows == []
    assert empty.notes == [
        "org:b nie ma powiązań OFFERS, więc nie ma czego dopasować; dodaj je, np. "
        "partnergraph add tie org:b OFFERS pkd:56.29.Z"
    ]


def test_unknown_or_wrong_subject_is_a_clear_error(store: GraphStore) -> None:
    _network(store, [])
    with pytest.raises(NotFoundError, match="--for: nie ma węzła o kluczu 'org:nope'"):
        matching(store, "org:nope")
    with pytest.raises(ValidationError, match="--for: teryt:3014022 jest typu Municipality"):
        matching(store, "teryt:3014022")
    with pytest.raises(ValidationError, match="--direction: 'sideways' nie jest jedną z: auto, offers, needs"):
        matching(store, "org:coop", direction="sideways")


def test_the_example_network_gives_the_same_answer_on_both_backends(example_store: GraphStore) -> None:
    # Kwilecka Kuchnia (Kwilcz, 30) offers 56.29.Z; Hotel nad Wartą (Poznań, 30) needs it: 0.5 + 0.3·0.3 = 0.59.
    result = matching(example_store, "org:ss-kwilecka-kuchnia")
    assert [r.key for r in result.rows] == ["org:hotel-nad-warta"]
    assert result.rows[0].score == 0.59
    assert (
        result.rows[0].reason
        == "potrzebuje: Pozostała usługowa działalność gastronomiczna (56.29.Z); to samo województwo (wielkopolskie)"
    )
    # The hotel already trades with Smaki Wildy, so that cooperative is left out for it.
    hotel = matching(example_store, "org:hotel-nad-warta")
    assert [(r.key, r.score) for r in hotel.rows] == [
        ("org:ss-kwilecka-kuchnia", 0.59),
        ("org:ss-noteckie-uslugi", 0.5),
    ]
    assert hotel.notes == [
        "pominięto obecnych partnerów (2): Spółdzielnia Socjalna „Smaki Wildy”, Spółdzielnia Socjalna „Zielona Pracownia”"
    ]


def test_the_cli_prints_json_and_the_exact_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = demo_runner(monkeypatch, tmp_path)
    done = runner.invoke(main, ["analyze", "matching", "--for", "org:ss-kwilecka-kuchnia", "--format", "json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)
    assert [(r["rank"], r["key"], r["level"], r["proximity"]) for r in rows] == [
        (1, "org:hotel-nad-warta", "subclass", "voivodeship")
    ]
    bad = runner.invoke(main, ["analyze", "matching", "--for", "org:nope"])
    assert bad.exit_code == 1
    assert (
        bad.output.strip().splitlines()[-1]
        == "Błąd: --for: nie ma węzła o kluczu 'org:nope' (sprawdź klucz poleceniem 'partnergraph find NAZWA')"
    )
