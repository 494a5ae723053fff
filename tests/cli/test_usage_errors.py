"""click's usage errors are one line in the user's language, exit 1, like every other error (issue 15, item 10)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from partnergraph.cli import main


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["db", "status"], "Błąd: nieznane polecenie 'status'; dostępne: check, log, revert (pomoc: main db --help)"),
        (["--bogus"], "Błąd: nieznana opcja --bogus (czy chodziło o --user?) (pomoc: main --help)"),
        (["add", "node"], "Błąd: brak argumentu NODE_TYPE (pomoc: main add node --help)"),
        (
            ["analyze", "metrics", "--top", "x"],
            "Błąd: zła wartość --top: 'x' nie jest liczbą całkowitą (pomoc: main analyze metrics --help)",
        ),
        (
            ["import", "brak-takiego-pliku.csv"],
            "Błąd: zła wartość FILE: 'brak-takiego-pliku.csv' nie istnieje (pomoc: main import --help)",
        ),
        (["stats", "extra"], "Błąd: nadmiarowe argumenty: extra (pomoc: main stats --help)"),
        (
            ["analyze", "metrics", "--format", "xml"],
            "Błąd: zła wartość --format: 'xml' nie jest żadną z wartości: 'table', 'csv', 'json' (pomoc: main analyze metrics --help)",
        ),
    ],
)
def test_usage_errors_are_one_polish_line(args: list[str], expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.output.strip() == expected  # one line: no usage block, no "Try … for help"


def test_usage_errors_follow_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "db", "status"])
    assert result.exit_code == 1
    assert (
        result.output.strip() == "Error: no such command 'status'; available: check, log, revert (help: main db --help)"
    )


def test_a_group_without_a_command_still_shows_its_help() -> None:
    result = CliRunner().invoke(main, ["db"])
    assert "check" in result.output and "revert" in result.output and "Błąd" not in result.output
