"""Format guessing: each file goes to its reader, and files partnergraph cannot use are refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.importers.run import ImportFailed, guess_format, run_import

GUS = Path(__file__).parents[1] / "fixtures" / "gus"
KUMU = Path(__file__).parent / "fixtures" / "spreadsheet" / "kumu"
TERC = Path(__file__).parent / "fixtures" / "registers" / "TERC_2022_excerpt.csv"
TERC_HINT = "(pobierz TERC (wariant „Urzędowy”) z eteryt.stat.gov.pl — ma gminy, powiaty i województwa)"
GEPHI_HINT = "(w Gephi wyeksportuj cały graf jako GraphML (Plik → Eksportuj → Plik grafu) i zaimportuj ten plik)"


def refusal(path: Path) -> str:
    with pytest.raises(ValidationError) as caught:
        guess_format(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


@pytest.mark.parametrize(
    ("name", "header", "catalogue", "what"),
    [
        ("SIMC_Urzedowy_2024-01-01.csv", "WOJ;POW;GMI;RODZ_GMI;RM;MZ;NAZWA;SYM;SYMPOD;STAN_NA", "SIMC", "miejscowości"),
        ("ULIC_Adresowy.csv", "WOJ;POW;GMI;RODZ_GMI;SYM;SYM_UL;CECHA;NAZWA_1;NAZWA_2;STAN_NA", "ULIC", "ulice"),
        ("WMRODZ.csv", "RM;NAZWA_RM;STAN_NA", "WMRODZ", "rodzaje miejscowości"),
    ],
)
def test_gus_catalogues_other_than_terc_are_refused_by_name(
    tmp_path: Path, name: str, header: str, catalogue: str, what: str
) -> None:
    path = tmp_path / name
    path.write_bytes(f"\ufeff{header}\r\n".encode())
    assert (
        refusal(path)
        == f"{name}:1: to plik {catalogue} z rejestru TERYT GUS ({what}); partnergraph potrzebuje TERC {TERC_HINT}"
    )


def test_a_real_gus_xml_catalogue_is_refused(store: GraphStore) -> None:
    assert refusal(GUS / "WMRODZ.xml") == (
        f"WMRODZ.xml:1: to plik WMRODZ z rejestru TERYT GUS (rodzaje miejscowości); partnergraph potrzebuje TERC {TERC_HINT}"
    )
    with pytest.raises(ValidationError):
        run_import(store, GUS / "WMRODZ.xml")
    assert store.count_nodes() == {}


def test_terc_and_kumu_are_still_recognised() -> None:
    assert guess_format(TERC) == "teryt"
    assert guess_format(KUMU) == "kumu"


@pytest.mark.parametrize(
    ("header", "table"),
    [
        (
            "Id,Label,timeset,modularity_class",
            "tabela węzłów z Gephi (Id, Label) — jej identyfikatory znaczą coś tylko w Gephi",
        ),
        (
            "Source,Target,Type,Id,Label,timeset,Weight",
            "tabela krawędzi z Gephi (Source, Target) — sama nie mówi, które to organizacje",
        ),
    ],
)
def test_gephi_tables_are_refused_not_read_as_kumu(tmp_path: Path, header: str, table: str) -> None:
    path = tmp_path / "gephi.csv"
    path.write_text(f"{header}\n1,2,Directed,0,1,,1.0\n", encoding="utf-8")
    assert refusal(path) == f"gephi.csv:1: to {table} {GEPHI_HINT}"


def test_a_header_that_fits_nothing_names_the_columns_found_and_expected(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text("foo;bar;baz\n1;2;3\n", encoding="utf-8")
    assert guess_format(path) == "csv"
    with pytest.raises(ImportFailed) as caught:
        run_import(store, path)
    assert [str(p) for p in caught.value.report.problems] == [
        "lista.csv:1: nagłówek nie pasuje do żadnej tabeli partnergraph; kolumny w pliku: foo, bar, baz "
        "(oczekiwane kolumny — Organizacje: klucz, nazwa *, rodzaj * …; Gminy: klucz, nazwa *, kod TERYT * …; "
        "Powiązania: od, do, typ …; pusty szablon z nagłówkami daje „partnergraph template”)"
    ]


def test_a_record_repeated_in_the_file_counts_once_on_a_fresh_store(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "organizacje.csv"
    rows = ["Fundacja Razem;ngo", "Spółdzielnia Łąka;social_cooperative", "Fundacja Razem;ngo", "Fundacja Razem;ngo"]
    path.write_text("nazwa;rodzaj\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = run_import(store, path)
    assert (report.count("created"), report.count("updated"), report.count("unchanged")) == (2, 0, 0)
    again = run_import(store, path)
    assert (again.count("created"), again.count("updated"), again.count("unchanged")) == (0, 0, 2)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_terc_is_guessed_by_its_header(tmp_path: Path, codec: str) -> None:
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated."""
    path = tmp_path / "TERC.txt"
    bom = "\ufeff".encode(codec)
    rows = "WOJ\tPOW\tGMI\tRODZ\tNAZWA\tNAZWA_DOD\tSTAN_NA\r\n02\t\t\t\tDOLNOŚLĄSKIE\twojewództwo\t2022-01-01\r\n"
    path.write_bytes(bom + rows.encode(codec))
    assert guess_format(path) == "teryt"
