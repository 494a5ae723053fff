"""Kumu's layout: elements and connections mapped to models.ttl, every default reported."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl  # type: ignore[import-untyped, unused-ignore]
import pytest

from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.run import ImportFailed, guess_format, run_import

KUMU = Path(__file__).parent / "fixtures" / "spreadsheet" / "kumu"


def kumu_workbook(path: Path) -> Path:
    """The fixture's two CSV files as one workbook, as Kumu exports it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title in ("Elements", "Connections"):
        sheet = book.create_sheet(title)
        with (KUMU / f"{title.lower()}.csv").open(encoding="utf-8", newline="") as rows:
            for row in csv.reader(rows):
                sheet.append(row)
    book.save(path)
    return path


def test_elements_and_connections_are_mapped_and_defaults_reported(store: GraphStore) -> None:
    assert guess_format(KUMU) == "kumu"
    report = run_import(store, KUMU)
    assert [str(n) for n in report.notices] == [
        "elements.csv:5:2: typ elementu 'Public institution' nie jest rodzajem organizacji — przyjęto rodzaj 'other'",
        "connections.csv:4:3: typ połączenia 'partnership' nie jest typem powiązania — przyjęto COOPERATES_WITH",
        "connections.csv:6: kierunek 'mutual' przy SUBCONTRACTS: po jednym powiązaniu w każdą stronę",
    ]
    kinds = {n.key: (n.type, n.props.get("kind")) for n in store.iter_nodes()}
    assert kinds == {
        "org:spoldzielnia-socjalna-laka": ("Organisation", "social_cooperative"),
        "nip:7770000206": ("Organisation", "business"),  # its NIP column gives the key
        "org:fundacja-razem": ("Organisation", "ngo"),
        "org:urzad-gminy-kwilcz": ("Organisation", "other"),
        "event:spotkanie-brokerskie-2024": ("Event", None),
    }
    ties = sorted((t.type, t.start, t.end, dict(t.props)) for t in store.iter_ties())
    assert ties == [
        ("COOPERATES_WITH", "org:fundacja-razem", "org:urzad-gminy-kwilcz", {}),
        ("FOUNDED", "org:fundacja-razem", "org:spoldzielnia-socjalna-laka", {}),
        ("SUBCONTRACTS", "nip:7770000206", "org:spoldzielnia-socjalna-laka", {}),
        ("SUBCONTRACTS", "org:spoldzielnia-socjalna-laka", "nip:7770000206", {}),
        ("TOOK_PART_IN", "org:spoldzielnia-socjalna-laka", "event:spotkanie-brokerskie-2024", {}),
        ("TRADES_WITH", "org:spoldzielnia-socjalna-laka", "nip:7770000206", {"note": "catering 2024"}),
    ]
    coop = store.get_node("org:spoldzielnia-socjalna-laka")
    assert coop is not None and coop.props["description"] == "Catering i pielęgnacja zieleni"


def test_a_kumu_workbook_gives_the_same_graph_as_its_csv_files(tmp_path: Path) -> None:
    path = kumu_workbook(tmp_path / "mapa.xlsx")
    assert guess_format(path) == "kumu"
    with SqliteStore(tmp_path / "a.db") as from_csv, SqliteStore(tmp_path / "b.db") as from_xlsx:
        run_import(from_csv, KUMU)
        report = run_import(from_xlsx, path)
        assert report.notices[0].where == "Elements!B5"
        for a, b in ((from_csv.iter_nodes(), from_xlsx.iter_nodes()), (from_csv.iter_ties(), from_xlsx.iter_ties())):
            assert [(r.as_json()) for r in a] == [(r.as_json()) for r in b]


def test_people_are_never_imported(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    folder = tmp_path / "mapa"
    folder.mkdir()
    (folder / "elements.csv").write_text("Label,Type\nJan Kowalski,Person\nFundacja Razem,NGO\n", encoding="utf-8")
    (folder / "connections.csv").write_text("From,To\nJan Kowalski,Fundacja Razem\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        run_import(sqlite_store, folder)
    assert [str(p) for p in caught.value.report.problems] == [
        "elements.csv:2:2: element 'Jan Kowalski' jest osobą (typ 'Person'); partnergraph nie przechowuje danych osobowych "
        "(usuń go albo zastąp organizacją)",
        "connections.csv:2:1: połączenie z elementem 'Jan Kowalski', który odrzucono jako osobę (elements.csv:2) "
        "(usuń to połączenie albo zastąp element organizacją)",
    ]
    report = run_import(sqlite_store, folder, skip_invalid=True)
    assert (report.rejected, sqlite_store.count_nodes(), sqlite_store.count_ties()) == (2, {"Organisation": 1}, {})


def test_a_connection_without_a_type_names_the_empty_column(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    folder = tmp_path / "mapa"
    folder.mkdir()
    (folder / "elements.csv").write_text("Label,Type\nFundacja Razem,NGO\nFirma Las,company\n", encoding="utf-8")
    (folder / "connections.csv").write_text("From,To,Typ połączenia\n,Fundacja Razem,\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        run_import(sqlite_store, folder)
    assert [str(p) for p in caught.value.report.problems] == ["connections.csv:2:1: pusta komórka w kolumnie 'From'"]
    (folder / "connections.csv").write_text("From,To,Type\nFirma Las,Fundacja Razem,\n", encoding="utf-8")
    report = run_import(sqlite_store, folder)
    assert [str(n) for n in report.notices] == [
        "connections.csv:2:3: połączenie bez typu (pusta kolumna 'Type') — przyjęto COOPERATES_WITH"
    ]
    (folder / "connections.csv").write_text("From,To\nFirma Las,Fundacja Razem\n", encoding="utf-8")
    report = run_import(sqlite_store, folder)
    assert [str(n) for n in report.notices] == [
        "connections.csv:2: brak kolumny Type — dla połączeń bez typu przyjęto COOPERATES_WITH"
    ]
