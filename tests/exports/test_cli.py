"""The research commands as a user runs them: sparql, export graphml|gexf|tables|bundle."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
import networkx as nx
import pytest
from click.testing import Result

from partnergraph.cli import main
from tests.conftest import demo_runner

Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    runner = demo_runner(monkeypatch, tmp_path)  # a copy of the example network (partnergraph demo)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, group: click.Group = main) -> Result:
        return runner.invoke(group, list(args), catch_exceptions=False)

    return invoke


def test_sparql_runs_an_example_and_lists_them(run: Run) -> None:
    result = run("sparql", "--example", "cooperatives-per-municipality-type")
    assert result.exit_code == 0
    assert result.output == (
        "type         label                  municipalities  cooperatives\n"
        "-----------  ---------------------  --------------  ------------\n"
        "urban        gmina miejska          1               2\n"
        "rural        gmina wiejska          3               1\n"
        "urban_rural  gmina miejsko-wiejska  3               1\n"
    )
    csv = run("sparql", "--example", "founded-by-municipality", "--format", "csv").output
    assert (
        csv.splitlines()[1]
        == "id:org/ss-kwilecka-kuchnia;Spółdzielnia Socjalna „Kwilecka Kuchnia”;Urząd Gminy Kwilcz;Kwilcz;2024-06-14"
    )
    assert "Partnerstwa z udziałem wszystkich trzech sektorów" in run("sparql", "--list").output
    rows = json.loads(run("sparql", "--example", "ties-by-form-per-year", "--format", "json").output)
    assert rows[0] == {"year": 2023, "form": "agreement", "ties": 1} and len(rows) == 7


def test_sparql_reports_a_bad_query_in_one_line(run: Run, tmp_path: Path) -> None:
    query = tmp_path / "zle.rq"
    query.write_text("SELECT ?x WHERE {\n  ?x ?y\n}\n", encoding="utf-8")
    result = run("sparql", str(query))
    assert result.exit_code == 1
    assert result.output == (
        "Błąd: zapytanie SPARQL, wiersz 2, kolumna 3: błąd składni (Expected SelectQuery) "
        "(sprawdź nawiasy, kropki i prefiksy; przykłady: partnergraph sparql --list)\n"
    )
    none = run("sparql")
    assert (none.exit_code, none.output) == (
        1,
        "Błąd: podaj zapytanie (tekst lub plik .rq), --example NAZWA albo --list\n",
    )


def test_export_graphml_gexf_and_tables(run: Run, tmp_path: Path) -> None:
    assert run("export", "graphml", "siec.graphml").output == "Zapisano siec.graphml: 59 węzłów, 153 powiązania\n"
    assert nx.read_graphml(tmp_path / "siec.graphml").number_of_edges() == 153
    again = run("export", "graphml", "siec.graphml")
    assert (again.exit_code, again.output) == (
        1,
        "Błąd: siec.graphml już istnieje (podaj inną nazwę albo dodaj --force)\n",
    )
    assert run("export", "gexf", "siec.gexf").exit_code == 0
    tables = run("export", "tables", "tabele")
    assert (
        tables.output == "Zapisano tabele: nodes.csv 59, ties.csv 153, metrics.csv 28, codebook.csv 64\n"
    )  # 64 properties


def test_export_bundle_refuses_an_existing_folder(run: Run, tmp_path: Path) -> None:
    assert run("analyze", "metrics", "--save", group=main).exit_code == 0
    first = run("export", "bundle", "pakiet")
    assert first.output == "Zapisano pakiet pakiet: plików 10, węzły 59, powiązania 153, przebiegi analiz 1\n"
    assert len(list((tmp_path / "pakiet" / "runs").glob("*-metrics-*.json"))) == 1
    second = run("export", "bundle", "pakiet")
    assert (second.exit_code, second.output) == (
        1,
        "Błąd: pakiet istnieje i nie jest pusty (podaj inny folder albo dodaj --force)\n",
    )
    assert run("export", "bundle", "pakiet", "--force").exit_code == 0
