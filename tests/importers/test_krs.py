"""KRS extracts (OdpisAktualny JSON): one per legal form, seats, PKD codes, provenance, broken files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.base import Located
from partnergraph.importers.krs import kind_of, read_krs
from partnergraph.importers.pkd import ActivityIndex, read_pkd
from partnergraph.importers.teryt import MunicipalityIndex, read_teryt
from partnergraph.records import Node
from partnergraph.schema import load_schema
from partnergraph.validate import Validator
from tests.importers.test_pkd import EXCERPTS, pkd2007, pkd2025
from tests.importers.test_teryt import FIXTURES, SEATS, load, messages, split, whole_terc

EXTRACTS = FIXTURES / "krs"
SOCIAL_COOPERATIVE = EXTRACTS / "0000999001_spoldzielnia_socjalna.json"


@pytest.fixture(scope="module", params=["excerpts", "whole"])
def indexes(request: pytest.FixtureRequest) -> tuple[MunicipalityIndex, ActivityIndex]:
    """Indexes of the registers the extracts need: real excerpts (run everywhere), and the whole registers."""
    if request.param == "excerpts":
        terc, classifications = (
            SEATS,
            (EXCERPTS / "PKD2007_GUS_excerpt.csv", EXCERPTS / "StrukturaPKD2025_GUS_excerpt.xlsx"),
        )
    else:
        terc, classifications = whole_terc(), (pkd2007(), pkd2025())
    schema = load_schema()
    activities = [i.record for p in classifications for i in read_pkd(p, schema=schema) if isinstance(i, Located)]
    return MunicipalityIndex.from_file(terc), ActivityIndex.from_nodes(r for r in activities if isinstance(r, Node))


def read(path: Path, indexes: tuple[MunicipalityIndex, ActivityIndex]) -> Iterator[Located | Problem]:
    return read_krs(path, municipalities=indexes[0], activities=indexes[1])


def test_each_legal_form_gets_its_kind_seat_and_activities(indexes: tuple[MunicipalityIndex, ActivityIndex]) -> None:
    nodes, ties, problems = split(read(EXTRACTS, indexes))
    assert problems == []
    assert [(n.key, n.props["kind"]) for n in nodes] == [
        ("krs:0000999001", "social_cooperative"),
        ("krs:0000999002", "ngo"),
        ("krs:0000999003", "ngo"),
        ("krs:0000999004", "business"),
        ("krs:0000999005", "other"),
    ]
    seats = {t.start: t.end for t in ties if t.type == "LOCATED_IN"}
    assert seats == {
        "krs:0000999001": "teryt:3014022",
        "krs:0000999002": "teryt:3064011",
        "krs:0000999003": "teryt:0806023",
        "krs:0000999004": "teryt:1465011",
        "krs:0000999005": "teryt:0201011",
    }
    offers = [(t.start[-1], t.end, t.props.get("note")) for t in ties if t.type == "OFFERS"]
    assert offers == [
        ("1", "pkd:56.29.Z", "przeważająca"),
        ("1", "pkd2025:81.30.Z", None),
        ("1", "pkd2025:88.99.Z", None),
        ("2", "pkd:85.59.B", "przeważająca"),
        ("2", "pkd:88.10.Z", None),
        ("4", "pkd2025:62.10.B", "przeważająca"),
        ("4", "pkd2025:85.59.B", None),
        ("4", "pkd:70.22.Z", None),
        ("5", "pkd:18.12.Z", "przeważająca"),
    ]
    assert (
        ties[0].props["source"] == "KRS 0000999001, odpis aktualny, stan z dnia 2025-03-10, pobrany 2025-03-10 08:15:02"
    )


def test_an_extract_gives_the_organisations_register_data(indexes: tuple[MunicipalityIndex, ActivityIndex]) -> None:
    [located] = [i for i in read(SOCIAL_COOPERATIVE, indexes) if isinstance(i, Located) and isinstance(i.record, Node)]
    assert located.record.props == {
        "name": "SPÓŁDZIELNIA SOCJALNA „ŁĄKA” (DANE PRZYKŁADOWE)",
        "legal_form": "SPÓŁDZIELNIA SOCJALNA",
        "kind": "social_cooperative",
        "krs": "0000999001",
        "nip": "9990000014",
        "regon": "99900001200000",
        "address": "UL. PRZYKŁADOWA 1",
        "postcode": "64-420",
        "city": "KWILCZ",
        "founded": "12.05.2023",
        "source": "KRS 0000999001, odpis aktualny, stan z dnia 2025-03-10, pobrany 2025-03-10 08:15:02",
    }
    checked = Validator(load_schema()).node(located.record)  # type: ignore[arg-type]
    assert checked.props["regon"] == "999000012"  # KRS pads REGON to 14 digits; the first nine are checked
    assert located.where == "0000999001_spoldzielnia_socjalna.json:6"
    assert located.fields["nip"] == "0000999001_spoldzielnia_socjalna.json:22:25"


def test_a_folder_of_extracts_loads_into_a_store_with_the_registers(tmp_path: Path) -> None:
    schema, registers = load_schema(), (whole_terc(), pkd2007(), pkd2025())
    with SqliteStore(tmp_path / "s.db", schema=schema) as store:
        load(store, read_teryt(registers[0]))
        load(store, read_pkd(registers[1], schema=schema))
        load(store, read_pkd(registers[2], schema=schema))
        summary = load(store, read_krs(EXTRACTS, store=store))
        assert summary.get("node", "created") == 5 and summary.get("tie", "created") == 14
        coop = store.get_node("krs:0000999001")
        assert coop is not None and coop.props["sector"] == "social" and coop.props["regon"] == "999000012"
        assert [n.key for _, n in store.neighbours("teryt:3014022", tie_types=["LOCATED_IN"])] == ["krs:0000999001"]
        assert not load(store, read_krs(EXTRACTS, store=store)).changed


def rewrite(tmp_path: Path, change: dict[str, str], source: Path = SOCIAL_COOPERATIVE) -> Path:
    """A copy of an extract with text replaced."""
    text = source.read_text(encoding="utf-8")
    for old, new in change.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / source.name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_or_ambiguous_seat_is_a_problem(
    tmp_path: Path, indexes: tuple[MunicipalityIndex, ActivityIndex]
) -> None:
    path = rewrite(
        tmp_path,
        {'"WIELKOPOLSKIE"': '"PODKARPACKIE"', '"MIĘDZYCHODZKI"': '""', '"gmina": "KWILCZ"': '"gmina": "CZARNA"'},
    )
    assert messages(read(path, indexes)) == [
        "0000999001_spoldzielnia_socjalna.json:33:25: gmina 'CZARNA' jest niejednoznaczna: 1801032 Czarna (rural), "
        "1803032 Czarna (rural), 1810032 Czarna (rural) (podaj powiat albo miejscowość siedziby, albo dodaj LOCATED_IN ręcznie)"
    ]
    path = rewrite(tmp_path, {'"MIĘDZYCHODZKI"': '"POZNAŃSKI"'})
    assert messages(read(path, indexes)) == [
        "0000999001_spoldzielnia_socjalna.json:33:25: gmina 'KWILCZ' nie występuje w TERYT (POZNAŃSKI)"
    ]


def test_without_registers_in_the_store_the_problem_says_what_to_import_first(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        assert messages(read_krs(SOCIAL_COOPERATIVE, store=store))[:2] == [
            "0000999001_spoldzielnia_socjalna.json:33:25: brak gmin TERYT, do których można dopasować siedzibę "
            "(najpierw zaimportuj rejestr TERC: partnergraph import TERC_Urzedowy.csv)",
            "0000999001_spoldzielnia_socjalna.json:51:29: kodu PKD 56.29.Z nie można dopasować: w magazynie nie ma żadnej "
            "klasyfikacji PKD (zaimportuj najpierw klasyfikację PKD (plik GUS), potem odpisy KRS)",
        ]


def test_a_wrong_nip_is_placed_at_its_value(tmp_path: Path, indexes: tuple[MunicipalityIndex, ActivityIndex]) -> None:
    path = rewrite(tmp_path, {'"9990000014"': '"9990000015"'})
    located = next(i for i in read(path, indexes) if isinstance(i, Located))
    with pytest.raises(ValidationError) as caught:
        Validator(load_schema()).node(located.record)  # type: ignore[arg-type]
    [problem] = caught.value.problems
    assert f"{located.fields[problem.where]}: {problem.message}" == (
        "0000999001_spoldzielnia_socjalna.json:22:25: NIP '9990000015' ma błędną sumę kontrolną"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"odpis": {"naglowekA": {"numerKRS": "0000999001"}',
            "x.json:1:51: niepoprawny JSON: Expecting ',' delimiter",
        ),
        (
            '{"nazwa": "FUNDACJA"}',
            "x.json: to nie jest odpis KRS (brak „odpis” z „naglowekA” i „dane”) "
            "(zapisz odpowiedź API KRS (OdpisAktualny) w formacie JSON)",
        ),
        (
            "[1, 2]",
            "x.json: to nie jest odpis KRS (brak „odpis” z „naglowekA” i „dane”) "
            "(zapisz odpowiedź API KRS (OdpisAktualny) w formacie JSON)",
        ),
    ],
)
def test_a_broken_file_is_one_clean_problem(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    assert messages(read_krs(path, municipalities=MunicipalityIndex(), activities=ActivityIndex())) == [expected]


def test_without_a_store_or_indexes_the_reader_says_so() -> None:
    assert messages(read_krs(SOCIAL_COOPERATIVE)) == [
        "0000999001_spoldzielnia_socjalna.json: odpisy KRS wymagają magazynu z gminami TERYT i działalnościami PKD, a nie podano "
        "żadnego (wywołaj read_krs(ścieżka, store=magazyn) albo podaj municipalities= i activities=)"
    ]


def test_a_truncated_or_odd_extract_never_crashes(tmp_path: Path) -> None:
    text = SOCIAL_COOPERATIVE.read_text(encoding="utf-8")
    data = json.loads(text)
    data["odpis"]["dane"]["dzial1"] = {"danePodmiotu": "?", "siedzibaIAdres": [1]}
    data["odpis"]["dane"]["dzial3"] = {
        "przedmiotDzialalnosci": {"przedmiotPozostalejDzialalnosci": [None, {"kodDzial": 5}]}
    }
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data))
    nodes, _, problems = split(read_krs(odd, municipalities=MunicipalityIndex(), activities=ActivityIndex()))
    source = "KRS 0000999001, odpis aktualny, stan z dnia 2025-03-10, pobrany 2025-03-10 08:15:02"
    assert nodes[0].props == {"kind": "other", "krs": "0000999001", "founded": "12.05.2023", "source": source}
    assert all(isinstance(p, Problem) for p in problems)
    for cut in range(0, len(text), 97):
        (tmp_path / "cut.json").write_text(text[:cut])
        items = read_krs(tmp_path / "cut.json", municipalities=MunicipalityIndex(), activities=ActivityIndex())
        assert all(isinstance(i, Located | Problem) for i in items)


@pytest.mark.parametrize(
    ("form", "kind"),
    [
        ("SPÓŁDZIELNIA SOCJALNA", "social_cooperative"),
        ("FUNDACJA", "ngo"),
        ("STOWARZYSZENIE", "ngo"),
        ("ZWIĄZEK STOWARZYSZEŃ", "ngo"),
        ("STOWARZYSZENIE KULTURY FIZYCZNEJ", "ngo"),
        ("SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ", "business"),
        ("SPÓŁKA AKCYJNA", "business"),
        ("PROSTA SPÓŁKA AKCYJNA", "business"),
        ("SPÓŁKA KOMANDYTOWA", "business"),
        ("SPÓŁDZIELNIA", "other"),
        ("SAMODZIELNY PUBLICZNY ZAKŁAD OPIEKI ZDROWOTNEJ", "other"),
        ("", "other"),
    ],
)
def test_legal_forms_map_to_kinds(form: str, kind: str) -> None:
    assert kind_of(form) == kind
