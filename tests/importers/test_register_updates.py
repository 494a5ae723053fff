"""Register updates: a newer TERC ends superseded units, an older one is refused, the report tells real changes."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest

from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.importers.run import ImportFailed, ImportReport, run_import
from partnergraph.importers.teryt import MunicipalityIndex
from partnergraph.queries.coverage import coverage
from partnergraph.records import Node, Tie
from tests.conftest import shared_data

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "teryt"
BEFORE = FIXTURES / "TERC_2020_pabianicki_modified.csv"  # Lutomiersk 1008062, a rural gmina (before its town charter)
AFTER = FIXTURES / "TERC_2022_pabianicki.csv"  # Lutomiersk 1008063, urban-rural, with its town and rural parts
LUTOMIERSK = ("ŁÓDZKIE", "PABIANICKI", "LUTOMIERSK", "LUTOMIERSK")


def notices(report: ImportReport) -> list[str]:
    return [str(n) for n in report.notices]


def live_gminas(store: GraphStore, county: str) -> list[str]:
    index = MunicipalityIndex.from_store(store)
    return sorted(u.code for u in index.gminas.get(county, ()))


def test_a_newer_register_ends_the_superseded_gmina_and_keeps_it(store: GraphStore) -> None:
    run_import(store, BEFORE)
    report = run_import(store, AFTER)
    old = store.get_node("teryt:1008062")
    assert old is not None and old.props["ended"] == dt.date(2022, 1, 1) and old.props["name"] == "Lutomiersk"
    assert store.get_tie("teryt:1008062-[PART_OF]->teryt:1008") is not None  # kept for history
    assert store.get_node("teryt:1008063").props["valid_from"] == dt.date(2022, 1, 1)  # type: ignore[union-attr]
    assert "1008062" not in live_gminas(store, "1008") and "1008063" in live_gminas(store, "1008")
    assert MunicipalityIndex.from_store(store).match(*LUTOMIERSK).key == "teryt:1008063"  # not ambiguous
    assert notices(report) == [
        f"{AFTER.name}: TERYT TERC: nowe jednostki: 3 (np. 1008063 Lutomiersk, 1008064 Lutomiersk, 1008065 Lutomiersk)",
        f"{AFTER.name}: TERYT TERC: jednostki zakończone (nie ma ich w stanie na 2022-01-01; zostają jako historia): 1 "
        "(np. 1008062 Lutomiersk)",
        f"{AFTER.name}: TERYT TERC: jednostki zmienione tylko przez datę stanu rejestru: 1",
    ]
    assert (
        report.summary.get("node", "updated") == 2
    )  # the voivodeship's register date and the ended gmina, nothing else


def test_coverage_lists_only_current_municipalities(store: GraphStore) -> None:
    run_import(store, BEFORE)
    run_import(store, AFTER)
    listed = {row.municipality for row in coverage(store).rows}
    assert "teryt:1008063" in listed and "teryt:1008062" not in listed


def test_an_older_register_is_refused_in_one_line(store: GraphStore) -> None:
    run_import(store, AFTER)
    version = store.version()
    with pytest.raises(ImportFailed) as caught:
        run_import(store, BEFORE)
    assert [str(p) for p in caught.value.problems] == [
        f"{BEFORE.name}:2:7: plik ma stan rejestru TERYT TERC na 2020-01-01, starszy niż zapisany w magazynie (2022-01-01); "
        "nic nie zapisano (pobierz nowszy plik albo, aby świadomie wczytać starszy stan, dodaj --allow-older)"
    ]
    assert store.version() == version and store.get_node("teryt:1008062") is None


def test_an_older_register_is_applied_only_when_allowed(store: GraphStore) -> None:
    run_import(store, BEFORE)
    run_import(store, AFTER)
    report = run_import(store, BEFORE, options={"allow_older": True})
    assert notices(report)[0] == (
        f"{BEFORE.name}:2: wczytano starszy stan rejestru TERYT TERC (2020-01-01) zamiast zapisanego (2022-01-01), bo podano --allow-older"
    )
    assert store.get_node("teryt:10").props["register_date"] == dt.date(2020, 1, 1)  # type: ignore[union-attr]
    assert MunicipalityIndex.from_store(store).match(*LUTOMIERSK).key == "teryt:1008062"  # as the older state says
    assert run_import(store, AFTER).summary.get("node", "created") == 0
    assert MunicipalityIndex.from_store(store).match(*LUTOMIERSK).key == "teryt:1008063"


def test_a_newer_register_with_no_real_change_reports_date_only(store: GraphStore) -> None:
    """The real 2022 and 2024 rows of eight dolnośląskie counties: the same units, another date."""
    run_import(store, FIXTURES / "TERC_2022_dolnoslaskie_0201-0208.csv")
    report = run_import(store, FIXTURES / "TERC_2024_dolnoslaskie_0201-0208.csv")
    assert notices(report) == [
        "TERC_2024_dolnoslaskie_0201-0208.csv: TERYT TERC: jednostki zmienione tylko przez datę stanu rejestru: 1"
    ]
    assert report.count("updated") == 1 and store.get_node("teryt:02").props["register_date"] == dt.date(2024, 1, 1)  # type: ignore[union-attr]


def test_renames_and_units_of_a_store_written_with_dated_sources_are_told_apart(store: GraphStore) -> None:
    """A store written before register dates: each unit's source had the date; a rename is still told apart."""
    dated = "GUS TERYT TERC, stan na 2020-01-01"
    store.upsert(
        [
            Node("teryt:10", "Voivodeship", {"name": "łódzkie", "teryt": "10", "source": dated}),
            Node("teryt:1008", "County", {"name": "pabianicki", "teryt": "1008", "source": dated}),
            Node(
                "teryt:1008032",
                "Municipality",
                {"name": "Dłutów Stary", "teryt": "1008032", "municipality_type": "rural", "source": dated},
            ),
        ],
        [Tie("PART_OF", "teryt:1008", "teryt:10"), Tie("PART_OF", "teryt:1008032", "teryt:1008")],
        source="old",
    )
    report = run_import(store, AFTER)
    assert notices(report)[1:] == [
        f"{AFTER.name}: TERYT TERC: zmienione nazwy: 1 (1008032 Dłutów Stary → Dłutów)",
        f"{AFTER.name}: TERYT TERC: jednostki zmienione tylko przez datę stanu rejestru: 2",
    ]


def test_an_excerpt_ends_only_gminas_of_its_counties(store: GraphStore) -> None:
    run_import(store, FIXTURES / "TERC_2022_dolnoslaskie_0201-0208.csv")
    only = FIXTURES.parent.parent / "importers" / "fixtures" / "registers" / "TERC_2022_excerpt.csv"
    report = run_import(store, only)  # other counties of other voivodeships: nothing of 02 ends
    assert all("ended" not in n.props for n in store.iter_nodes("Municipality"))
    assert not any("zakończone" in n for n in notices(report))


def test_a_gus_zip_is_opened(store: GraphStore, tmp_path: Path) -> None:
    archive = tmp_path / "TERC_Urzedowy_2022-01-01.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(AFTER, "TERC_Urzedowy_2022-01-01.csv")
    report = run_import(store, archive, format="teryt")
    assert report.count("created") > 0 and store.get_node("teryt:1008063") is not None


def test_a_zip_without_terc_says_what_is_inside(store: GraphStore, tmp_path: Path) -> None:
    archive = tmp_path / "SIMC_Urzedowy.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("SIMC_Urzedowy_2025-01-01.xml", "<SIMC/>")
    with pytest.raises(ImportFailed) as caught:
        run_import(store, archive, format="teryt")
    assert [str(p) for p in caught.value.problems] == [
        "SIMC_Urzedowy.zip: w archiwum ZIP nie ma pliku TERC, są: SIMC_Urzedowy_2025-01-01.xml "
        "(oczekiwany nagłówek: WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA (TERC, wariant „Urzędowy”))"
    ]


def test_another_gus_catalogue_as_teryt_is_one_problem(store: GraphStore) -> None:
    """The real WMRODZ.xml (12 rows) given as --format teryt: one line, not one per row."""
    with pytest.raises(ImportFailed) as caught:
        run_import(store, FIXTURES.parent / "gus" / "WMRODZ.xml", format="teryt")
    assert caught.value.report.problem_count == 1
    assert str(caught.value.problems[0]).startswith(
        "WMRODZ.xml:4:5: wiersze pliku nie mają kolumn TERC WOJ, POW, GMI, RODZ, NAZWA, tylko RM, NAZWA_RM, STAN_NA: to nie jest plik TERC"
    )


def test_the_reader_alone_still_raises_one_problem_for_a_bad_zip(tmp_path: Path) -> None:
    from partnergraph.importers.teryt import read_teryt

    archive = tmp_path / "TERC.zip"
    archive.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(ValidationError):
        list(read_teryt(archive))


def test_the_cli_refuses_an_older_register_in_one_line_and_takes_allow_older(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from partnergraph.cli import main

    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    assert CliRunner().invoke(main, ["import", str(AFTER)]).exit_code == 0
    refused = CliRunner().invoke(main, ["import", str(BEFORE)])
    assert refused.exit_code == 1 and "--allow-older" in refused.output and "2020-01-01" in refused.output
    assert "Traceback" not in refused.output
    allowed = CliRunner().invoke(main, ["import", str(BEFORE), "--allow-older"])
    assert allowed.exit_code == 0, allowed.output


def test_an_older_krs_extract_never_replaces_a_newer_one(store: GraphStore, tmp_path: Path) -> None:
    from partnergraph.importers.base import Located
    from partnergraph.importers.krs import read_krs
    from partnergraph.importers.pkd import ActivityIndex

    registers = Path(__file__).parent / "fixtures" / "registers"
    extract = registers / "krs" / "0000999001_spoldzielnia_socjalna.json"  # stanZDnia 10.03.2025
    indexes: dict[str, Any] = {
        "municipalities": MunicipalityIndex.from_file(registers / "TERC_2022_excerpt.csv"),
        "activities": ActivityIndex(),
    }
    organisation = [
        i.record for i in read_krs(extract, **indexes) if isinstance(i, Located) and isinstance(i.record, Node)
    ]
    store.upsert(organisation, source="test")
    older = tmp_path / extract.name
    older.write_text(
        extract.read_text(encoding="utf-8").replace('"stanZDnia": "10.03.2025"', '"stanZDnia": "10.03.2024"')
    )
    with pytest.raises(ValidationError) as caught:
        list(read_krs(older, store=store, **indexes))
    assert [str(p) for p in caught.value.problems] == [
        f"{older.name}:8:13: plik ma stan rejestru KRS 0000999001 na 2024-03-10, starszy niż zapisany w magazynie (2025-03-10); "
        "nic nie zapisano (pobierz nowszy plik albo, aby świadomie wczytać starszy stan, dodaj --allow-older)"
    ]
    assert list(read_krs(older, store=store, allow_older=True, **indexes))
    newer = tmp_path / "newer.json"
    newer.write_text(
        extract.read_text(encoding="utf-8").replace('"stanZDnia": "10.03.2025"', '"stanZDnia": "10.03.2026"')
    )
    assert list(read_krs(newer, store=store, **indexes))


def test_a_whole_register_ends_a_county_it_no_longer_lists(store: GraphStore, tmp_path: Path) -> None:
    """The real 2022 register, then the same register written by this test as of 2023 without powiat 0806."""
    whole = shared_data("teryt/TERC_Urzedowy_2022-01-01.csv")
    run_import(store, whole)
    lines = whole.read_bytes().split(b"\r\n")
    newer = tmp_path / "TERC_2023_bez_0806.csv"
    newer.write_bytes(
        b"\r\n".join(line.replace(b";2022-01-01", b";2023-01-01") for line in lines if not line.startswith(b"08;06;"))
    )
    report = run_import(store, newer)
    ended = {n.key for t in ("County", "Municipality") for n in store.iter_nodes(t) if "ended" in n.props}
    gone = (
        "013",
        "014",
        "015",
        "023",
        "024",
        "025",
        "032",
        "043",
        "044",
        "045",
        "052",
    )  # Dobiegniew … Zwierzyn, with parts
    assert ended == {"teryt:0806", *(f"teryt:0806{c}" for c in gone)}
    assert report.summary.get("node", "updated") == 16 + 12  # the voivodeships' register date, and the ended units


def test_a_gus_zip_is_recognised_without_format(store: GraphStore, tmp_path: Path) -> None:
    from partnergraph.importers.run import guess_format

    archive = tmp_path / "TERC_Urzedowy_2022-01-01.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(AFTER, "TERC_Urzedowy_2022-01-01.csv")
    assert guess_format(archive) == "teryt"
    assert (
        run_import(store, archive).summary.get("node", "created") == 11
    )  # łódzkie and the 10 units of powiat pabianicki
    other = tmp_path / "SIMC_Urzedowy.zip"
    with zipfile.ZipFile(other, "w") as zipped:
        zipped.writestr("SIMC_Urzedowy_2025-01-01.xml", "<SIMC/>")
    with pytest.raises(ValidationError) as caught:  # refused while guessing, before any reading
        run_import(store, other)
    assert [str(p) for p in caught.value.problems] == [
        "SIMC_Urzedowy.zip/SIMC_Urzedowy_2025-01-01.xml: to plik SIMC z rejestru TERYT GUS (miejscowości); partnergraph potrzebuje TERC "
        "(pobierz TERC (wariant „Urzędowy”) z eteryt.stat.gov.pl — ma gminy, powiaty i województwa)"
    ]


def test_ended_units_leave_the_lists_unless_organisations_are_still_there(store: GraphStore) -> None:
    from partnergraph.graph.validity import current_units
    from partnergraph.queries.summary import summary

    run_import(store, BEFORE)
    run_import(store, AFTER)
    assert "teryt:1008062" not in {n.key for n in current_units(store, "Municipality")}
    assert "teryt:1008062" not in {r.name for r in summary(store) if r.group == "municipality"}
    store.upsert(
        [Node("org:a", "Organisation", {"name": "Fundacja A", "kind": "ngo"})],
        [Tie("LOCATED_IN", "org:a", "teryt:1008062")],
        source="test",
    )
    counted = {r.name: r.count for r in summary(store) if r.group == "municipality"}
    assert counted["teryt:1008062"] == 1 and counted["teryt:1008063"] == 0
