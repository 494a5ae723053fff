"""TERYT TERC: the real register, its XML variant, newer registers, broken files, seat matching."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore, WriteSummary
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.base import Located
from partnergraph.importers.teryt import MunicipalityIndex, read_teryt
from partnergraph.records import Node, Tie
from tests.conftest import shared_data

FIXTURES = Path(__file__).parent / "fixtures" / "registers"
EXCERPT = FIXTURES / "TERC_2022_excerpt.csv"
SEATS = (
    Path(__file__).parents[1] / "fixtures" / "teryt" / "TERC_2022_seats.csv"
)  # whole counties of TERC 2022 (PROVENANCE.md)


def whole_terc() -> Path:
    """The whole TERC 2022 register of the shared data (skipped, or failed in CI, without it)."""
    return shared_data("teryt/TERC_Urzedowy_2022-01-01.csv")


def split(items: Iterable[Located | Problem]) -> tuple[list[Node], list[Tie], list[Problem]]:
    """Nodes, ties and problems of a reader's output."""
    nodes: list[Node] = []
    ties: list[Tie] = []
    problems: list[Problem] = []
    for item in items:
        if isinstance(item, Problem):
            problems.append(item)
        elif isinstance(item.record, Node):
            nodes.append(item.record)
        else:
            ties.append(item.record)
    return nodes, ties, problems


def load(store: GraphStore, items: Iterable[Located | Problem], source: str = "test") -> WriteSummary:
    """Upsert a reader's records (which must have no problems) into ``store``."""
    nodes, ties, problems = split(items)
    assert [str(p) for p in problems] == []
    return store.upsert(nodes, ties, source=source)


def messages(items: Iterable[Located | Problem]) -> list[str]:
    return [str(p) for p in split(items)[2]]


def test_the_whole_register_gives_every_unit_with_its_type_and_parent() -> None:
    nodes, ties, problems = split(read_teryt(whole_terc()))
    assert problems == []
    assert Counter(n.type for n in nodes) == {"Voivodeship": 16, "County": 380, "Municipality": 3838}
    types = Counter(n.props["municipality_type"] for n in nodes if n.type == "Municipality")
    assert types == {
        "urban": 302,
        "rural": 1513,
        "urban_rural": 662,
        "town_part": 662,
        "rural_part": 662,
        "district": 18,
        "delegatura": 19,
    }
    by_key = {n.key: n for n in nodes}
    parent = {t.start: t.end for t in ties}
    source = {"source": "GUS TERYT TERC"}  # the date is the voivodeship's register_date, not repeated on each unit
    assert by_key["teryt:30"].props["register_date"] == dt.date(2022, 1, 1)
    assert "register_date" not in by_key["teryt:3014"].props
    assert by_key["teryt:3014022"].props == {
        "name": "Kwilcz",
        "teryt": "3014022",
        "municipality_type": "rural",
        **source,
    }
    assert parent["teryt:3014022"] == "teryt:3014" and parent["teryt:3014"] == "teryt:30"
    assert by_key["teryt:30"].props["name"] == "wielkopolskie"
    assert by_key["teryt:3014"].props["name"] == "międzychodzki"
    assert by_key["teryt:0806023"].props["municipality_type"] == "urban_rural"
    assert [by_key[k].props["municipality_type"] for k in ("teryt:0806024", "teryt:0806025")] == [
        "town_part",
        "rural_part",
    ]
    assert parent["teryt:0806024"] == parent["teryt:0806025"] == "teryt:0806023"
    assert parent["teryt:0806023"] == "teryt:0806" and parent["teryt:0806"] == "teryt:08"
    assert by_key["teryt:3064011"].props == {
        "name": "Poznań",
        "teryt": "3064011",
        "municipality_type": "urban",
        **source,
    }
    assert parent["teryt:3064011"] == "teryt:3064"
    assert {parent[f"teryt:30640{n}9"] for n in range(2, 7)} == {"teryt:3064011"}
    assert parent["teryt:1465028"] == "teryt:1465011"  # Bemowo, a Warsaw district
    assert ties[0].props == {"source": "GUS TERYT TERC"}


def test_the_whole_register_loads_into_a_store_and_reloads_unchanged(tmp_path: Path) -> None:
    terc = whole_terc()
    with SqliteStore(tmp_path / "s.db") as store:
        first = load(store, read_teryt(terc))
        assert first.get("node", "created") == 4234 and first.get("tie", "created") == 4218
        again = load(store, read_teryt(terc))
        assert not again.changed and again.version == first.version
        assert [n.key for _, n in store.neighbours("teryt:3014", direction="in")][:2] == [
            "teryt:3014012",
            "teryt:3014022",
        ]


def test_each_value_is_placed_at_its_line_and_column() -> None:
    terc = whole_terc()
    kwilcz = next(
        i
        for i in read_teryt(terc)
        if isinstance(i, Located) and isinstance(i.record, Node) and i.record.key == "teryt:3014022"
    )
    assert kwilcz.where == "TERC_Urzedowy_2022-01-01.csv:3730"
    assert kwilcz.fields["name"] == "TERC_Urzedowy_2022-01-01.csv:3730:5"
    assert kwilcz.fields["municipality_type"] == "TERC_Urzedowy_2022-01-01.csv:3730:4"


def test_a_newer_register_renames_and_adds_without_duplicates(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        load(store, read_teryt(EXCERPT))
        before = store.count_nodes()
        summary = load(store, read_teryt(FIXTURES / "TERC_2023_excerpt.csv"))
        assert summary.get("node", "created") == 1
        updates = [
            c for c in store.changes(version=summary.version, limit=None) if c.entity == "node" and c.op == "update"
        ]
        renamed = [
            c.key for c in updates if c.before and c.after and c.before["props"]["name"] != c.after["props"]["name"]
        ]
        assert renamed == ["teryt:3014012"]  # every other update only confirms the unit with the newer register's date
        assert store.count_nodes()["Municipality"] == before["Municipality"] + 1
        assert store.get_node("teryt:3014012").props["name"] == "Chrzypsko Wielkie Nowe"  # type: ignore[union-attr]
        assert store.get_node("teryt:3014052").props["name"] == "Gmina Przykładowa"  # type: ignore[union-attr]
        tie = store.get_tie("teryt:3014022-[PART_OF]->teryt:3014")
        assert tie is not None and tie.props["source"] == "GUS TERYT TERC"
        assert store.get_node("teryt:30").props["register_date"] == dt.date(2023, 1, 1)  # type: ignore[union-attr]
        assert store.count_ties() == {"PART_OF": sum(before.values()) - before["Voivodeship"] + 1}


def test_the_xml_variant_gives_the_same_records_as_the_csv() -> None:
    csv_nodes, csv_ties, _ = split(read_teryt(EXCERPT))
    xml_nodes, xml_ties, problems = split(read_teryt(FIXTURES / "TERC_2022_excerpt.xml"))
    assert problems == [] and xml_nodes == csv_nodes and xml_ties == csv_ties


def test_xml_rows_of_named_elements_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "TERC.xml"
    path.write_text(
        "<teryt><catalog name='TERC'><row><WOJ>30</WOJ><POW>14</POW><GMI>02</GMI><RODZ>2</RODZ><NAZWA>Kwilcz</NAZWA>"
        "<NAZWA_DOD>gmina wiejska</NAZWA_DOD><STAN_NA>2022-01-01</STAN_NA></row></catalog></teryt>"
    )
    nodes, ties, problems = split(read_teryt(path))
    assert problems == [] and nodes[0].key == "teryt:3014022" and ties[0].end == "teryt:3014"


def test_a_register_saved_by_excel_reads_the_same(tmp_path: Path) -> None:
    """Windows-1250, and codes that lost their leading zeros."""
    text = EXCERPT.read_text(encoding="utf-8-sig").replace("08;", "8;").replace(";06;", ";6;")
    path = tmp_path / "TERC.csv"
    path.write_bytes(text.encode("cp1250"))
    assert split(read_teryt(path))[:2] == split(read_teryt(EXCERPT))[:2]


def test_parts_of_gminas_can_be_left_out() -> None:
    nodes, ties, _ = split(read_teryt(EXCERPT, parts=False))
    assert {n.props.get("municipality_type") for n in nodes} == {None, "urban", "rural", "urban_rural"}
    assert {len(t.end.removeprefix("teryt:")) for t in ties} == {2, 4}  # every tie ends at a county or a voivodeship


def test_a_file_that_is_not_terc_is_refused_with_the_expected_header(tmp_path: Path) -> None:
    path = tmp_path / "SIMC.csv"
    path.write_text(
        "WOJ;POW;GMI;RODZ_GMI;RM;MZ;NAZWA;SYM;SYMPOD;STAN_NA\n02;16;01;1;96;1;Wrocław;0986283;0986283;2022-01-01\n"
    )
    assert messages(read_teryt(path)) == [
        "SIMC.csv:1: brak kolumn RODZ: to nie jest plik TERC "
        "(oczekiwany nagłówek: WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA (TERC, wariant „Urzędowy”))"
    ]


def test_bad_rows_are_problems_at_their_cells(tmp_path: Path) -> None:
    path = tmp_path / "TERC.csv"
    path.write_text(
        "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n30;;;;WIELKOPOLSKIE;województwo;2022-01-01\n"
        "30;14;;;międzychodzki;powiat;2022-01-01\n30;14;02;7;Kwilcz;gmina wiejska;2022-01-01\n"
        "30;1x;;;zły;powiat;2022-01-01\n30;14;03;2;;gmina wiejska;2022-01-01\n"
    )
    assert messages(read_teryt(path)) == [
        "TERC.csv:4:4: RODZ '7' nie jest rodzajem gminy TERYT (dozwolone: 1, 2, 3, 4, 5, 8, 9)",
        "TERC.csv:5:2: POW '1x' nie jest kodem 2-cyfrowym",
        "TERC.csv:6:5: brak nazwy jednostki (NAZWA)",
    ]


def test_the_adresowy_variant_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "TERC_Adresowy.csv"
    path.write_text(
        "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n08;;;;LUBUSKIE;województwo;2022-01-01\n"
        "08;06;;;strzelecko-drezdenecki;powiat;2022-01-01\n08;06;02;4;Drezdenko;miasto;2022-01-01\n"
    )
    assert messages(read_teryt(path)) == [
        "TERC_Adresowy.csv:4: jednostka 0806024 jest częścią gminy, której nie ma w pliku "
        "(to wygląda na wariant „Adresowy”; pobierz z GUS wariant „Urzędowy”)"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "TERC.xml:1:1: niepoprawny XML: no element found"),
        (b"<teryt><catalog><row><col name='WOJ'>30</col>", "TERC.xml:1:46: niepoprawny XML: no element found"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE lol [<!ENTITY lol "lol">]>\n<teryt>&lol;</teryt>',
            "TERC.xml:2: plik XML zawiera deklarację DOCTYPE, której nie przyjmujemy (ze względów bezpieczeństwa) "
            "(usuń linię <!DOCTYPE …> albo wyeksportuj plik ponownie)",
        ),
    ],
)
def test_broken_xml_ends_in_a_clean_problem(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "TERC.xml"
    path.write_bytes(content)
    assert messages(read_teryt(path)) == [expected]


def test_xml_rows_of_another_kind_are_refused_once(tmp_path: Path) -> None:
    path = tmp_path / "TERC.xml"
    path.write_bytes(b"<teryt>" + b"<row><col name='WOJ'>30</col><col name='SYM'>1</col></row>" * 500 + b"</teryt>")
    with pytest.raises(ValidationError) as caught:
        list(read_teryt(path))
    assert [str(p) for p in caught.value.problems] == [
        "TERC.xml:1:8: wiersze pliku nie mają kolumn TERC POW, GMI, RODZ, NAZWA, tylko WOJ, SYM: to nie jest plik TERC "
        "(oczekiwany nagłówek: WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA (TERC, wariant „Urzędowy”))"
    ]


def test_an_empty_or_binary_csv_is_a_problem(tmp_path: Path) -> None:
    empty, binary = tmp_path / "empty.csv", tmp_path / "binary.csv"
    empty.write_bytes(b"")
    binary.write_bytes(b"\x00\x81\x98" * 10)
    assert messages(read_teryt(empty)) == ["empty.csv: plik jest pusty"]
    assert messages(read_teryt(binary)) == [
        "binary.csv: plik nie jest w UTF-8 ani w Windows-1250 (zapisz go jako CSV UTF-8 (w Excelu: Zapisz jako → CSV UTF-8))"
    ]


@pytest.fixture(scope="module", params=["excerpt", "whole"])
def index(request: pytest.FixtureRequest) -> MunicipalityIndex:
    """The index of the counties the seats below need (runs everywhere), and of the whole register."""
    return MunicipalityIndex.from_file(SEATS if request.param == "excerpt" else whole_terc())


@pytest.mark.parametrize(
    ("seat", "key"),
    [
        (("WIELKOPOLSKIE", "MIĘDZYCHODZKI", "KWILCZ", "KWILCZ"), "teryt:3014022"),
        (("wielkopolskie", "M. POZNAŃ", "M. POZNAŃ", ""), "teryt:3064011"),
        (("WIELKOPOLSKIE", "POZNAŃ", "POZNAŃ-JEŻYCE", "POZNAŃ"), "teryt:3064011"),
        (("MAZOWIECKIE", "M. ST. WARSZAWA", "M. ST. WARSZAWA", "WARSZAWA"), "teryt:1465011"),
        (("MAZOWIECKIE", "WARSZAWA", "MOKOTÓW", "WARSZAWA"), "teryt:1465011"),
        (("LUBUSKIE", "STRZELECKO - DREZDENECKI", "DREZDENKO", "DREZDENKO"), "teryt:0806023"),
        (("DOLNOŚLĄSKIE", "BOLESŁAWIECKI", "BOLESŁAWIEC", "BOLESŁAWIEC"), "teryt:0201011"),
        (("DOLNOŚLĄSKIE", "BOLESŁAWIECKI", "BOLESŁAWIEC", "KRUSZYN"), "teryt:0201022"),
        (("DOLNOŚLĄSKIE", "BOLESŁAWIECKI", "M. BOLESŁAWIEC", ""), "teryt:0201011"),
    ],
)
def test_seats_match_their_municipality(index: MunicipalityIndex, seat: tuple[str, str, str, str], key: str) -> None:
    assert index.match(*seat).key == key


@pytest.mark.parametrize(
    ("seat", "message"),
    [
        (
            ("PODKARPACKIE", "", "CZARNA", ""),
            "gmina 'CZARNA' jest niejednoznaczna: 1801032 Czarna (rural), 1803032 Czarna (rural), "
            "1810032 Czarna (rural) (podaj powiat albo miejscowość siedziby, albo dodaj LOCATED_IN ręcznie)",
        ),
        (
            ("DOLNOŚLĄSKIE", "BOLESŁAWIECKI", "BOLESŁAWIEC", ""),
            "gmina 'BOLESŁAWIEC' jest niejednoznaczna: 0201011 Bolesławiec "
            "(urban), 0201022 Bolesławiec (rural) (podaj powiat albo miejscowość siedziby, albo dodaj LOCATED_IN ręcznie)",
        ),
        (("WIELKOPOLSKIE", "POZNAŃSKI", "KWILCZ", ""), "gmina 'KWILCZ' nie występuje w TERYT (POZNAŃSKI)"),
        (("WIELKOPOLSKA", "POZNAŃSKI", "KWILCZ", ""), "województwo 'WIELKOPOLSKA' nie występuje w TERYT (Polska)"),
    ],
)
def test_ambiguous_or_unknown_seats_are_reported_not_guessed(
    index: MunicipalityIndex, seat: tuple[str, str, str, str], message: str
) -> None:
    found = index.match(*seat)
    assert found.key is None and str(Problem(found.problem or "", hint=found.hint)) == message


def test_an_index_built_from_a_store_matches_like_one_from_the_file(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        assert str(MunicipalityIndex.from_store(store).match("LUBUSKIE", "", "DREZDENKO").problem) == (
            "brak gmin TERYT, do których można dopasować siedzibę"
        )
        load(store, read_teryt(EXCERPT))
        assert MunicipalityIndex.from_store(store).match("LUBUSKIE", "", "DREZDENKO").key == "teryt:0806023"


def test_nodes_record_their_source() -> None:
    nodes = {n.key: n for n in split(read_teryt(EXCERPT))[0]}
    assert nodes["teryt:3014022"].props["source"] == "GUS TERYT TERC"
    assert nodes["teryt:3014"].props["source"] == "GUS TERYT TERC"
