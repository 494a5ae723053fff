"""``partnergraph import / template / export`` as a user runs them: exact lines, exit codes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from partnergraph.cli import main
from partnergraph.graph.sqlite import SqliteStore

FIXTURES = Path(__file__).parent / "fixtures" / "spreadsheet"
EXAMPLE = Path(__file__).parents[2] / "partnergraph" / "data" / "example.jsonl"
Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PARTNERGRAPH_USER", "koordynatorka")
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


BAD = "nazwa;rodzaj;NIP\nFundacja Dobra;ngo;\nSpółdzielnia Łąka;spółdzielnia socjalna;526-020-23-94\nSklep;sklep;\n"


def test_import_prints_a_summary_with_the_run(run: Run, tmp_path: Path) -> None:
    for name in ("organizacje.csv", "gminy.csv", "powiazania.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    result = run("import", "organizacje.csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "Zaimportowano organizacje.csv (csv): rekordów 4, odrzuconych 0",
        "nowe 4, zmienione 0, bez zmian 0 (węzły: 4/0/0, powiązania: 0/0/0)",
    ]
    assert lines[2].startswith("wersja zapisu 1; w dzienniku zmian: import organizacje.csv (run ")
    assert result.stderr == ""
    assert run("import", "gminy.csv").exit_code == 0
    assert "nowe 5," in run("import", "powiazania.csv").stdout
    assert "import powiazania.csv (run " in run("db", "log").stdout


def test_a_bad_file_prints_every_problem_then_one_error_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "organizacje.csv").write_text(BAD, encoding="utf-8")
    result = run("import", "organizacje.csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "organizacje.csv:3:3: NIP '526-020-23-94' ma błędną sumę kontrolną (sprawdź numer w rejestrze; literówka w jednej cyfrze "
        "zmienia sumę kontrolną)",
        "organizacje.csv:4:2: 'sklep' nie jest dozwoloną wartością 'kind' (dozwolone: business, ces, church_body, integration_centre, "
        "labour_office, municipality_office, ngo, other, owes, school, social_cooperative, welfare_centre)",
        "Błąd: import odrzucony (2 problemy); nic nie zapisano (popraw plik albo dodaj --skip-invalid, aby wczytać "
        "poprawne wiersze)",
    ]
    with SqliteStore(tmp_path / "cli.db") as store:
        assert store.version() == 0


def test_english_messages(run: Run, tmp_path: Path) -> None:
    (tmp_path / "organisations.csv").write_text(BAD, encoding="utf-8")
    result = run("--lang", "en", "import", "organisations.csv")
    assert result.stderr.splitlines()[0] == (
        "organisations.csv:3:3: NIP '526-020-23-94' fails its checksum (check the number in the register; "
        "a typo in one digit changes the checksum)"
    )
    assert result.stderr.splitlines()[-1] == (
        "Error: import rejected (2 problems); nothing was written (fix the file, or add --skip-invalid to import the valid rows)"
    )


def test_dry_run_and_skip_invalid(run: Run, tmp_path: Path) -> None:
    (tmp_path / "organizacje.csv").write_text(BAD, encoding="utf-8")
    dry = run("import", "--dry-run", "--skip-invalid", "organizacje.csv")
    assert dry.exit_code == 0
    assert dry.stdout.splitlines() == [
        "Próba (--dry-run) organizacje.csv (csv): rekordów 3, odrzuconych 2; nic nie zapisano",
        "nowe 1, zmienione 0, bez zmian 0 (węzły: 1/0/0, powiązania: 0/0/0)",
    ]
    assert not (tmp_path / "organizacje.rejected.csv").exists()
    real = run("import", "--skip-invalid", "organizacje.csv")
    assert real.exit_code == 0
    assert real.stdout.splitlines()[-1] == "odrzucone rekordy z powodami: organizacje.rejected.csv"
    assert len(real.stderr.splitlines()) == 2  # the two problems, and no error line
    assert (tmp_path / "organizacje.rejected.csv").exists()


def test_notices_are_printed_as_notes(run: Run, tmp_path: Path) -> None:
    (tmp_path / "organizacje.csv").write_text("Lp.;nazwa;rodzaj\n1;Łąka;ngo\n", encoding="utf-8")
    result = run("import", "organizacje.csv")
    assert result.exit_code == 0
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        "organizacje.csv:1:1: uwaga: kolumna 'Lp.' nie jest właściwością (Organisation) — pominięto ją "
        "(znane kolumny: klucz, nazwa *, rodzaj *, "
    )


def test_unknown_format_and_unreadable_files(run: Run, tmp_path: Path) -> None:
    (tmp_path / "siec.dat").write_text("?", encoding="utf-8")
    assert (
        run("import", "siec.dat").stderr
        == "Błąd: nie rozpoznano formatu pliku siec.dat (podaj --format: csv, xlsx, kumu, "
        "jsonl, teryt, pkd, krs, graphml, gexf, turtle, ntriples, jsonld, rdfxml)\n"
    )
    (tmp_path / "zepsuty.xlsx").write_bytes(b"PK\x03\x04 to nie jest skoroszyt")
    result = run("import", "zepsuty.xlsx")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("zepsuty.xlsx: nie można odczytać pliku zepsuty.xlsx: ")
    assert (
        result.stderr.splitlines()[-1] == "Błąd: import odrzucony (1 problem); nic nie zapisano (popraw plik i "
        "zaimportuj go ponownie)"
    )


def test_template_export_and_import_round_trip(run: Run, tmp_path: Path) -> None:
    assert run("template", "szablon.xlsx").stdout == "Zapisano pusty szablon szablon.xlsx\n"
    again = run("template", "szablon.xlsx")
    assert (again.exit_code, again.stderr) == (
        1,
        "Błąd: szablon.xlsx już istnieje (podaj inną nazwę albo dodaj --force)\n",
    )
    assert run("template", "--force", "--format", "csv", "szablon").exit_code == 0
    assert (tmp_path / "szablon" / "organizacje.csv").exists()
    assert run("import", str(EXAMPLE)).exit_code == 0
    jsonl = run("export", "jsonl")
    assert jsonl.stdout.count("\n") == 212 and jsonl.stdout.startswith('{"node": {"key": "event:')
    assert run("export", "jsonl", "siec.jsonl").stdout == "Zapisano siec.jsonl: 59 węzłów, 153 powiązania\n"
    assert (tmp_path / "siec.jsonl").read_text(encoding="utf-8") == jsonl.stdout
    csv_out = run("export", "csv", "tabele")
    assert csv_out.stdout.startswith("Zapisano tabele: Organizacje 28, Powiązania 153, Gminy 7,")
    assert run("export", "xlsx", "siec.xlsx").exit_code == 0
    for copy in ("tabele", "siec.xlsx", "siec.jsonl"):
        result = run("--store", f"sqlite:///{tmp_path / (copy + '.db')}", "import", copy)
        assert "nowe 212, zmienione 0, bez zmian 0" in result.stdout, result.output
        assert "nowe 0, zmienione 0, bez zmian 212" in run("import", copy).stdout


def test_every_command_has_help(run: Run) -> None:
    for command in (["import"], ["template"], ["export"], ["export", "jsonl"], ["export", "csv"], ["export", "xlsx"]):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout


def test_openpyxl_warnings_never_reach_the_terminal(run: Run, tmp_path: Path) -> None:
    import zipfile

    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Organizacje"
    sheet.append(["nazwa", "rodzaj"])
    sheet.append(["Fundacja Razem", "ngo"])
    plain, path = tmp_path / "plain.xlsx", tmp_path / "organizacje.xlsx"
    book.save(plain)
    # what Excel adds and openpyxl drops with a warning: an extension it does not know
    ext = b'<extLst><ext uri="{00000000-0000-0000-0000-000000000000}"><x:y xmlns:x="urn:example"/></ext></extLst></worksheet>'
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(
                item, data.replace(b"</worksheet>", ext) if item.filename == "xl/worksheets/sheet1.xml" else data
            )
    result = run("import", "organizacje.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith("Zaimportowano organizacje.xlsx (xlsx): rekordów 1, odrzuconych 0\n")
