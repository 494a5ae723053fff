"""SPARQL over the current graph: the example queries' answers, errors, caching and privacy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from partnergraph.errors import NotFoundError, ValidationError
from partnergraph.exports.sparql import example, examples, load_query, rdf_graph, run_query
from partnergraph.exports.sparql_engines import ENGINES, EngineName, load
from partnergraph.graph.base import GraphStore
from partnergraph.rdf.mapping import DEFAULT_BASE
from partnergraph.records import Node, Tie

ID = "https://w3id.org/partnergraph/id/"


def test_the_examples_are_documented() -> None:
    found = examples()
    assert list(found) == [
        "cooperatives-per-municipality-type",
        "founded-by-municipality",
        "partnerships-with-all-sectors",
        "ties-by-form-per-year",
    ]
    for entry in found.values():
        assert entry.title("pl") != entry.title("en") and entry.description("pl") != entry.description("en")
        assert entry.text.splitlines()[0].startswith("# title@pl: ")
    assert (
        found["founded-by-municipality"]
        .description("pl")
        .startswith("Organizacje (spółdzielnie socjalne), których założycielem")
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_cooperatives_per_municipality_type(example_store: GraphStore, engine: EngineName) -> None:
    # cooperatives: Smaki Wildy and Zielona Pracownia in Poznań (urban), Kwilecka Kuchnia in Kwilcz (rural),
    # Noteckie Usługi in Drezdenko (urban-rural); municipalities: Poznań; Kwilcz, Chrzypsko Wielkie,
    # Stare Kurowo; Drezdenko, Międzychód, Strzelce Krajeńskie
    rows = run_query(example_store, example("cooperatives-per-municipality-type").text, engine=engine).rows
    assert [(r["type"], r["municipalities"], r["cooperatives"]) for r in rows] == [
        ("urban", 1, 2),
        ("rural", 3, 1),
        ("urban_rural", 3, 1),
    ]
    assert rows[0]["label"] == "gmina miejska"


@pytest.mark.parametrize("engine", ENGINES)
def test_partnerships_with_all_three_sectors(example_store: GraphStore, engine: EngineName) -> None:
    # es-w-praktyce has only social members (3 CES, OWES); each local partnership has all three:
    # Drezdenko: MGOPS, Urząd (public), Tartak (private), CES, Stowarzyszenie (social);
    # Kwilcz: GOPS, Szkoła, Urząd Gminy / Przetwórnia / CES, KGW (the gmina itself has no sector);
    # Poznań: MOPR, PUP / Hotel / CES, Fundacja, Nowy Start
    rows = run_query(example_store, example("partnerships-with-all-sectors").text, engine=engine).rows
    assert [(r["partnership"], r["members"], r["public"], r["private"], r["social"]) for r in rows] == [
        (ID + "partnership/lokalne-drezdenko", 5, 2, 1, 2),
        (ID + "partnership/lokalne-kwilcz", 6, 3, 1, 2),
        (ID + "partnership/lokalne-poznan", 6, 2, 1, 3),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_ties_by_form_per_year(example_store: GraphStore, engine: EngineName) -> None:
    # the 12 COOPERATES_WITH ties: 2023 — CES Poznań–CIS (agreement), Fundacja–MOPR (contract),
    # KGW–Parafia (informal), Fundacja–Nowy Start (joint project); 2024 — six agreements,
    # CES Drezdenko–CES Kwilcz (joint project), CES Kwilcz–Urząd Gminy (letter of intent)
    rows = run_query(example_store, example("ties-by-form-per-year").text, engine=engine).rows
    assert [(r["year"], r["form"], r["ties"]) for r in rows] == [
        (2023, "agreement", 1),
        (2023, "contract", 1),
        (2023, "informal", 1),
        (2023, "joint_project", 1),
        (2024, "agreement", 6),
        (2024, "joint_project", 1),
        (2024, "letter_of_intent", 1),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_organisations_founded_by_a_municipality(example_store: GraphStore, engine: EngineName) -> None:
    # only Urząd Gminy Kwilcz (a municipality office) founded anything: Kwilecka Kuchnia, 2024-06-14
    rows = run_query(example_store, example("founded-by-municipality").text, engine=engine).rows
    assert rows == [
        {
            "organisation": ID + "org/ss-kwilecka-kuchnia",
            "name": "Spółdzielnia Socjalna „Kwilecka Kuchnia”",
            "founder_name": "Urząd Gminy Kwilcz",
            "municipality": "Kwilcz",
            "since": "2024-06-14",
        }
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_ask_construct_and_compact_names(example_store: GraphStore, engine: EngineName) -> None:
    assert run_query(example_store, "ASK { ?x pg:kind 'ces' }", engine=engine).rows == [{"ask": True}]
    built = run_query(
        example_store, "CONSTRUCT { ?x pg:name ?n } WHERE { ?x pg:kind 'ces' ; pg:name ?n }", engine=engine
    )
    assert built.kind == "graph" and len(built.rows) == 3
    kinds = run_query(
        example_store, "SELECT DISTINCT ?k WHERE { ?x rov:orgType ?k } ORDER BY ?k LIMIT 1", engine=engine
    )
    assert kinds.compact_rows() == [{"k": "kind:business"}]


def test_a_syntax_error_names_line_and_column(sqlite_store: GraphStore) -> None:
    with pytest.raises(ValidationError) as caught:
        run_query(sqlite_store, "SELECT ?x WHERE {\n  ?x ?y\n}")
    assert str(caught.value) == (
        "zapytanie SPARQL, wiersz 2, kolumna 3: błąd składni (Expected SelectQuery) "
        "(sprawdź nawiasy, kropki i prefiksy; przykłady: partnergraph sparql --list)"
    )
    with pytest.raises(ValidationError, match="Unknown namespace prefix : nic"):
        run_query(sqlite_store, "SELECT ?x WHERE { ?x nic:a ?y }")
    with pytest.raises(ValidationError, match="tylko odczyt"):
        run_query(sqlite_store, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(NotFoundError, match="dostępne: cooperatives-per-municipality-type"):
        example("nic")


@pytest.mark.parametrize("engine", ENGINES)
def test_the_graph_is_cached_until_the_store_changes(store: GraphStore, engine: EngineName) -> None:
    store.upsert([Node("org:a", "Organisation", {"name": "A", "kind": "ngo", "email": "a@example.org"})], source="test")
    first = load(store, engine, DEFAULT_BASE, False)
    assert load(store, engine, DEFAULT_BASE, False) is first
    count = "SELECT (COUNT(?x) AS ?n) WHERE { ?x a pg:Organisation }"
    assert run_query(store, count, engine=engine).rows == [{"n": 1}]
    store.upsert(
        [Node("org:b", "Organisation", {"name": "B", "kind": "ces"})],
        [Tie("REFERS", "org:a", "org:b", {"count": 3, "since": dt.date(2024, 1, 1)})],
        source="test",
    )
    assert load(store, engine, DEFAULT_BASE, False) is not first
    assert len(rdf_graph(store)) > 0
    assert run_query(store, count, engine=engine).rows == [{"n": 2}]
    # privacy: neither the e-mail nor the referral count 3 can be queried unless asked
    assert run_query(store, "SELECT ?e WHERE { ?x pg:email ?e }", engine=engine).rows == []
    assert run_query(store, "SELECT ?e WHERE { ?x pg:email ?e }", include_private=True, engine=engine).rows == [
        {"e": "a@example.org"}
    ]
    assert run_query(store, "SELECT ?c WHERE { ?t pg:count ?c }", engine=engine).rows == []
    assert run_query(store, "SELECT ?c WHERE { ?t pg:count ?c }", include_private=True, engine=engine).rows == []
    assert run_query(store, "SELECT ?s WHERE { ?t pg:countSuppressed ?s }", engine=engine).rows == [{"s": True}]


def test_a_query_can_be_given_as_a_file(tmp_path: Path) -> None:
    path = tmp_path / "pytanie.rq"
    path.write_text("ASK { ?x ?y ?z }", encoding="utf-8")
    assert load_query(str(path)) == "ASK { ?x ?y ?z }"
    assert load_query("ASK { ?x ?y ?z }") == "ASK { ?x ?y ?z }"
    with pytest.raises(NotFoundError, match=r"nie ma pliku z zapytaniem brak\.rq"):
        load_query("brak.rq")
