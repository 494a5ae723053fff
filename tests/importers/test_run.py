"""The import pipeline as a user meets it: all-or-nothing, placed problems, reconciliation, runs."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from partnergraph.errors import ConfigError, PartnergraphError, Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.base import READERS, Located
from partnergraph.importers.run import ImportFailed, guess_format, run_import
from partnergraph.records import Node

FIXTURES = Path(__file__).parent / "fixtures" / "spreadsheet"


def network(folder: Path) -> Path:
    """The fixture network (organisations in Windows-1250, municipality, ties) in a folder."""
    folder.mkdir(exist_ok=True)
    for name in ("organizacje.csv", "gminy.csv", "powiazania.csv"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding=encoding)
    return path


def snapshot(store: GraphStore) -> tuple[int, dict[str, int], dict[str, int]]:
    return store.version(), store.count_nodes(), store.count_ties()


def test_folder_of_csv_imports_in_one_write_labelled_with_the_run(store: GraphStore, tmp_path: Path) -> None:
    report = run_import(store, network(tmp_path / "siec"), user="anna")
    assert (report.format, report.records, report.rejected) == ("csv", 10, 0)
    assert (report.count("created"), report.version) == (10, 1)
    assert store.count_nodes() == {"Municipality": 1, "Organisation": 4}
    assert store.count_ties() == {"LOCATED_IN": 2, "REFERS": 1, "SUPPORTS": 1, "TRADES_WITH": 1}
    trade = store.get_tie("org:spoldzielnia-socjalna-laka-[TRADES_WITH]->nip:7770000206@2024-03-01")
    assert trade is not None and trade.props == {
        "since": trade.props["since"],
        "amount": 12500.5,
        "social_clause": True,
    }
    assert report.source.startswith("import siec (run ") and report.source.endswith(")")
    assert {c.source for c in store.changes(limit=None)} == {report.source}
    assert {c.user for c in store.changes(limit=None)} == {"anna"}
    node = store.get_node("org:ces-kwilcz")
    assert node is not None and node.origin == report.source


def test_reimport_changes_nothing_and_a_changed_file_updates_in_place(store: GraphStore, tmp_path: Path) -> None:
    folder = network(tmp_path / "siec")
    run_import(store, folder)
    again = run_import(store, folder)
    assert (again.count("created"), again.count("updated"), again.count("unchanged")) == (0, 0, 10)
    assert again.version == 1 and store.version() == 1
    organisations = folder / "organizacje.csv"
    text = organisations.read_bytes().decode("cp1250")
    organisations.write_bytes(text.replace("01.02.2022", "01.03.2022").encode("cp1250"))
    changed = run_import(store, folder)
    assert (changed.count("created"), changed.count("updated"), changed.version) == (0, 1, 2)
    assert str(store.get_node("org:ces-kwilcz").props["founded"]) == "2022-03-01"  # type: ignore[union-attr]


def test_one_bad_row_rejects_the_whole_file_with_every_problem_placed(store: GraphStore, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path / "organizacje.csv",
        """
        nazwa;rodzaj;NIP;data założenia
        Fundacja Dobra;ngo;;2020-01-01
        Spółdzielnia Socjalna Łąka;spółdzielnia socjalna;526-020-23-94;31.02.2024
        Firma;sklep;;
    """,
    )
    with pytest.raises(ImportFailed) as caught:
        run_import(store, path)
    assert [str(p) for p in caught.value.report.problems] == [
        "organizacje.csv:3:3: NIP '526-020-23-94' ma błędną sumę kontrolną "
        "(sprawdź numer w rejestrze; literówka w jednej cyfrze zmienia sumę kontrolną)",
        "organizacje.csv:3:4: '31.02.2024' nie jest datą; podaj RRRR-MM-DD (2024-03-01) lub DD.MM.RRRR (01.03.2024)",
        "organizacje.csv:4:2: 'sklep' nie jest dozwoloną wartością 'kind' (dozwolone: business, ces, church_body, "
        "integration_centre, labour_office, municipality_office, ngo, other, owes, school, social_cooperative, welfare_centre)",
    ]
    assert str(caught.value).splitlines()[0] == (
        "import odrzucony (3 problemy); nic nie zapisano (popraw plik albo dodaj --skip-invalid, aby wczytać poprawne wiersze)"
    )
    assert snapshot(store) == (0, {}, {})
    assert not (tmp_path / "organizacje.rejected.csv").exists()


def test_skip_invalid_writes_the_valid_rows_and_the_rejected_ones_beside_the_file(
    store: GraphStore, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path / "organizacje.csv",
        """
        nazwa;rodzaj;NIP
        Fundacja Dobra;ngo;
        Spółdzielnia Socjalna Łąka;spółdzielnia socjalna;526-020-23-94
    """,
    )
    report = run_import(store, path, skip_invalid=True)
    assert (report.records, report.rejected, report.count("created")) == (2, 1, 1)
    assert report.rejected_file == tmp_path / "organizacje.rejected.csv"
    with report.rejected_file.open(encoding="utf-8-sig", newline="") as rejected:
        rows = list(csv.reader(rejected, delimiter=";"))
    assert rows[0] == ["miejsce", "problemy", "rekord"]
    assert rows[1][:2] == [
        "organizacje.csv:3",
        "organizacje.csv:3:3: NIP '526-020-23-94' ma błędną sumę kontrolną "
        "(sprawdź numer w rejestrze; literówka w jednej cyfrze zmienia sumę kontrolną)",
    ]
    assert json.loads(rows[1][2])["props"]["nip"] == "526-020-23-94"
    assert len(rows) == 2
    assert store.count_nodes() == {"Organisation": 1}


def test_dry_run_reports_what_would_change_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    folder = network(tmp_path / "siec")
    report = run_import(store, folder, dry_run=True)
    assert (report.count("created"), report.dry_run) == (10, True)
    assert snapshot(store) == (0, {}, {})
    run_import(store, folder)
    (folder / "gminy.csv").write_text("nazwa;kod TERYT\nKwilcz (gmina);3014022\n", encoding="utf-8")
    report = run_import(store, folder, dry_run=True, skip_invalid=True)
    assert (report.count("updated"), report.count("unchanged"), report.rejected_file) == (1, 9, None)
    assert store.get_node("teryt:3014022").props["name"] == "Kwilcz"  # type: ignore[union-attr]


def test_ties_may_point_at_nodes_in_the_store_and_are_checked_there(store: GraphStore, tmp_path: Path) -> None:
    run_import(store, network(tmp_path / "siec"))
    path = csv_file(
        tmp_path / "nowe.csv",
        """
        od;do;typ;forma współpracy;liczba skierowań
        org:gops-kwilcz;Żółta Łódź Sp. z o.o.;współpracuje z;porozumienie;
        org:gops-kwilcz;org:nieznana;współpracuje z;porozumienie;
        Fundacja Nieistniejąca;org:ces-kwilcz;współpracuje z;;
        Żółta Łódź Sp. z o.o.;org:gops-kwilcz;kieruje;;3
        org:gops-kwilcz;org:ces-kwilcz;kieruje;;
    """,
    )
    with pytest.raises(ImportFailed) as caught:
        run_import(store, path)
    assert [str(p) for p in caught.value.report.problems] == [
        "nowe.csv:3:2: nie ma węzła org:nieznana ani w pliku, ani w magazynie (dodaj węzeł org:nieznana albo popraw klucz)",
        "nowe.csv:4:1: nie ma węzła o nazwie 'Fundacja Nieistniejąca' ani w pliku, ani w magazynie "
        "(wpisz nazwę dokładnie jak w arkuszu węzłów albo klucz (np. krs:0000123456, org:nazwa))",
        "nowe.csv:5:1: REFERS nie może zaczynać się w organizacji rodzaju 'business'; dozwolone: ces, integration_centre, "
        "labour_office, ngo, welfare_centre",
        "nowe.csv:5:2: REFERS nie może kończyć się w organizacji rodzaju 'welfare_centre'; dozwolone: ces, integration_centre, "
        "owes, social_cooperative",
        "nowe.csv:6:5: brak wymaganej właściwości 'count'",
    ]
    assert store.version() == 1


def test_ties_may_come_before_their_nodes(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "siec.jsonl"
    path.write_text(
        '{"tie": {"type": "LOCATED_IN", "start": "org:laka", "end": "teryt:3014022"}}\n'
        '{"node": {"type": "Municipality", "props": {"name": "Kwilcz", "teryt": "3014022"}}}\n'
        '{"node": {"key": "org:laka", "type": "Organisation", "props": {"name": "Łąka", "kind": "social_cooperative"}}}\n',
        encoding="utf-8",
    )
    report = run_import(store, path)
    assert report.count("created") == 3
    assert [n.key for _, n in store.neighbours("org:laka")] == ["teryt:3014022"]


def test_a_name_that_fits_several_nodes_must_be_a_key(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "siec"
    folder.mkdir()
    csv_file(
        folder / "organizacje.csv",
        """
        nazwa;rodzaj;NIP
        Fundacja Razem;ngo;7770000206
        Fundacja Razem;ngo;5250000104
        Spółdzielnia Łąka;social_cooperative;
    """,
    )
    csv_file(folder / "powiazania.csv", "od;do;typ\nFundacja Razem;Spółdzielnia Łąka;founded\n")
    with pytest.raises(ImportFailed) as caught:
        run_import(store, folder)
    assert [str(p) for p in caught.value.report.problems] == [
        "powiazania.csv:2:1: nazwa 'Fundacja Razem' pasuje do kilku węzłów: nip:7770000206, nip:5250000104 (wpisz klucz zamiast nazwy)"
    ]


def test_a_record_sharing_an_identifier_merges_into_the_stored_organisation(store: GraphStore, tmp_path: Path) -> None:
    store.upsert(
        [Node("org:zolta-lodz", "Organisation", {"name": "Żółta Łódź", "kind": "business", "nip": "7770000206"})],
        source="by hand",
    )
    path = tmp_path / "krs.jsonl"
    path.write_text(
        '{"node": {"type": "Organisation", "props": {"name": "ŻÓŁTA ŁÓDŹ SP. Z O.O.", "kind": "business", '
        '"krs": "0000123456", "nip": "7770000206"}}}\n'
        '{"node": {"key": "org:laka", "type": "Organisation", "props": {"name": "Łąka", "kind": "social_cooperative"}}}\n'
        '{"tie": {"type": "TRADES_WITH", "start": "org:laka", "end": "krs:0000123456"}}\n',
        encoding="utf-8",
    )
    report = run_import(store, path)
    assert [str(n) for n in report.notices] == [
        "krs.jsonl:1: krs:0000123456 ma ten sam identyfikator (nip:7770000206) co zapisana organizacja org:zolta-lodz — scalono z nią"
    ]
    assert store.get_node("krs:0000123456") is None
    merged = store.get_node("org:zolta-lodz")
    assert (
        merged is not None and merged.props["krs"] == "0000123456" and merged.props["name"] == "ŻÓŁTA ŁÓDŹ SP. Z O.O."
    )
    assert [n.key for _, n in store.neighbours("org:laka")] == ["org:zolta-lodz"]


def test_same_name_and_place_is_reported_as_a_probable_duplicate_never_merged(
    store: GraphStore, tmp_path: Path
) -> None:
    run_import(store, network(tmp_path / "siec"))
    path = csv_file(
        tmp_path / "nowe.csv",
        """
        klucz;nazwa;rodzaj;miejscowość
        org:laka;SPÓŁDZIELNIA SOCJALNA ŁĄKA;social_cooperative;Kwilcz
        org:laka-poznan;Spółdzielnia Socjalna Łąka;social_cooperative;Poznań
    """,
    )
    report = run_import(store, path)
    assert [str(n) for n in report.notices] == [
        "nowe.csv:2: org:laka to prawdopodobnie duplikat zapisanej organizacji org:spoldzielnia-socjalna-laka "
        "(ta sama nazwa i miejsce) — nie scalono (jeśli to ta sama organizacja, wpisz w kolumnie klucza "
        "org:spoldzielnia-socjalna-laka)"
    ]
    assert store.count_nodes()["Organisation"] == 6


def test_a_failure_half_way_through_the_write_leaves_the_store_as_it_was(store: GraphStore, tmp_path: Path) -> None:
    run_import(store, network(tmp_path / "siec"))
    before = snapshot(store)
    passes: list[int] = []

    def flaky(path: Path) -> Iterator[Located | Problem]:
        passes.append(1)
        for i in range(12000):
            if len(passes) == 2 and i == 9000:
                raise OSError("disk unplugged")
            yield Located(Node("", "Organisation", {"name": f"Organizacja {i}", "kind": "ngo"}), f"{path.name}:{i + 2}")

    READERS["flaky"] = flaky
    try:
        with pytest.raises(OSError, match="disk unplugged"):
            run_import(store, network(tmp_path / "siec"), format="flaky")
    finally:
        del READERS["flaky"]
    assert snapshot(store) == before
    assert store.find_nodes(text="Organizacja") == []


KILL = """
import os, signal, sys
from pathlib import Path
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.run import run_import

def progress(phase, done, total):
    if phase == "write" and done >= 10000:
        os.kill(os.getpid(), signal.SIGKILL)

run_import(SqliteStore(sys.argv[1]), Path(sys.argv[2]), progress=progress)
"""


def test_a_kill_half_way_through_the_write_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    with SqliteStore(db) as store:
        run_import(store, network(tmp_path / "siec"))
        before = snapshot(store)
    rows = "\n".join(f"Fundacja {i};ngo" for i in range(20000))
    big = csv_file(tmp_path / "organizacje.csv", f"nazwa;rodzaj\n{rows}\n")
    done = subprocess.run(
        [sys.executable, "-c", KILL, str(db), str(big)], check=False, env={**os.environ, "PYTHONPATH": os.getcwd()}
    )
    assert done.returncode == -signal.SIGKILL
    with SqliteStore(db) as store:
        assert snapshot(store) == before
        assert store.check() == []


def test_progress_is_reported_while_checking_and_writing(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    rows = "\n".join(f"Fundacja {i};ngo" for i in range(2500))
    path = csv_file(tmp_path / "organizacje.csv", f"nazwa;rodzaj\n{rows}\n")
    calls: list[tuple[str, int, int | None]] = []
    run_import(sqlite_store, path, progress=lambda *call: calls.append(call))
    assert calls == [("check", 1000, None), ("check", 2000, None), ("check", 2500, None), ("write", 2500, 2500)]


CHANGED = "o.csv: plik zmienił się w trakcie importu (zamknij go w arkuszu i uruchom import ponownie)"


def import_changing(store: GraphStore, path: Path, stage: str, change: Callable[[Path], object]) -> str:
    """The error of importing ``path`` when ``change`` alters it the first time the import reports ``stage``."""
    done: list[str] = []

    def progress(at: str, count: int, total: int | None) -> None:
        if at == stage and not done:
            done.append(at)
            change(path)

    with pytest.raises(ValidationError) as caught:
        run_import(store, path, progress=progress)
    assert done == [stage]
    assert snapshot(store) == (0, {}, {})  # nothing written
    return str(caught.value)


def test_a_file_changed_between_checking_and_writing_is_not_written(store: GraphStore, tmp_path: Path) -> None:
    # a row added after the check, and one that would not pass it: the import stops before reading the file again
    path = csv_file(tmp_path / "o.csv", "nazwa;rodzaj\nA;ngo\nB;ngo\n")
    assert import_changing(store, path, "check", lambda p: p.write_text(p.read_text() + "C;zły rodzaj\n")) == CHANGED


def test_a_file_changed_while_it_is_written_rolls_the_write_back(store: GraphStore, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "o.csv", "nazwa;rodzaj\nA;ngo\nB;ngo\n")

    def saved_again(p: Path) -> None:  # as a spreadsheet saving the same rows: only the time changes
        os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 5_000_000_000))

    assert import_changing(store, path, "write", saved_again) == CHANGED


def test_a_file_read_again_with_other_records_is_not_written(store: GraphStore, tmp_path: Path) -> None:
    # same size and modification time, one record fewer: only the count of records read again tells
    path = csv_file(tmp_path / "o.csv", "nazwa;rodzaj\nA;ngo\nB;ngo\n")

    def same_stamp(p: Path) -> None:
        stat = p.stat()
        p.write_text("nazwa;rodzaj\nA;ngo\n" + "\n" * len("B;ngo\n"))
        os.utime(p, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    assert import_changing(store, path, "check", same_stamp) == CHANGED.removeprefix("o.csv: ")


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("organizacje.csv", "nazwa;rodzaj\n", "csv"),
        ("TERC_Urzedowy_2022-01-01.csv", "\ufeffWOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n", "teryt"),
        ("pkd.csv", "\ufeffid;kolejnosc;symbol;nazwa;opis;numerPoziomu\n", "pkd"),
        ("connections.csv", "From,To,Type,Direction\n", "kumu"),
        ("siec.jsonl", '{"node": {}}\n', "jsonl"),
        ("siec.json", '{"node": {}}\n', "jsonl"),
        ("odpis.json", '{"odpis": {"rodzaj": "Aktualny"}}', "krs"),
        ("terc.xml", '<?xml version="1.0"?>\n<!-- GUS -->\n<teryt><catalog name="TERC">', "teryt"),
        ("siec.xml", '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">', "graphml"),
        ("siec.gexf", "<gexf>", "gexf"),
    ],
)
def test_format_is_guessed_from_the_file(tmp_path: Path, name: str, head: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(head, encoding="utf-8")
    assert guess_format(path) == expected


def test_unknown_or_unavailable_formats_are_clear_errors(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "siec.dat"
    path.write_bytes(b"\x00\x01")
    with pytest.raises(ConfigError, match=r"nie rozpoznano formatu pliku siec\.dat") as caught:
        run_import(store, path)
    assert "podaj --format: csv, xlsx, kumu" in str(caught.value)
    with pytest.raises(ConfigError, match="format 'dbase' nie jest dostępny w tej instalacji"):
        run_import(store, path, format="dbase")
    (tmp_path / "stary.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ValidationError, match=r"stary format Excela \(.xls\) nie jest obsługiwany"):
        run_import(store, tmp_path / "stary.xls")
    with pytest.raises(PartnergraphError, match="nie ma pliku"):
        run_import(store, tmp_path / "brak.csv")


def test_the_write_is_one_version_even_for_many_batches(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    folder = tmp_path / "duza"
    folder.mkdir()
    csv_file(folder / "organizacje.csv", "nazwa;rodzaj\n" + "\n".join(f"Fundacja {i};ngo" for i in range(12000)))
    csv_file(
        folder / "powiazania.csv",
        "od;do;typ\n" + "\n".join(f"Fundacja {i};Fundacja {i + 1};współpracuje z" for i in range(11999)),
    )
    report = run_import(sqlite_store, folder)
    assert (report.count("created"), report.version) == (23999, 1)
    assert sqlite_store.count_ties() == {"COOPERATES_WITH": 11999}


def test_a_name_without_letters_or_digits_gives_no_broken_key(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "organizacje.csv", "nazwa;rodzaj\n„@@”;ngo\n")
    with pytest.raises(ImportFailed):
        run_import(sqlite_store, path)
    assert sqlite_store.check() == []
