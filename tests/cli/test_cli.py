"""The partnergraph command as a user runs it: output, exact error lines, exit codes."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from partnergraph.cli import main
from partnergraph.graph.sqlite import SqliteStore


def test_demo_loads_the_example_and_prints_a_summary(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("demo")
    assert result.exit_code == 0
    assert "Wczytano przykładową sieć (dane ilustracyjne)" in result.output
    assert "Organizacje według gminy" in result.output
    for line in ("Poznań (3064011)", "Kwilcz (3014022)", "Drezdenko (0806023)"):
        assert line in result.output
    with SqliteStore(tmp_path / "cli.db") as store:
        counts = store.count_ties()
        assert set(counts) == set(store.schema.tie_types)  # every tie type of models.ttl is illustrated
        assert set(store.count_nodes()) == set(store.schema.node_types)
        assert all(n.props.get("example") for n in store.iter_nodes("Organisation"))
        assert store.changes(limit=1)[0].user == "koordynatorka"
    again = run("demo")
    assert "węzły nowe 0, zmienione 0, bez zmian 59" in again.output  # re-running is safe


def test_add_show_find_and_revert(run) -> None:  # type: ignore[no-untyped-def]
    assert run("add", "node", "Municipality", "name=Kwilcz", "teryt=3014022").exit_code == 0
    result = run(
        "add", "node", "Organisation", "org:ces-kwilcz", "name=Centrum Ekonomii Społecznej w Kwilczu", "kind=ces"
    )
    assert result.output.startswith("Zapisano (wersja 2): węzły nowe 1")
    assert run("add", "tie", "org:ces-kwilcz", "LOCATED_IN", "teryt:3014022").exit_code == 0
    shown = run("show", "org:ces-kwilcz").output
    assert "Centrum Ekonomii Społecznej w Kwilczu" in shown and "LOCATED_IN" in shown and "teryt:3014022" in shown
    assert "org:ces-kwilcz" in run("find", "spoleczne").output
    assert run("find", "zzz").output == "Nic nie znaleziono.\n"
    assert run("find", "--where", "kind=ces", "--format", "csv").output == (
        "key;type;name;kind\norg:ces-kwilcz;Organisation;Centrum Ekonomii Społecznej w Kwilczu;ces\n"
    )
    assert run("db", "revert", "3").exit_code == 0
    assert "LOCATED_IN" not in run("show", "org:ces-kwilcz").output
    assert "koordynatorka" in run("db", "log").output
    assert run("db", "check").output.endswith("jest spójny.\n")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["add", "node", "Organisation", "name=X", "kind=ngo", "nip=526-020-23-94"],
            "Błąd: nip: NIP '526-020-23-94' ma błędną sumę kontrolną "
            "(sprawdź numer w rejestrze; literówka w jednej cyfrze zmienia sumę kontrolną)",
        ),
        (
            ["add", "node", "Gmina", "name=X"],
            "Błąd: type: nieznany typ węzła 'Gmina' (dozwolone: Activity, County, Event, Municipality, Organisation, Partnership, "
            "Service, Voivodeship)",
        ),
        (
            ["add", "tie", "org:a", "SUPPORTS", "org:b"],
            "Błąd: powiązanie org:a-[SUPPORTS]->org:b wskazuje na nieistniejący węzeł org:a "
            "(najpierw dodaj węzeł org:a (albo popraw klucz))",
        ),
        (["show", "org:nikt"], "Błąd: brak węzła o kluczu org:nikt"),
        (
            ["add", "tie", "org:a", "SUPPORTS", "org:b", "usługa"],
            "Błąd: 'usługa' nie jest przypisaniem właściwość=wartość",
        ),
        (
            ["--store", "mysql://db", "stats"],
            "Błąd: nieznany adres magazynu 'mysql://db' (użyj sqlite:///ścieżka.db albo neo4j://host:7687 (lub bolt://…))",
        ),
        (["--lang", "en", "show", "org:nikt"], "Error: no node with key org:nikt"),
        (["db", "revert", "7"], "Błąd: brak zapisu w wersji 7"),
    ],
)
def test_errors_are_one_clear_line(run, args: list[str], line: str) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == 1
    assert result.output.strip() == line
    assert "Traceback" not in result.output


def test_unexpected_errors_never_show_a_traceback(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("partnergraph.cli.core.summary", lambda store: 1 / 0)
    result = run("stats")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Błąd: nieoczekiwany błąd (ZeroDivisionError: division by zero); to błąd partnergraph"
    )


def test_schema_lists_types_and_values(run) -> None:  # type: ignore[no-untyped-def]
    overview = run("schema").output
    assert "COOPERATES_WITH" in overview and "Organisation | Municipality" in overview
    kinds = run("--lang", "en", "schema", "OrganisationKinds", "--format", "csv").output
    assert "social_cooperative;spółdzielnia socjalna;social cooperative;" in kinds
    assert (
        run("schema", "Nic").output.strip()
        == "Błąd: models.ttl nie zna 'Nic' (ani typu węzła, ani powiązania, ani słownika)"
    )


def test_every_command_has_help_in_both_languages(run) -> None:  # type: ignore[no-untyped-def]
    import click

    from partnergraph.cli.help import localize
    from partnergraph.i18n import translate

    def walk(command: click.Command, path: list[str]) -> list[list[str]]:
        found = [path]
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                found += walk(sub, [*path, name])
        return found

    for path in walk(main, []):
        command: click.Command = main
        for name in path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        assert (command.help or "").strip(), f"'partnergraph {' '.join(path)}' has no help"
        localize(main, "en")  # the help as defined (the last run may have put it in Polish)
        english = command.help or ""
        polish = translate(english, None, "pl")
        assert polish != english, f"'partnergraph {' '.join(path)}' has no Polish help in the catalogue"
        shown_pl, shown_en = run(*path, "--help"), run("--lang", "en", *path, "--help")
        assert shown_pl.exit_code == shown_en.exit_code == 0
        assert " ".join(polish.split()[:4]) in " ".join(shown_pl.output.split())
        assert " ".join(english.split()[:4]) in " ".join(shown_en.output.split())


def test_delete_takes_a_tie_id_as_well_as_a_node_key(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for key in ("org:a", "org:b"):
        assert run("add", "node", "Organisation", key, f"name={key[4:].upper()}", "kind=ngo").exit_code == 0
    assert run("add", "tie", "org:a", "COOPERATES_WITH", "org:b").exit_code == 0
    tie_id = "org:a-[COOPERATES_WITH]->org:b"
    result = run("delete", tie_id)
    assert (result.exit_code, result.output) == (0, "Usunięto (wersja 4): węzły 0, powiązania 1\n")
    with SqliteStore(tmp_path / "cli.db") as store:
        assert store.get_tie(tie_id) is None and store.count_nodes() == {"Organisation": 2}
        assert [(c.op, c.entity, c.key) for c in store.changes(version=4)] == [("delete", "tie", tie_id)]
    assert (
        run("delete", "org:a").output == "Usunięto (wersja 5): węzły 1, powiązania 0\n"
    )  # no ties left: no --cascade needed


@pytest.mark.parametrize("name", ["=1+1", "+48 600", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"])
def test_csv_output_quotes_a_cell_a_spreadsheet_would_run_as_a_formula(run, name: str) -> None:  # type: ignore[no-untyped-def]
    assert run("add", "node", "Organisation", "org:f", f"name={name}", "kind=ngo").exit_code == 0
    assert run("find", "--format", "csv").output == f"key;type;name;kind\norg:f;Organisation;'{name};ngo\n"
    assert f"org:f  Organisation  {name}  ngo" in run("find").output  # the table shows the name as it is


def test_a_negative_number_in_csv_output_stays_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    from partnergraph.cli.support import emit_rows

    emit_rows([{"change": -2, "share": -0.5, "label": "-2"}], "csv")
    assert capsys.readouterr().out == "change;share;label\n-2;-0,5;'-2\n"
