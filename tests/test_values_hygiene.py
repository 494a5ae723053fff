"""Text hygiene and ambiguous numbers (issue 15, items 6 and 8): control characters are refused
at their place (tab and new line allowed in free text), never printed raw; a Polish thousands
dot (``12.500``) is refused with the fix rather than stored as 12.5."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.cli.support import emit_rows, printable
from partnergraph.graph.base import GraphStore
from partnergraph.importers.run import ImportFailed, run_import
from partnergraph.records import Node, Tie
from partnergraph.values import ThousandsDot, parse_decimal, parse_integer

CONTROL_HINT = (
    "(usuń go — znaki sterujące (NUL, ESC, backspace …) mogą zmienić wygląd terminala albo udawać inną nazwę)"
)


def refused(store: GraphStore, path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        run_import(store, path)
    assert store.count_nodes() == {} and store.count_ties() == {}
    return [str(p) for p in failed.value.problems]


def test_control_characters_in_a_csv_are_refused_at_their_cell(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text(
        "nazwa;rodzaj;opis\nŁąka\x1b[31m;ngo;\nLas\x00;ngo;\nBór\x08\x08\x08Gaj;ngo;\nPole;ngo;dwa\twiersze\nx\n",
        encoding="utf-8",
        newline="",
    )
    assert refused(store, path)[:3] == [
        f"o.csv:2:1: nazwa zawiera znak sterujący '\\x1b' (znak 5): 'Łąka\\x1b[31m' {CONTROL_HINT}",
        f"o.csv:3:1: nazwa zawiera znak sterujący '\\x00' (znak 4): 'Las\\x00' {CONTROL_HINT}",
        f"o.csv:4:1: nazwa zawiera znak sterujący '\\x08' (znak 4): 'Bór\\x08\\x08\\x08Gaj' {CONTROL_HINT}",
    ]  # row 5: a tab in the description is allowed (free text); row 6 misses its kind


def test_free_text_keeps_tab_and_new_line_but_not_escape(store: GraphStore) -> None:
    # description is free text: "\t" and "\n" pass; ESC does not, and the hint says what is allowed
    store.upsert(
        [Node("org:a", "Organisation", {"name": "A", "kind": "ngo", "description": "1.\tjeden\n2.\tdwa"})], source="t"
    )
    assert store.get_node("org:a").props["description"] == "1.\tjeden\n2.\tdwa"  # type: ignore[union-attr]
    with pytest.raises(Exception) as bad:
        store.upsert([Node("org:b", "Organisation", {"name": "B", "kind": "ngo", "description": "x\x1by"})], source="t")
    assert "opis zawiera znak sterujący '\\x1b' (znak 2): 'x\\x1by'" in str(bad.value)
    assert "w tym polu dozwolone są tabulator i nowy wiersz" in str(bad.value)
    assert store.get_node("org:b") is None


def test_a_control_character_in_a_key_or_tie_is_refused(store: GraphStore) -> None:
    with pytest.raises(Exception) as bad:
        store.upsert([Node("org:a\x1b[2J", "Organisation", {"name": "A", "kind": "ngo"})], source="t")
    assert "klucz zawiera znak sterujący '\\x1b' (znak 6)" in str(bad.value)
    store.upsert(
        [
            Node("org:a", "Organisation", {"name": "A", "kind": "ngo"}),
            Node("org:b", "Organisation", {"name": "B", "kind": "ngo"}),
        ],
        source="t",
    )
    with pytest.raises(Exception) as tie:
        store.upsert(
            ties=[Tie("COOPERATES_WITH", "org:a", "org:b", {"note": "ok\tok", "evidence": "umowa\r\n1"})], source="t"
        )
    assert "dowód zawiera znak sterujący '\\r' (znak 6)" in str(tie.value)
    assert store.count_ties() == {}


def test_a_lone_surrogate_in_json_lines_is_refused_at_its_column(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "siec.jsonl"
    path.write_text(
        '{"node": {"key": "org:a", "type": "Organisation", "props": {"name": "A\\ud800", "kind": "ngo"}}}\n'
        '{"node": {"key": "org:b", "type": "Organisation", "props": {"name": "B\\ud83d\\ude00", "kind": "ngo"}}}\n',
        encoding="utf-8",
    )
    assert refused(store, path) == [
        "siec.jsonl:1:71: \\ud800 to połowa pary zastępczej UTF-16 bez drugiej połowy — to nie jest znak (zapisz znak wprost w "
        "UTF-8 albo jako pełną parę (np. \\ud83d\\ude00))"
    ]


def test_output_never_carries_a_raw_control_character(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"name": "Ła\x1b[31mka\x9b", "note": "a\nb"}]
    for fmt in ("table", "csv", "json"):
        emit_rows(rows, fmt)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
    assert "Ła\\x1b[31mka\\x9b" in out  # table and csv
    assert '"Ła\\u001b[31mka\\u009b"' in out  # json: still valid JSON
    assert printable("wiersz 1\nwiersz\t2\x07") == "wiersz 1\nwiersz\t2\\x07"


def test_the_cli_error_line_shows_a_refused_escape_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an OSC sequence (sets the terminal title) in a name: refused, and the error line carries no raw ESC/BEL
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["demo"]).exit_code == 0
    result = runner.invoke(main, ["add", "node", "Organisation", "org:zla", "name=Zła\x1b]0;tytuł\x07", "kind=ngo"])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert (
        result.stderr
        == f"Błąd: org:zla: name: nazwa zawiera znak sterujący '\\x1b' (znak 4): 'Zła\\x1b]0;tytuł\\x07' {CONTROL_HINT}\n"
    )


# -- numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["12.500", "1.000.000", "-2.500", "999.999"])
def test_a_thousands_dot_is_ambiguous(text: str) -> None:
    with pytest.raises(ThousandsDot):
        parse_decimal(text)
    with pytest.raises(ThousandsDot):
        parse_integer(text)


def test_plain_decimals_still_parse() -> None:
    # a dot followed by other than 3 digits, a leading 0 or a comma is no thousands dot
    assert [parse_decimal(t) for t in ("12.5", "12.50", "0.125", "1 234,50", "12 500", "12500", "1234.5678")] == [
        12.5,
        12.5,
        0.125,
        1234.5,
        12500.0,
        12500.0,
        1234.5678,
    ]


def test_a_thousands_dot_in_an_amount_is_refused_with_the_fix(store: GraphStore, tmp_path: Path) -> None:
    store.upsert(
        [
            Node("org:a", "Organisation", {"name": "A", "kind": "ngo"}),
            Node("org:b", "Organisation", {"name": "B", "kind": "ngo"}),
        ],
        source="t",
    )
    path = tmp_path / "powiazania.csv"
    path.write_text("od;typ;do;kwota\norg:a;FUNDS;org:b;12.500\norg:a;FUNDS;org:b;1.000.000\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        run_import(store, path)
    assert [str(p) for p in failed.value.problems] == [
        "powiazania.csv:2:4: '12.500' jest niejednoznaczne: kropka między grupami trzech cyfr to w zapisie polskim separator "
        "tysięcy, a w angielskim przecinek dziesiętny (napisz 12500 albo ze spacjami: 12 500; ułamek dziesiętny pisz z "
        "przecinkiem: 12,5)",
        "powiazania.csv:3:4: '1.000.000' jest niejednoznaczne: kropka między grupami trzech cyfr to w zapisie polskim separator "
        "tysięcy, a w angielskim przecinek dziesiętny (napisz 1000000 albo ze spacjami: 1 000 000)",
    ]
    assert store.count_ties() == {}
