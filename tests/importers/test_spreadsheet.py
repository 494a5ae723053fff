"""Spreadsheets: the template as XLSX or CSV, from Polish Excel or anywhere, in and out."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped, unused-ignore]
import pytest

from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.run import ImportFailed, run_import
from partnergraph.importers.workbook import export_tables, write_template
from partnergraph.records import Node

FIXTURES = Path(__file__).parent / "fixtures" / "spreadsheet"


def graph(store: GraphStore) -> tuple[dict[str, Any], dict[str, Any]]:
    """Nodes and ties as plain data, to compare stores."""
    return (
        {n.key: (n.type, dict(n.props)) for n in store.iter_nodes()},
        {t.id: (t.type, t.start, t.end, dict(t.props)) for t in store.iter_ties()},
    )


def imported(tmp_path: Path, *paths: Path, name: str = "store.db") -> SqliteStore:
    store = SqliteStore(tmp_path / name)
    for path in paths:
        run_import(store, path)
    return store


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding=encoding)
    return path


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def problems(caught: pytest.ExceptionInfo[ImportFailed]) -> list[str]:
    return [str(p) for p in caught.value.report.problems]


def test_polish_excel_csv_and_english_csv_give_the_same_graph(tmp_path: Path) -> None:
    polish = imported(tmp_path, FIXTURES / "organizacje.csv", name="pl.db")  # Windows-1250, ;, CRLF, 01.02.2022
    english = imported(tmp_path, FIXTURES / "organisations-en.csv", name="en.db")  # UTF-8, ",", 2022-02-01
    assert graph(polish) == graph(english)
    coop = polish.get_node("org:spoldzielnia-socjalna-laka")
    assert coop is not None and coop.props["name"] == "Spółdzielnia Socjalna „Łąka”"
    assert coop.props["founded"] == dt.date(2023, 5, 12) and coop.props["kind"] == "social_cooperative"
    firm = polish.get_node("nip:7770000206")
    assert firm is not None and firm.props["regon"] == "300000120" and firm.props["example"] is True


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250"])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separators_and_encodings_of_excel_exports_are_all_read(tmp_path: Path, encoding: str, separator: str) -> None:
    rows = [
        ["od", "do", "typ", "kwota (PLN)", "od dnia"],
        ["org:laka", "org:zolta", "sprzedaje", '"1 234,50"', "01.03.2024"],
    ]
    folder = tmp_path / "siec"
    folder.mkdir()
    write(
        folder / "organizacje.csv",
        "klucz;nazwa;rodzaj\norg:laka;Łąka;spółdzielnia socjalna\norg:zolta;Żółta;business\n",
        encoding,
    )
    text = "\n".join(separator.join(row) for row in rows) + "\n"
    write(folder / "powiazania.csv", text if separator != ";" else text.replace('"1 234,50"', "1 234,50"), encoding)
    store = imported(tmp_path, folder)
    (tie,) = store.iter_ties()
    assert tie.props == {"amount": 1234.5, "since": dt.date(2024, 3, 1)}
    assert store.get_node("org:laka").props["name"] == "Łąka"  # type: ignore[union-attr]


def test_duplicate_and_missing_columns_are_named(store: GraphStore, tmp_path: Path) -> None:
    path = write(tmp_path / "organizacje.csv", "nazwa;NIP;Nazwa;nip\nŁąka;;Łąka;\n")
    with pytest.raises(ImportFailed) as caught:
        run_import(store, path, skip_invalid=True)
    assert problems(caught) == [
        "organizacje.csv:1:3: kolumna 'Nazwa' powtarza kolumnę 'nazwa' (name) (zostaw jedną z nich)",
        "organizacje.csv:1:4: kolumna 'nip' powtarza kolumnę 'NIP' (nip) (zostaw jedną z nich)",
        "organizacje.csv:1: brak wymaganej kolumny 'rodzaj' (kind) (dodaj kolumnę z nagłówkiem 'rodzaj')",
    ]
    assert str(caught.value.hint) == "popraw plik i zaimportuj go ponownie"
    assert store.version() == 0 and not (tmp_path / "organizacje.rejected.csv").exists()


def test_unknown_columns_are_skipped_and_reported(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    path = write(tmp_path / "organizacje.csv", "Lp.;Nazwa;Rodzaj;Osoba do kontaktu\n1;Łąka;ngo;Anna\n")
    report = run_import(sqlite_store, path)
    assert [str(n.message) for n in report.notices] == [
        "kolumna 'Lp.' nie jest właściwością (Organisation) — pominięto ją",
        "kolumna 'Osoba do kontaktu' nie jest właściwością (Organisation) — pominięto ją",
    ]
    assert [n.where for n in report.notices] == ["organizacje.csv:1:1", "organizacje.csv:1:4"]
    assert sqlite_store.get_node("org:laka").props == {"name": "Łąka", "kind": "ngo", "sector": "social"}  # type: ignore[union-attr]


def test_a_row_with_more_fields_than_the_header_points_at_the_separator(store: GraphStore, tmp_path: Path) -> None:
    path = write(tmp_path / "powiazania.csv", "od,do,typ,kwota (PLN)\norg:a,org:b,sprzedaje,12,50\n")
    with pytest.raises(ImportFailed) as caught:
        run_import(store, path)
    assert problems(caught) == [
        "powiazania.csv:2:5: wiersz ma 5 pól, a nagłówek 4 (sprawdź separator: liczbę z przecinkiem dziesiętnym ujmij "
        "w cudzysłów albo rozdzielaj pola średnikiem)"
    ]


def test_text_in_neither_utf8_nor_windows_1250_is_refused(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "organizacje.csv"
    path.write_bytes("nazwa;rodzaj\nŁąka;ngo\n".encode() + b"\x81\x98\n")
    with pytest.raises(ImportFailed) as caught:
        run_import(store, path)
    assert problems(caught) == [
        "organizacje.csv: plik nie jest w UTF-8 ani w Windows-1250 (zapisz go jako CSV UTF-8 (w Excelu: Zapisz jako → CSV UTF-8))"
    ]


def test_workbook_problems_are_placed_at_their_cells(store: GraphStore, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "siec.xlsx",
        {
            "Organizacje": [
                ["Nazwa", "Rodzaj", "NIP", "REGON", "Data założenia"],
                ["Łąka", "spółdzielnia socjalna", None, None, dt.datetime(2023, 5, 12)],
                ["Żółta Łódź", "business", "526-020-23-94", 123456789, "jutro"],
                ["Fundacja Razem", "ngo"],
            ],
            "Powiązania": [["Od", "Do", "Typ", "Siła"], ["Łąka", "Fundacja Razem", "współpracuje z", 7]],
        },
    )
    with pytest.raises(ImportFailed) as caught:
        run_import(store, path)
    assert problems(caught) == [
        "Organizacje!C3: NIP '526-020-23-94' ma błędną sumę kontrolną (sprawdź numer w rejestrze; literówka w jednej cyfrze "
        "zmienia sumę kontrolną)",
        "Organizacje!D3: REGON '123456789' ma błędną sumę kontrolną (sprawdź numer w rejestrze; literówka w jednej cyfrze "
        "zmienia sumę kontrolną)",
        "Organizacje!E3: 'jutro' nie jest datą; podaj RRRR-MM-DD (2024-03-01) lub DD.MM.RRRR (01.03.2024)",
        "Powiązania!D2: strength = 7 jest poza zakresem 1…5",
    ]
    assert store.version() == 0


def test_workbook_numbers_keep_their_leading_zeros_and_dates_their_day(
    sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "siec.xlsx",
        {
            "Gminy": [["nazwa", "kod TERYT"], ["Bolesławiec", 201011]],
            "Organisations": [
                ["name", "kind", "KRS", "founded", "phone"],
                ["Łąka", "ngo", 123456, dt.datetime(2023, 5, 12), 618001234],
            ],
        },
    )
    run_import(sqlite_store, path)
    assert sqlite_store.get_node("teryt:0201011") is not None
    coop = sqlite_store.get_node("krs:0000123456")
    assert coop is not None and coop.props["founded"] == dt.date(2023, 5, 12) and coop.props["phone"] == "618001234"


def test_sheets_are_told_apart_by_name_or_else_by_header(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "lista.xlsx",
        {
            "Arkusz1": [[], ["Nazwa", "Rodzaj"], ["Łąka", "ngo"]],
            "Arkusz2": [["From", "To", "Type"], ["Łąka", "Kwilcz", "located in"]],
            "Gminy": [["Nazwa", "kod TERYT"], ["Kwilcz", "3014022"]],
            "Notatki": [["coś", "zupełnie", "innego"]],
            "Słowniki": [["słownik", "wartość"], ["x", "y"]],
        },
    )
    report = run_import(sqlite_store, path)
    assert report.count("created") == 3
    assert str(report.notices[0]).startswith("Notatki: arkusz 'Notatki' nie jest znany — pominięto go")
    assert [n.key for _, n in sqlite_store.neighbours("org:laka")] == ["teryt:3014022"]


def test_formula_like_values_are_text_in_and_quoted_out(store: GraphStore, tmp_path: Path) -> None:
    names = [
        '=HYPERLINK("http://zly.example","klik")',
        "+48 61 000 00 00",
        "-- spółdzielnia --",
        "@łąka",
        "'=już z cudzysłowem",
    ]
    rows = "\n".join(f'"{n.replace(chr(34), chr(34) * 2)}";ngo' for n in names)
    run_import(store, write(tmp_path / "organizacje.csv", f"nazwa;rodzaj\n{rows}\n"))
    stored = {str(n.props["name"]) for n in store.iter_nodes()}
    assert stored == {names[0], names[1], names[2], names[3], "=już z cudzysłowem"}
    export_tables(store, tmp_path / "csv", fmt="csv")
    exported = (tmp_path / "csv" / "organizacje.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in exported and ";'+48 61" in exported and ";'-- spół" in exported and ";'@łąka" in exported
    export_tables(store, tmp_path / "siec.xlsx", fmt="xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "siec.xlsx")["Organizacje"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)
    for copy in (tmp_path / "csv", tmp_path / "siec.xlsx"):
        assert graph(imported(tmp_path, copy, name=f"{copy.name}.db")) == graph(store)


def test_export_imports_back_into_the_same_graph(store: GraphStore, tmp_path: Path) -> None:
    run_import(store, Path(__file__).parents[2] / "partnergraph" / "data" / "example.jsonl")
    store.upsert(
        [Node("org:x", "Organisation", {"name": "Kwota i data", "kind": "ngo", "founded": "2001-02-03"})], source="edit"
    )
    for fmt, language, out in (
        ("csv", "pl", tmp_path / "csv"),
        ("xlsx", "pl", tmp_path / "siec.xlsx"),
        ("csv", "en", tmp_path / "en"),
    ):
        counts = export_tables(store, out, fmt=fmt, language=language)
        assert sum(counts.values()) == sum(store.count_nodes().values()) + sum(store.count_ties().values())
        copy = imported(tmp_path, out, name=f"{out.name}.db")
        assert graph(copy) == graph(store)


def test_the_template_has_a_sheet_per_type_ties_and_the_allowed_values(tmp_path: Path) -> None:
    write_template(tmp_path / "szablon.xlsx")
    book = openpyxl.load_workbook(tmp_path / "szablon.xlsx")
    assert book.sheetnames == [
        "Organizacje",
        "Powiązania",
        "Gminy",
        "Powiaty",
        "Województwa",
        "Partnerstwa",
        "Usługi",
        "Działalności",
        "Wydarzenia",
        "Słowniki",
    ]
    header = [c.value for c in book["Organizacje"][1]]
    assert header[:3] == ["klucz", "nazwa *", "rodzaj *"] and {"sektor", "NIP", "data założenia"} <= set(header)
    assert [c.value for c in book["Powiązania"][1]][:5] == ["od", "do", "typ", "od dnia", "do dnia"]
    values = [[c.value for c in row] for row in book["Słowniki"].iter_rows()]
    assert ["Organizacja → rodzaj", "social_cooperative", "spółdzielnia socjalna", "social cooperative"] in [
        v[:4] for v in values
    ]
    assert any(v[:2] == ["typy powiązań", "COOPERATES_WITH"] for v in values)
    assert book["Organizacje"].data_validations.dataValidation  # a drop-down of kinds
    with SqliteStore(tmp_path / "s.db") as store:
        assert run_import(store, tmp_path / "szablon.xlsx").records == 0


def test_the_csv_template_is_a_folder_of_semicolon_files(tmp_path: Path) -> None:
    write_template(tmp_path / "szablon", fmt="csv")
    assert sorted(p.name for p in (tmp_path / "szablon").iterdir()) == [
        "dzialalnosci.csv",
        "gminy.csv",
        "organizacje.csv",
        "partnerstwa.csv",
        "powiaty.csv",
        "powiazania.csv",
        "slowniki.csv",
        "uslugi.csv",
        "wojewodztwa.csv",
        "wydarzenia.csv",
    ]
    ties = (tmp_path / "szablon" / "powiazania.csv").read_bytes()
    assert ties.startswith("\ufeffod;do;typ;od dnia;do dnia;źródło;".encode())
    write_template(tmp_path / "template.xlsx", language="en")
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "template.xlsx")["Ties"][1]][:5] == [
        "from",
        "to",
        "type",
        "since",
        "until",
    ]


def test_the_example_network_ships_as_template_spreadsheets_that_load_the_same_graph(tmp_path: Path) -> None:
    """partnergraph/data/example/ is example.jsonl exported as CSV; after either changes, regenerate it:
    ``partnergraph import partnergraph/data/example.jsonl && partnergraph export csv --force partnergraph/data/example``."""
    data = Path(__file__).parents[2] / "partnergraph" / "data"
    from_jsonl = imported(tmp_path, data / "example.jsonl", name="jsonl.db")
    from_csv = imported(tmp_path, data / "example", name="csv.db")
    assert graph(from_csv) == graph(from_jsonl)
