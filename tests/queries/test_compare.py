"""Municipalities side by side: hand-checked indicators, population ratios and suppressed referrals."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from click.testing import Result as CliResult

from partnergraph.errors import NotFoundError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.queries.compare import CompareRow, compare, compare_chart, municipality_key, shown_referrals
from partnergraph.records import Node, Tie

M1, M2 = "teryt:1111111", "teryt:2222222"


def build(store: GraphStore, population: int | None = 10_000) -> GraphStore:
    """M1 (population 10,000 or unknown) holds A (CES), C (cooperative), D (GOPS); M2 (no population) holds B (business).

    Ties: A – D COOPERATES_WITH (inside M1), D → C REFERS count 3 (inside M1), C → B TRADES_WITH (M1 → M2);
    A OFFERS a Service of category admission.
    """
    people = {"population": population} if population is not None else {}
    nodes = [
        Node(M1, "Municipality", {"name": "Jedynka", "teryt": "1111111", **people}),
        Node(M2, "Municipality", {"name": "Dwójka", "teryt": "2222222"}),
        Node("service:rekrutacja", "Service", {"name": "Rekrutacja", "category": "admission"}),
        Node("org:a", "Organisation", {"name": "A", "kind": "ces", "sector": "social"}),
        Node("org:b", "Organisation", {"name": "B", "kind": "business", "sector": "private"}),
        Node("org:c", "Organisation", {"name": "C", "kind": "social_cooperative", "sector": "social"}),
        Node("org:d", "Organisation", {"name": "D", "kind": "welfare_centre", "sector": "public"}),
    ]
    ties = [Tie("LOCATED_IN", f"org:{o}", M1) for o in "acd"] + [Tie("LOCATED_IN", "org:b", M2)]
    ties += [
        Tie("COOPERATES_WITH", "org:a", "org:d"),
        Tie("REFERS", "org:d", "org:c", {"count": 3}),
        Tie("TRADES_WITH", "org:c", "org:b"),
        Tie("OFFERS", "org:a", "service:rekrutacja"),
    ]
    store.upsert(nodes, ties, source="test")
    return store


def _table(rows: list[CompareRow]) -> dict[tuple[str, str], tuple[object, float | None, float | None]]:
    return {(r.indicator, r.municipality): (r.value, r.per_organisation, r.per_10k) for r in rows}


def test_two_municipalities_hand_computed(store: GraphStore) -> None:
    result = compare(build(store))
    # Default order: most organisations first (M1: 3, M2: 1).
    assert result.meta["municipalities"] == [M1, M2]
    got = _table(list(result.rows))
    assert got[("organisations", M1)] == (3, None, 3.0)  # 3 × 10,000 / 10,000
    assert got[("sector_social", M1)] == (2, 0.6667, 2.0)  # A, C of 3
    assert got[("ties_inside", M1)] == (2, 0.6667, 2.0)  # A–D and D→C
    assert got[("ties_outside", M1)] == (1, 0.3333, 1.0)  # C→B
    assert got[("cross_sector_ties", M1)] == (3, 1.0, 3.0)  # social–public twice, social–private once
    assert got[("services", M1)] == (1, 0.3333, 1.0)
    assert got[("referrals_received", M1)] == ("<5", None, None)  # 3 is hidden, and so are its ratios
    assert got[("businesses", M2)] == (1, 1.0, None)  # M2 has no population
    assert got[("ties_outside", M2)] == (1, 1.0, None)
    assert got[("referrals_received", M2)] == (0, 0.0, None)  # zero identifies nobody
    assert any("Dwójka" in note and "partnergraph add node Municipality teryt:2222222" in note for note in result.notes)
    assert any("<5" in note for note in result.notes)


def test_without_population_every_per_10k_is_empty(store: GraphStore) -> None:
    result = compare(build(store, population=None), municipalities=["1111111"])
    assert [r.per_10k for r in result.rows] == [None] * len(result.rows)
    assert any("Jedynka" in note for note in result.notes)


def test_unknown_municipality_names_the_option(store: GraphStore) -> None:
    build(store)
    with pytest.raises(NotFoundError, match="--municipalities: nie ma węzła o kluczu 'teryt:9999999'"):
        compare(store, municipalities=["9999999"])


def test_referral_totals_hide_small_cells() -> None:
    # {3}: the total itself is 1–4 → <5.  {3, 7}: 10 would give the 3 back next to a shown 7 → ≥8 (7 + one hidden).
    assert shown_referrals({"t": 3}) == "<5"
    assert shown_referrals({"t": 3, "u": 7}) == "≥8"
    assert shown_referrals({"t": 6, "u": 7}) == 13
    assert shown_referrals({}) == 0
    assert municipality_key(" 3014022 ") == "teryt:3014022" and municipality_key("teryt:3014022") == "teryt:3014022"


def test_chart_never_shows_the_hidden_count() -> None:
    svg = compare_chart(compare(build(SqliteStore(":memory:"))))
    assert svg.startswith("<?xml") and "Jedynka" in svg and "skierowania &lt;5" in svg


def test_example_network_three_gminas(example_store: GraphStore) -> None:
    # Kwilcz: 8 organisations; referrals into CES Kwilcz 6 + 4 + 3 + 2 → shown ≥9 (6 plus three hidden cells).
    # Drezdenko: 8 + 5 + 4 + 3 → ≥15; Poznań: 14 + 11 + 10 + 6 + 9 + 7 = 57, no small cell.
    result = compare(example_store, municipalities=["3014022", "0806023", "teryt:3064011"])
    got = _table(list(result.rows))
    assert got[("organisations", "teryt:3014022")][0] == 8
    referrals = {m: got[("referrals_received", m)][0] for m in ("teryt:3014022", "teryt:0806023", "teryt:3064011")}
    assert referrals == {"teryt:3014022": "≥9", "teryt:0806023": "≥15", "teryt:3064011": 57}
    assert got[("referrals_received", "teryt:3064011")][1] == 4.75  # 57 / 12 organisations


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """The CLI on a fresh SQLite file holding the tiny two-municipality network."""
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    with SqliteStore(tmp_path / "x.db") as store:
        build(store)
    from partnergraph.cli import main

    def invoke(*args: str) -> CliResult:
        return CliRunner().invoke(main, list(args))

    return invoke


def test_cli_suppresses_in_json_csv_and_chart(run: Callable[..., CliResult], tmp_path: Path) -> None:
    chart = tmp_path / "gminy.svg"
    result = run("analyze", "compare", "--format", "json", "--chart", str(chart))
    assert result.exit_code == 0, result.output
    referral = next(r for r in json.loads(result.stdout) if r["key"] == f"referrals_received@{M1}")
    assert (referral["value"], referral["per_organisation"], referral["per_10k"]) == ("<5", None, None)
    assert "skierowania &lt;5" in chart.read_text(encoding="utf-8")
    table = run("analyze", "compare", "--format", "csv").stdout
    row = next(
        r
        for r in csv.DictReader(io.StringIO(table), delimiter=_delimiter(table))
        if r["key"] == f"referrals_received@{M1}"
    )
    assert row["value"] == "<5" and row["per_organisation"] == "" and row["per_10k"] == ""


def _delimiter(text: str) -> str:
    return ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","


def test_cli_unknown_municipality_is_one_clear_line(run: Callable[..., CliResult]) -> None:
    result = run("analyze", "compare", "--municipalities", "3014022,9999999")
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == "Błąd: --municipalities: nie ma węzła o kluczu 'teryt:3014022' (sprawdź klucz poleceniem 'partnergraph find NAZWA')"
    )
