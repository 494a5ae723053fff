"""`partnergraph add node|tie --unset NAME`: removing a stored value from the command line (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph.graph.sqlite import SqliteStore


def props(tmp_path: Path, key: str) -> dict[str, object]:
    with SqliteStore(tmp_path / "cli.db") as store:
        found = store.get_node(key) or store.get_tie(key)
        assert found is not None
        return dict(found.props)


def test_unset_removes_a_node_value_without_retyping_the_others(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run(
        "add",
        "node",
        "Organisation",
        "org:ces-kwilcz",
        "name=CES Kwilcz",
        "kind=ces",
        "phone=61 000 00 00",
        "city=Kwilcz",
    )
    result = run("add", "node", "Organisation", "org:ces-kwilcz", "--unset", "phone")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Zapisano (wersja 2): węzły nowe 0, zmienione 1, bez zmian 0; powiązania nowe 0, zmienione 0, bez zmian 0",
        "Usunięte wartości: węzły 1, powiązania 0",
    ]
    assert props(tmp_path, "org:ces-kwilcz") == {
        "name": "CES Kwilcz",
        "kind": "ces",
        "sector": "social",
        "city": "Kwilcz",
    }
    assert "phone" not in run("show", "org:ces-kwilcz").output
    assert run("db", "revert", "2").exit_code == 0
    assert props(tmp_path, "org:ces-kwilcz")["phone"] == "61 000 00 00"


def test_unset_and_new_values_go_in_one_write(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("add", "node", "Organisation", "org:a", "name=A", "kind=ngo", "phone=1", "email=a@example.org")
    result = run("add", "node", "Organisation", "org:a", "city=Kwilcz", "--unset", "phone", "--unset", "email")
    assert "Usunięte wartości: węzły 2, powiązania 0" in result.output
    assert props(tmp_path, "org:a") == {"name": "A", "kind": "ngo", "sector": "social", "city": "Kwilcz"}


def test_unset_removes_a_tie_value(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("add", "node", "Organisation", "org:a", "name=A", "kind=ngo")
    run("add", "node", "Organisation", "org:b", "name=B", "kind=ngo")
    run("add", "tie", "org:a", "COOPERATES_WITH", "org:b", "strength=3", "note=wspólny projekt")
    result = run("add", "tie", "org:a", "COOPERATES_WITH", "org:b", "--unset", "note")
    assert result.exit_code == 0 and "Usunięte wartości: węzły 0, powiązania 1" in result.output
    assert props(tmp_path, "org:a-[COOPERATES_WITH]->org:b") == {"strength": 3}


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--unset", "name"],
            "Błąd: org:a: name: nie można usunąć wartości 'name': ta właściwość jest wymagana "
            "(podaj inną wartość zamiast usuwać)",
        ),
        (
            ["--unset", "city", "city=Kwilcz"],
            "Błąd: org:a: city: 'city': podano zarazem nową wartość i jej usunięcie; wybierz jedno",
        ),
    ],
)
def test_unset_is_refused_for_required_or_given_values(run, tmp_path: Path, args: list[str], line: str) -> None:  # type: ignore[no-untyped-def]
    run("add", "node", "Organisation", "org:a", "name=A", "kind=ngo", "city=Poznań")
    result = run("add", "node", "Organisation", "org:a", *args)
    assert result.exit_code == 1 and result.output.strip() == line
    assert props(tmp_path, "org:a")["name"] == "A" and props(tmp_path, "org:a")["city"] == "Poznań"


def test_unset_has_help(run) -> None:  # type: ignore[no-untyped-def]
    assert "--unset NAME" in run("--lang", "en", "add", "node", "--help").output
    assert "--unset NAME" in run("--lang", "en", "add", "tie", "--help").output


def test_unset_since_needs_the_tie_id_and_then_clears_the_date_of_that_tie(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("add", "node", "Organisation", "org:a", "name=A", "kind=ngo")
    run("add", "node", "Organisation", "org:b", "name=B", "kind=ngo")
    run("add", "tie", "org:a", "COOPERATES_WITH", "org:b", "since=2024-01-01")
    dated = "org:a-[COOPERATES_WITH]->org:b@2024-01-01"
    refused = run("add", "tie", "org:a", "COOPERATES_WITH", "org:b", "--unset", "since")
    assert refused.exit_code == 1 and refused.output.startswith("Błąd: --unset since wymaga identyfikatora powiązania")
    with SqliteStore(tmp_path / "cli.db") as store:
        assert [t.id for t, _ in store.neighbours("org:a")] == [dated]  # no second, undated tie
    cleared = run("add", "tie", "org:a", "COOPERATES_WITH", "org:b", "--id", dated, "--unset", "since")
    assert cleared.exit_code == 0
    assert "since" not in props(tmp_path, dated)
