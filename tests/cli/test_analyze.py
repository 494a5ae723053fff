"""``partnergraph analyze`` and ``partnergraph runs`` as a user runs them, for every declared analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from partnergraph.cli import main
from partnergraph.i18n import translate
from partnergraph.queries import analyses

# What an analysis needs to run on the example network (its required options); others run bare.
ARGS: dict[str, list[str]] = {
    "changes": ["--from", "2024-01-01", "--to", "2024-12-31"],
    "matching": ["--for", "org:ss-kwilecka-kuchnia"],
    "paths": ["--from", "org:ss-kwilecka-kuchnia", "--to", "org:hotel-nad-warta"],
    "candidates": ["--partnership", "partnership:lokalne-kwilcz"],
    "evolution": ["--dates", "2024-01-01,2024-07-01,2024-12-31"],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("analyze")
    result = CliRunner().invoke(main, ["--store", f"sqlite:///{folder / 'demo.db'}", "demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder


def _run(demo: Path, *args: str) -> Result:
    env = {
        "PARTNERGRAPH_STORE": f"sqlite:///{demo / 'demo.db'}",
        "PARTNERGRAPH_RUNS": str(demo / "runs"),
        "PARTNERGRAPH_LANG": "pl",
    }
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize("name", sorted(analyses()))
def test_every_analysis_runs_on_the_example_in_every_format(demo: Path, name: str) -> None:
    args = ["analyze", name, *ARGS.get(name, [])]
    as_json = _run(demo, *args, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    assert isinstance(rows, list) and rows, f"{name} gave no rows on the example network"
    fields = list(rows[0])
    table, csv = _run(demo, *args), _run(demo, *args, "--format", "csv")
    assert table.exit_code == csv.exit_code == 0
    assert csv.stdout.splitlines()[0].split(";") == fields  # CSV is headed by the field names, as JSON
    assert len(table.stdout.splitlines()) >= len(rows) + 2  # header, rule, a line per row at least
    assert "Traceback" not in table.output + csv.output


@pytest.mark.parametrize("name", sorted(analyses()))
def test_every_option_of_every_analysis_has_polish_help(name: str) -> None:
    for param in analyses()[name].params:
        assert translate(param.help_en, None, "pl") != param.help_en, f"analyze {name} {param.flag} has no Polish help"
        assert param.help_en.strip() and param.help("pl").strip()


def test_charts_are_written_as_svg(demo: Path) -> None:
    for name in sorted(a.name for a in analyses().values() if a.chart):
        out = demo / f"{name}.svg"
        result = _run(demo, "analyze", name, *ARGS.get(name, []), "--chart", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml") and "<svg" in out.read_text(
            encoding="utf-8"
        )
        assert f"Zapisano wykres {out}" in result.stderr


def test_a_saved_run_is_listed_shown_and_compared(demo: Path) -> None:
    first = _run(demo, "analyze", "metrics", "--top", "3", "--save")
    second = _run(demo, "analyze", "metrics", "--top", "4", "--save")
    assert first.exit_code == second.exit_code == 0
    ids = [
        line.split()[2] for line in (first.stderr + second.stderr).splitlines() if line.startswith("Zapisano przebieg")
    ]
    assert len(ids) == 2 and ids[0] != ids[1]
    listed = _run(demo, "runs", "list", "--format", "json")
    assert [r["id"] for r in json.loads(listed.stdout) if r["analysis"] == "metrics"][-2:] == ids
    shown = _run(demo, "runs", "show", ids[0], "--format", "json")
    assert json.loads(shown.stdout)["params"] == {"top": 3, "sort": "pagerank"} | json.loads(shown.stdout)["params"]
    compared = _run(demo, "runs", "compare", ids[0], ids[1], "--format", "json")
    diffs = json.loads(compared.stdout)
    assert [d["status"] for d in diffs] == ["added"]  # the 4th organisation is only in the second run


def test_bad_option_values_are_one_clear_line(demo: Path) -> None:
    result = _run(demo, "analyze", "overview", "--as-of", "31.02.2024")
    assert result.exit_code == 1
    assert result.output.strip() == "Błąd: --as-of: '31.02.2024' nie jest datą; podaj RRRR-MM-DD lub DD.MM.RRRR"
    result = _run(demo, "analyze", "metrics", "--kinds", "spoldzielnia")
    assert result.exit_code == 1 and result.output.startswith(
        "Błąd: --kinds: nieznany rodzaj organizacji 'spoldzielnia' (dozwolone: business,"
    )
    result = _run(demo, "runs", "show", "nie-ma")
    assert result.exit_code == 1 and result.output.startswith("Błąd: nie ma zapisanego przebiegu 'nie-ma'")
