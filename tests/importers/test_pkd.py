"""PKD 2007 (GUS export CSV) and PKD 2025 (GUS structure sheet): hierarchy, keys, broken files."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.pkd import ActivityIndex, read_pkd
from partnergraph.records import Node
from partnergraph.schema import load_schema
from tests.conftest import shared_data
from tests.importers.test_teryt import load, messages, split

EXCERPTS = Path(__file__).parents[1] / "fixtures" / "pkd"  # small real excerpts of the GUS files (PROVENANCE.md)


def pkd2007() -> Path:
    """The whole GUS export of PKD 2007 from the shared data (skipped, or failed in CI, without it)."""
    return shared_data("pkd/PKD2007_GUS.csv")


def pkd2025() -> Path:
    """The whole GUS structure sheet of PKD 2025 from the shared data."""
    return shared_data("pkd/StrukturaPKD2025_GUS.xls")


def test_pkd_2007_gives_every_grouping_under_its_parent() -> None:
    nodes, ties, problems = split(read_pkd(pkd2007()))
    assert problems == []
    assert Counter(n.props["level"] for n in nodes) == {
        "section": 21,
        "division": 88,
        "group": 272,
        "class": 615,
        "subclass": 655,
    }
    by_key = {n.key: n for n in nodes}
    assert by_key["pkd:88.10.Z"].props == {
        "code": "88.10.Z",
        "level": "subclass",
        "classification": "PKD2007",
        "source": "GUS, klasyfikacja PKD2007",
        "name": "Pomoc społeczna bez zakwaterowania dla osób w podeszłym wieku i osób niepełnosprawnych",
    }
    parent = {t.start: t.end for t in ties}
    chain = ["pkd:88.10.Z"]
    while chain[-1] in parent:
        chain.append(parent[chain[-1]])
    assert chain == ["pkd:88.10.Z", "pkd:88.10", "pkd:88.1", "pkd:88", "pkd:Q"]
    names = [str(n.props["name"]) for n in nodes]
    assert not [n for n in names if "<" in n or "\n" in n or n != n.strip() or "\u00a0" in n]
    assert ties[0].props == {"source": "GUS, klasyfikacja PKD2007"}


def test_pkd_2007_loads_into_a_store(tmp_path: Path) -> None:
    path = pkd2007()
    with SqliteStore(tmp_path / "s.db") as store:
        summary = load(store, read_pkd(path))
        assert summary.get("node", "created") == 1651 and summary.get("tie", "created") == 1630


def test_pkd_2025_and_2007_live_side_by_side(tmp_path: Path) -> None:
    schema, whole2007, whole2025 = load_schema(), pkd2007(), pkd2025()
    nodes, ties, problems = split(read_pkd(whole2025, schema=schema))
    assert problems == []
    assert Counter(n.props["level"] for n in nodes) == {
        "section": 22,
        "division": 87,
        "group": 287,
        "class": 651,
        "subclass": 728,
    }
    by_key = {n.key: n for n in nodes}
    assert by_key["pkd2025:Q"].props["name"] == "EDUKACJA"
    assert by_key["pkd2025:62.10.B"].props["name"] == "Pozostała działalność w zakresie programowania"
    assert by_key["pkd2025:01.30"].props["name"] == by_key["pkd2025:01.30.Z"].props["name"] == "Rozmnażanie roślin"
    parent = {t.start: t.end for t in ties}
    assert [parent[k] for k in ("pkd2025:01.30.Z", "pkd2025:01.30", "pkd2025:01.3", "pkd2025:01")] == [
        "pkd2025:01.30",
        "pkd2025:01.3",
        "pkd2025:01",
        "pkd2025:A",
    ]
    with SqliteStore(tmp_path / "s.db", schema=schema) as store:
        load(store, read_pkd(whole2007, schema=schema))
        load(store, read_pkd(whole2025, schema=schema))
        assert store.count_nodes() == {"Activity": 1651 + 1775}
        assert store.get_node("pkd:Q").props["name"] == "OPIEKA ZDROWOTNA I POMOC SPOŁECZNA"  # type: ignore[union-attr]
        assert store.get_node("pkd2025:Q").props["name"] == "EDUKACJA"  # type: ignore[union-attr]


def test_the_classification_comes_from_the_file_name_or_is_given(tmp_path: Path) -> None:
    text = "symbol;nazwa;numerPoziomu;uuid;elementNadrzednyUuid\nA;ROLNICTWO;1;u1;\n01;Uprawy;2;u2;u1\n"
    old, new = tmp_path / "pkd.csv", tmp_path / "PKD2025_GUS.csv"
    old.write_text(text)
    new.write_text(text)
    assert {n.props["classification"] for n in split(read_pkd(old))[0]} == {"PKD2007"}
    assert {n.key for n in split(read_pkd(new, schema=load_schema()))[0]} == {"pkd2025:A", "pkd2025:01"}
    assert {n.key for n in split(read_pkd(old, classification="PKD2025", schema=load_schema()))[0]} == {
        "pkd2025:A",
        "pkd2025:01",
    }


def test_bad_csv_rows_are_problems_at_their_cells(tmp_path: Path) -> None:
    path = tmp_path / "pkd.csv"
    path.write_text(
        "symbol;nazwa;numerPoziomu;uuid;elementNadrzednyUuid\nA;ROLNICTWO;1;u1;\n"
        '01.1;"Uprawy\nrolne";2;u2;u1\n01;Uprawy;x;u3;u1\n01;Uprawy;2;u4;u9\n'
    )
    assert messages(read_pkd(path)) == [
        "pkd.csv:3:1: '01.1' nie jest kodem PKD poziomu 2",
        "pkd.csv:5:3: poziom 'x' nie jest liczbą 1–5",
        "pkd.csv:6:5: grupowanie 01: brak w pliku grupowania nadrzędnego u9",
    ]


def test_the_correspondence_keys_are_not_a_classification() -> None:
    assert messages(read_pkd(EXCERPTS / "PKD2007-PKD2025_keys_GUS.csv")) == [  # its header and first five rows
        "PKD2007-PKD2025_keys_GUS.csv:1: brak kolumn symbol, nazwa, numerPoziomu, uuid, elementNadrzednyUuid "
        "(oczekiwany eksport klasyfikacji z GUS (kolumny symbol, nazwa, numerPoziomu, uuid, elementNadrzednyUuid))"
    ]


def test_a_damaged_or_foreign_sheet_is_a_problem(tmp_path: Path) -> None:
    damaged, xlsx = tmp_path / "StrukturaPKD2025.xls", tmp_path / "other.xlsx"
    damaged.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 300)
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    book = openpyxl.Workbook()
    book.active.append(["Nazwa", "Kod"])
    book.save(xlsx)
    [problem] = messages(read_pkd(damaged, schema=load_schema()))
    assert problem.startswith("StrukturaPKD2025.xls: nie można odczytać arkusza: ")
    assert messages(read_pkd(xlsx)) == [
        "other.xlsx:1: brak wiersza nagłówka Dział | Grupa | Klasa | Podklasa | Nazwa grupowania"
    ]


def test_a_structure_sheet_in_xlsx_reads_like_the_xls(tmp_path: Path) -> None:
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    path = tmp_path / "StrukturaPKD2025.xlsx"
    book = openpyxl.Workbook()
    for row in (
        ["Polska Klasyfikacja Działalności 2025"],
        ["Dział", "Grupa", "Klasa", "Podklasa", "Nazwa grupowania"],
        ["SEKCJA R", None, "OPIEKA ZDROWOTNA I POMOC SPOŁECZNA"],
        ["88", None, None, None, "Pomoc społeczna bez zakwaterowania"],
        [None, "88.1", "88.10", "88.10.Z", "Pomoc społeczna bez zakwaterowania dla osób starszych"],
    ):
        book.active.append(row)
    book.save(path)
    nodes, ties, problems = split(read_pkd(path, schema=load_schema()))
    assert problems == [] and [n.key for n in nodes] == [
        "pkd2025:R",
        "pkd2025:88",
        "pkd2025:88.1",
        "pkd2025:88.10",
        "pkd2025:88.10.Z",
    ]
    assert [t.end for t in ties] == ["pkd2025:R", "pkd2025:88", "pkd2025:88.1", "pkd2025:88.10"]


def activity(key: str, name: str) -> Node:
    code, classification = key.split(":")[1], "PKD2025" if key.startswith("pkd2025:") else "PKD2007"
    return Node(key, "Activity", {"code": code, "name": name, "classification": classification})


INDEX = ActivityIndex.from_nodes(
    [
        activity("pkd:56.29.Z", "Pozostała usługowa działalność gastronomiczna"),
        activity("pkd2025:62.10.B", "Pozostała działalność w zakresie programowania"),
        activity("pkd:81.30.Z", "Działalność usługowa związana z zagospodarowaniem terenów zieleni"),
        activity("pkd2025:81.30.Z", "Działalność usługowa związana z zagospodarowaniem terenów zieleni"),
        activity("pkd:85.59.B", "Pozostałe pozaszkolne formy edukacji, gdzie indziej niesklasyfikowane"),
        activity(
            "pkd2025:85.59.B",
            "Kursy i szkolenia związane ze zdobywaniem wiedzy, umiejętności i kwalifikacji zawodowych",
        ),
    ]
)
AFTER, BEFORE = dt.date(2025, 6, 2), dt.date(2024, 11, 5)


@pytest.mark.parametrize(
    ("code", "description", "on", "key"),
    [
        ("56.29.Z", "", AFTER, "pkd:56.29.Z"),  # only in PKD 2007
        ("62.10.B", "", AFTER, "pkd2025:62.10.B"),  # only in PKD 2025
        ("81.30.Z", "", AFTER, "pkd2025:81.30.Z"),  # the same grouping in both: the current one
        ("81.30.Z", "", BEFORE, "pkd:81.30.Z"),  # PKD 2025 did not exist yet
        ("85.59.B", "POZOSTAŁE POZASZKOLNE FORMY EDUKACJI, GDZIE INDZIEJ NIESKLASYFIKOWANE", AFTER, "pkd:85.59.B"),
        (
            "85.59.B",
            "KURSY I SZKOLENIA ZWIĄZANE ZE ZDOBYWANIEM WIEDZY, UMIEJĘTNOŚCI I KWALIFIKACJI ZAWODOWYCH",
            AFTER,
            "pkd2025:85.59.B",
        ),
    ],
)
def test_a_register_code_resolves_to_one_classification(code: str, description: str, on: dt.date, key: str) -> None:
    assert INDEX.resolve(code, description, on) == (key, None)


def test_a_code_that_cannot_be_placed_is_reported() -> None:
    assert str(INDEX.resolve("85.59.B", "SZKOLENIA", AFTER)[1]) == (
        "kod PKD 85.59.B (SZKOLENIA) jest w PKD 2007 i w PKD 2025 pod różnymi nazwami, a opis nie pasuje do żadnej"
    )
    assert str(INDEX.resolve("62.10.B", "", BEFORE)[1]) == "kod PKD 62.10.B nie występuje w PKD 2007"
    assert str(INDEX.resolve("99.99.Z", "", AFTER)[1]) == "kod PKD 99.99.Z nie występuje w PKD 2007 / PKD 2025"


def test_no_pkd_imported_at_all_is_its_own_message() -> None:
    assert str(ActivityIndex().resolve("56.29.Z", "", AFTER)[1]) == (
        "kodu PKD 56.29.Z nie można dopasować: w magazynie nie ma żadnej klasyfikacji PKD"
    )
