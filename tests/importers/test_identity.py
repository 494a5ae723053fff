"""One identifier, one organisation: inside one file and one command, a repeated NIP/REGON/KRS or
key merges with a notice, or is refused — never silently (issue 15, items 2 and 10b)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from partnergraph.cli import main
from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.importers.identity import resolve_node
from partnergraph.importers.run import ImportFailed, ImportReport, run_import
from partnergraph.records import Node
from tests.importers.test_spreadsheet import workbook

REGISTERS = Path(__file__).parent / "fixtures" / "registers"
NIP, NIP2 = "7770000206", "9467188823"  # valid NIP checksums (stdnum)
REGON = "280340635"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def notices(report: ImportReport) -> list[str]:
    return [f"{n.where}: {n.message}" for n in report.notices]


def test_one_nip_under_two_keys_in_one_csv_is_one_organisation(store: GraphStore, tmp_path: Path) -> None:
    # rows 2 and 3 are the same cooperative (same NIP) under two slugs: row 3 merges into org:laka
    path = write(
        tmp_path / "organizacje.csv",
        f"klucz;nazwa;rodzaj;NIP;miejscowość\norg:laka;Łąka;spółdzielnia socjalna;{NIP};\n"
        f"org:laka-kwilcz;Łąka;spółdzielnia socjalna;{NIP};Kwilcz\n",
    )
    report = run_import(store, path)
    assert notices(report) == [
        f"organizacje.csv:3: org:laka-kwilcz ma ten sam identyfikator (nip:{NIP}) co org:laka z organizacje.csv:2 — scalono z nim"
    ]
    assert [n.key for n in store.iter_nodes("Organisation")] == ["org:laka"]
    assert store.get_node("org:laka").props["city"] == "Kwilcz"  # type: ignore[union-attr]


def test_the_same_nip_twice_without_a_key_column_is_reported(store: GraphStore, tmp_path: Path) -> None:
    # no key column: both rows get the key nip:… — the second merges into the first, said so
    path = write(
        tmp_path / "organizacje.csv", f"nazwa;rodzaj;NIP;REGON\nŁąka;fundacja;{NIP};\nŁąka;fundacja;{NIP};{REGON}\n"
    )
    report = run_import(store, path)
    assert notices(report) == [
        f"organizacje.csv:3: nip:{NIP} występuje w pliku drugi raz (pierwszy raz: organizacje.csv:2) — scalono; "
        "wartości stąd zastępują wcześniejsze"
    ]
    assert store.get_node(f"nip:{NIP}").props["regon"] == REGON  # type: ignore[union-attr]


def test_one_krs_under_two_keys_in_an_xlsx_merges(store: GraphStore, tmp_path: Path) -> None:
    # the sheet's rows 2 and 3: the same KRS number (the key of row 2) given to org:b
    path = workbook(
        tmp_path / "siec.xlsx",
        {
            "Organizacje": [
                ["klucz", "nazwa", "rodzaj", "KRS"],
                ["krs:0000123456", "A", "ngo", "0000123456"],
                ["org:b", "B", "ngo", "0000123456"],
            ]
        },
    )
    report = run_import(store, path)
    assert notices(report) == [
        "Organizacje!3: org:b ma ten sam identyfikator (krs:0000123456) co krs:0000123456 z Organizacje!2 — scalono z nim"
    ]
    assert [n.key for n in store.iter_nodes("Organisation")] == ["krs:0000123456"]


def test_one_regon_under_two_keys_in_json_lines_merges(store: GraphStore, tmp_path: Path) -> None:
    lines = [
        f'{{"node": {{"key": "org:{k}", "type": "Organisation", "props": {{"name": "A", "kind": "ngo", "regon": "{REGON}"}}}}}}'
        for k in ("a", "b")
    ]
    path = write(tmp_path / "siec.jsonl", "\n".join(lines) + "\n")
    report = run_import(store, path)
    assert notices(report) == [
        f"siec.jsonl:2: org:b ma ten sam identyfikator (regon:{REGON}) co org:a z siec.jsonl:1 — scalono z nim"
    ]
    assert store.count_nodes() == {"Organisation": 1}


def test_a_key_repeated_with_another_kind_is_refused(store: GraphStore, tmp_path: Path) -> None:
    path = write(
        tmp_path / "organizacje.csv",
        "klucz;nazwa;rodzaj\norg:laka;Łąka;spółdzielnia socjalna\norg:laka;Łąka;business\n",
    )
    with pytest.raises(ImportFailed) as failed:
        run_import(store, path)
    assert [str(p) for p in failed.value.problems] == [
        "organizacje.csv:3:1: org:laka występuje już w organizacje.csv:2 jako Organisation (social_cooperative), a tu jako "
        "Organisation (business) (jeden klucz to jeden węzeł: popraw typ lub rodzaj albo podaj inny klucz)"
    ]
    assert store.count_nodes() == {}


def test_two_identifiers_of_two_nodes_of_the_file_are_refused(store: GraphStore, tmp_path: Path) -> None:
    path = write(
        tmp_path / "o.csv",
        f"klucz;nazwa;rodzaj;NIP;REGON\norg:a;A;ngo;{NIP};\norg:b;B;ngo;;{REGON}\norg:c;C;ngo;{NIP};{REGON}\n",
    )
    with pytest.raises(ImportFailed) as failed:
        run_import(store, path)
    assert [str(p) for p in failed.value.problems] == [
        "o.csv:4: org:c ma wspólne identyfikatory z kilkoma węzłami pliku: org:a, org:b (sprawdź numery KRS, NIP i REGON)"
    ]


def test_the_same_terc_code_twice_is_refused(store: GraphStore, tmp_path: Path) -> None:
    lines = (REGISTERS / "TERC_2022_excerpt.csv").read_text(encoding="utf-8-sig").splitlines()
    path = write(tmp_path / "TERC.csv", "\n".join([*lines, lines[3].replace("Dobiegniew", "Głubczyce")]) + "\n")
    with pytest.raises(ImportFailed) as failed:
        run_import(store, path)
    assert [str(p) for p in failed.value.problems] == [
        f"TERC.csv:{len(lines) + 1}: jednostka 0806013 występuje w pliku drugi raz (pierwszy raz: TERC.csv:4) (rejestr TERC ma "
        "każdą jednostkę raz; usuń powtórzony wiersz albo pobierz plik ponownie z GUS)"
    ]
    assert store.count_nodes() == {}


def test_a_krs_folder_with_one_extract_twice_is_reported(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "odpisy"
    folder.mkdir()
    extract = sorted((REGISTERS / "krs").glob("*.json"))[0]
    shutil.copy(extract, folder / extract.name)
    shutil.copy(extract, folder / f"kopia-{extract.name}")
    report = run_import(store, REGISTERS / "TERC_2022_excerpt.csv")
    try:
        report = run_import(store, folder)
    except ImportFailed as failed:  # a seat outside the excerpt: still no silent duplicate
        report = failed.report
    assert any("występuje w pliku drugi raz" in n for n in notices(report)), notices(report)


# -- one command: add node -------------------------------------------------------------------
def test_add_node_merges_into_the_stored_node_by_key(store: GraphStore) -> None:
    store.upsert([Node("teryt:3014022", "Municipality", {"name": "Kwilcz", "teryt": "3014022"})], source="test")
    node, found = resolve_node(store, Node("teryt:3014022", "Municipality", {"population": "6400"}))
    assert (node.props, found) == ({"name": "Kwilcz", "teryt": "3014022", "population": "6400"}, [])


def test_add_node_with_a_stored_nip_merges_into_its_node(store: GraphStore) -> None:
    store.upsert(
        [Node("org:laka", "Organisation", {"name": "Łąka", "kind": "social_cooperative", "nip": NIP})], source="test"
    )
    node, found = resolve_node(store, Node("", "Organisation", {"nip": "777-000-02-06", "city": "Kwilcz"}))
    assert node.key == "org:laka" and node.props["city"] == "Kwilcz"
    assert [str(n) for n in found] == [
        f"nip:{NIP} ma ten sam identyfikator (nip:{NIP}) co zapisana organizacja org:laka — scalono z nią"
    ]


def test_add_node_refuses_to_give_a_stored_nip_to_another_node(store: GraphStore) -> None:
    store.upsert(
        [
            Node("org:laka", "Organisation", {"name": "Łąka", "kind": "ngo", "nip": NIP}),
            Node("org:las", "Organisation", {"name": "Las", "kind": "ngo"}),
        ],
        source="test",
    )
    with pytest.raises(ValidationError) as refused:
        resolve_node(store, Node("org:las", "Organisation", {"nip": NIP}))
    assert str(refused.value.problems[0]) == (
        f"key: org:las dostałby identyfikator nip:{NIP} zapisanego już węzła org:laka; jeden identyfikator to jedna organizacja "
        "(popraw numer albo dopisz dane do org:laka: partnergraph add node Organisation org:laka …)"
    )


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["demo"]).exit_code == 0
    return runner


def test_cli_add_node_on_an_existing_key_sets_only_the_given_property(cli: CliRunner) -> None:
    result: Result = cli.invoke(main, ["add", "node", "Municipality", "teryt:3014022", "population=6400"])
    assert result.exit_code == 0, result.output
    assert "węzły nowe 0, zmienione 1" in result.stdout
    shown = cli.invoke(main, ["show", "teryt:3014022", "--format", "json"]).stdout
    assert '"Kwilcz"' in shown and "6400" in shown


def test_cli_add_node_with_a_stored_nip_makes_no_third_node(cli: CliRunner) -> None:
    first = cli.invoke(main, ["add", "node", "Organisation", "org:laka", "name=Łąka", "kind=ngo", f"nip={NIP}"])
    assert first.exit_code == 0, first.output
    second = cli.invoke(main, ["add", "node", "Organisation", f"nip={NIP}", "city=Kwilcz"])
    assert second.exit_code == 0, second.output
    assert (
        second.stderr
        == f"uwaga: nip:{NIP} ma ten sam identyfikator (nip:{NIP}) co zapisana organizacja org:laka — scalono z nią\n"
    )
    assert cli.invoke(main, ["add", "node", "Organisation", "org:inna", "name=Inna", "kind=ngo"]).exit_code == 0
    third = cli.invoke(main, ["add", "node", "Organisation", "org:inna", f"nip={NIP}"])
    assert third.exit_code == 1
    assert third.stderr.startswith(
        f"Błąd: key: org:inna dostałby identyfikator nip:{NIP} zapisanego już węzła org:laka;"
    )
