"""Encodings (issue 12, item 5): ISO-8859-2 told from Windows-1250 (or refused when a file reads
as both), UTF-16 with a byte-order mark read, ISO week dates refused, ASCII slugs from any script."""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pytest

from partnergraph.errors import Problem
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.i18n import use_language
from partnergraph.importers.base import Located
from partnergraph.importers.encodings import detect_encoding
from partnergraph.importers.run import ImportFailed, run_import
from partnergraph.importers.teryt import read_teryt
from partnergraph.records import Node
from partnergraph.text import slugify
from partnergraph.values import parse_date

HINT = "(zapisz go jako CSV UTF-8 (w Excelu: Zapisz jako → CSV UTF-8))"
ORGANISATIONS = "nazwa;rodzaj\nŚwiętokrzyska Łąka;ngo\nŹródło;ngo\nŚląsk Wschód;ngo\n"


def written(tmp_path: Path, data: bytes, name: str = "organizacje.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def detected(path: Path) -> tuple[str | None, str | None]:
    encoding, problem = detect_encoding(path)
    return encoding, None if problem is None else str(problem)


def names(store: GraphStore) -> list[str]:
    return sorted(str(n.props["name"]) for n in store.iter_nodes() if n.type == "Organisation")


def unit_names(items: Iterable[Located | Problem]) -> list[str]:
    """The names of a TERYT reader's nodes; fails on any problem."""
    found = list(items)
    assert [str(i) for i in found if isinstance(i, Problem)] == []
    return [str(i.record.props["name"]) for i in found if isinstance(i, Located) and isinstance(i.record, Node)]


def refused(store: GraphStore, path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        run_import(store, path)
    assert store.count_nodes() == {}
    return [str(p) for p in caught.value.report.problems]


# -- ISO-8859-2 and Windows-1250 ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["Świętokrzyska Łąka", "Źródło", "ŚLĄSK", "gmina Żabia Wola, ul. Ściegiennego", "ąś"])
def test_latin2_and_windows_1250_are_told_apart_by_their_polish_letters(tmp_path: Path, text: str) -> None:
    assert detected(written(tmp_path, text.encode("iso-8859-2"), "l2.csv")) == ("iso-8859-2", None)
    assert detected(written(tmp_path, text.encode("cp1250"), "cp.csv")) == ("cp1250", None)


def test_typographic_quotes_and_dashes_speak_for_windows_1250(tmp_path: Path) -> None:
    # „ ” – … are bytes 0x80-0x9F: characters in Windows-1250, control characters in ISO-8859-2
    path = written(tmp_path, "nazwa\nSpółdzielnia „Pod Dębem” – Kraków…\n".encode("cp1250"))
    assert detected(path) == ("cp1250", None)


def test_symbols_beside_digits_do_not_count_as_letters(tmp_path: Path) -> None:
    # ± (0xB1) is ą in ISO-8859-2, but "±5" is no "ą5"; © (0xA9) before a digit is no Š
    path = written(tmp_path, "nazwa;opis\nŁąka;tolerancja ±5 %, ©2024, 3 µg\n".encode("cp1250"))
    assert detected(path) == ("cp1250", None)


def test_letters_both_encodings_share_need_no_decision(tmp_path: Path) -> None:
    # ł ó ę ż ć ń are the same bytes in both: Windows-1250, and either reading gives the same text
    path = written(tmp_path, "Żółć, łęk; więcej, koń\n".encode("iso-8859-2"))
    assert detected(path) == ("cp1250", None)
    assert path.read_bytes().decode("cp1250") == path.read_bytes().decode("iso-8859-2") == "Żółć, łęk; więcej, koń\n"


def test_a_file_reading_as_both_is_refused_naming_a_line_of_each(tmp_path: Path) -> None:
    data = b"nazwa;rodzaj\n" + "Łąka;ngo\n".encode("cp1250") + b"Las;ngo\n" + "Świętokrzyska;ngo\n".encode("iso-8859-2")
    path = written(tmp_path, data, "mieszane.csv")
    assert detected(path) == (
        None,
        f"mieszane.csv:4: nie da się rozpoznać kodowania: wiersz 2 wygląda na Windows-1250, a wiersz 4 na ISO-8859-2 (Latin-2) {HINT}",
    )
    with use_language("en"):
        assert str(detect_encoding(path)[1]) == (
            "mieszane.csv:4: cannot tell the encoding: line 2 looks like Windows-1250, line 4 like ISO-8859-2 (Latin-2) "
            "(save it as CSV UTF-8 (in Excel: Save as → CSV UTF-8))"
        )


def test_evidence_across_the_reading_chunks_keeps_its_line(tmp_path: Path) -> None:
    # the telling bytes sit on either side of the 64 KiB chunk boundary
    for filler in (65533, 65534, 65535, 65536):
        data = b"x" * filler + b"\n" + "ąb\n".encode("cp1250") + "bą\n".encode("iso-8859-2")
        assert detected(written(tmp_path, data)) == (
            None,
            f"organizacje.csv:3: nie da się rozpoznać kodowania: wiersz 2 wygląda na Windows-1250, a wiersz 3 na "
            f"ISO-8859-2 (Latin-2) {HINT}",
        )


def test_a_latin2_csv_imports_with_its_polish_letters(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    run_import(sqlite_store, written(tmp_path, ORGANISATIONS.encode("iso-8859-2")))
    assert names(sqlite_store) == ["Śląsk Wschód", "Świętokrzyska Łąka", "Źródło"]
    assert sqlite_store.get_node("org:swietokrzyska-laka") is not None


def test_a_mixed_csv_import_is_refused(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    data = "nazwa;rodzaj\nŚwiętokrzyska Łąka;ngo\n".encode("iso-8859-2") + "Źródło;ngo\n".encode("cp1250")
    assert refused(sqlite_store, written(tmp_path, data)) == [
        f"organizacje.csv:3: nie da się rozpoznać kodowania: wiersz 3 wygląda na Windows-1250, a wiersz 2 na ISO-8859-2 (Latin-2) {HINT}"
    ]


def test_a_latin2_teryt_file_gives_its_names(tmp_path: Path) -> None:
    text = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n26;;;;ŚWIĘTOKRZYSKIE;województwo;2022-01-01\n"
    assert unit_names(read_teryt(written(tmp_path, text.encode("iso-8859-2"), "TERC.csv"))) == ["świętokrzyskie"]


# -- UTF-16 -------------------------------------------------------------------------------------

UNICODE_TEXT = (
    "nazwa\trodzaj\r\nŚwiętokrzyska Łąka\tngo\r\nŹródło\tngo\r\nŚląsk Wschód\tngo\r\n"  # Excel's "Unicode text"
)


@pytest.mark.parametrize(("codec", "bom"), [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path, codec: str, bom: bytes) -> None:
    path = written(tmp_path, bom + UNICODE_TEXT.encode(codec), "organizacje.txt")
    assert detected(path) == ("utf-16", None)
    assert path.read_text(encoding="utf-16") == UNICODE_TEXT.replace("\r\n", "\n")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_excel_unicode_text_with_tabs_imports(sqlite_store: SqliteStore, tmp_path: Path, codec: str) -> None:
    run_import(sqlite_store, written(tmp_path, ("\ufeff" + UNICODE_TEXT).encode(codec), "organizacje.txt"))
    assert names(sqlite_store) == ["Śląsk Wschód", "Świętokrzyska Łąka", "Źródło"]


def test_a_utf16_teryt_file_is_read(tmp_path: Path) -> None:
    text = (
        "\ufeffWOJ\tPOW\tGMI\tRODZ\tNAZWA\tNAZWA_DOD\tSTAN_NA\r\n26\t\t\t\tŚWIĘTOKRZYSKIE\twojewództwo\t2022-01-01\r\n"
    )
    assert unit_names(read_teryt(written(tmp_path, text.encode("utf-16-le"), "TERC.csv"))) == ["świętokrzyskie"]


def test_damaged_utf16_is_refused_at_its_line(tmp_path: Path) -> None:
    truncated = written(tmp_path, ("\ufeff" + UNICODE_TEXT).encode("utf-16-le")[:-1], "urwany.txt")
    lone_half = "\ufeffnazwa\trodzaj\r\n".encode("utf-16-le") + b"\x00\xd8" + "Łąka\tngo\r\n".encode("utf-16-le")
    damaged = written(tmp_path, lone_half, "uszkodzony.txt")
    message = f"plik zaczyna się znacznikiem UTF-16 (BOM), ale dalej nie jest poprawnym tekstem UTF-16 {HINT}"
    assert detected(truncated) == (None, f"urwany.txt:4: {message}")
    assert detected(damaged) == (None, f"uszkodzony.txt:2: {message}")


def test_utf16_without_a_byte_order_mark_is_refused_with_the_fix(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    path = written(tmp_path, UNICODE_TEXT.encode("utf-16-le"), "organizacje.txt")
    message = "organizacje.txt: plik wygląda na tekst UTF-16 bez znacznika kolejności bajtów (BOM), więc nie wiadomo, jak go czytać"
    assert detected(path) == (None, f"{message} {HINT}")
    assert refused(sqlite_store, path) == [f"{message} {HINT}"]


def test_binary_bytes_are_still_neither_utf8_nor_windows_1250(tmp_path: Path) -> None:
    path = written(tmp_path, b"\x00\x81\x98" * 10)
    assert detected(path) == (None, f"organizacje.csv: plik nie jest w UTF-8 ani w Windows-1250 {HINT}")


# -- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2024-W09-5", "2024W095", "2024-W09", "20240301", "2024-060", "２０２４-０３-０１"])
def test_iso_week_and_other_fromisoformat_forms_are_not_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_plain_dates_still_parse() -> None:
    assert parse_date(" 2024-03-01 ") == parse_date("01.03.2024") == parse_date("1.3.2024") == dt.date(2024, 3, 1)


def test_a_week_date_in_a_csv_is_refused_with_the_date_message(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    path = written(tmp_path, "nazwa;rodzaj;data założenia\nŁąka;ngo;2024-W09-5\n".encode())
    assert refused(sqlite_store, path) == [
        "organizacje.csv:2:3: '2024-W09-5' nie jest datą; podaj RRRR-MM-DD (2024-03-01) lub DD.MM.RRRR (01.03.2024)"
    ]


# -- slugs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Объединение «Добрый день»", "obedinenie-dobryy-den"),
        ("Громадська організація «Київ»", "gromadska-organizatsiya-kiiv"),
        ("Ελληνική Κοινότητα", "elliniki-koinotita"),
        ("北京 Łąka", "beijing-laka"),
        ("Spółdzielnia Socjalna „Łąka”", "spoldzielnia-socjalna-laka"),
        ("Żółta Łódź_nr 2", "zolta-lodz-nr-2"),
        ("Straße Øst Đak", "strasse-ost-dak"),
    ],
)
def test_slugs_are_ascii_whatever_the_script(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_a_cyrillic_name_gets_an_ascii_key(sqlite_store: SqliteStore, tmp_path: Path) -> None:
    run_import(sqlite_store, written(tmp_path, "nazwa;rodzaj\nОбъединение «Добрый день»;ngo\n".encode()))
    node = sqlite_store.get_node("org:obedinenie-dobryy-den")
    assert node is not None and node.props["name"] == "Объединение «Добрый день»"
