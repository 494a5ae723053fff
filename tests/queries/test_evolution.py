"""Evolution: indicators at snapshot dates and the diff between two days, hand-checked."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from click.testing import Result as CliResult

from partnergraph.errors import ConfigError, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.queries import analyses
from partnergraph.queries.base import Result
from partnergraph.queries.evolution import changes, evolution, parse_dates
from partnergraph.records import Node, Tie

D = dt.date
FROM, TO = D(2024, 3, 1), D(2024, 12, 31)


def _org(key: str, kind: str, sector: str) -> Node:
    return Node(f"org:{key}", "Organisation", {"name": key.upper(), "kind": kind, "sector": sector})


def build(store: GraphStore) -> GraphStore:
    """Five organisations, four dated ties.

    t1 A(ces, social) – D(welfare, public) COOPERATES_WITH, no dates (open both ways): always valid
    t2 C(coop, social) → B(business, private) TRADES_WITH since 2024-06-01: starts between the days
    t3 E(ngo, social) → A SUPPORTS 2023-01-01 … 2024-06-30: ends between the days (E becomes an isolate)
    t4 D → C REFERS count 3, 2024-03-01 … 2024-12-31: valid exactly on both boundary days
    """
    store.upsert(
        [
            _org("a", "ces", "social"),
            _org("b", "business", "private"),
            _org("c", "social_cooperative", "social"),
            _org("d", "welfare_centre", "public"),
            _org("e", "ngo", "social"),
        ],
        [
            Tie("COOPERATES_WITH", "org:a", "org:d", {}),
            Tie("TRADES_WITH", "org:c", "org:b", {"since": D(2024, 6, 1)}),
            Tie("SUPPORTS", "org:e", "org:a", {"since": D(2023, 1, 1), "until": D(2024, 6, 30)}),
            Tie("REFERS", "org:d", "org:c", {"since": FROM, "until": TO, "count": 3}),
        ],
        source="test",
    )
    return store


def _values(result: Result) -> dict[str, list[float | int]]:
    return {row.key: row.values for row in result.rows}


def test_indicators_at_two_days_hand_computed(store: GraphStore) -> None:
    # 2024-03-01: t1, t3, t4 (since = the day) → 3 ties, B alone; simple edges a-d, e-a, d-c: density 3/10.
    #   cross-sector: a-d, d-c (e-a is social-social) = 2; brokers: a (e→a→d), d (a→d→c) = 2.
    # 2024-12-31: t1, t2, t4 (until = the day) → 3 ties, E alone; edges a-d, c-b, d-c: density 3/10.
    #   cross-sector: a-d, c-b, d-c = 3; C trades with business B; brokers: d (a→d→c), c (d→c→b) = 2.
    rows = {row.key: row for row in evolution(build(store), date_from=FROM, date_to=TO).rows}
    assert [(k, r.value_from, r.value_to, r.delta) for k, r in rows.items()] == [
        ("organisations", 5, 5, 0),
        ("organisations_with_ties", 4, 4, 0),
        ("isolates", 1, 1, 0),
        ("ties", 3, 3, 0),
        ("density", 0.3, 0.3, 0.0),
        ("components", 1, 1, 0),
        ("cross_sector_ties", 2, 3, 1),
        ("cooperatives_with_business_tie", 0, 1, 1),
        ("brokers", 2, 2, 0),
    ]
    assert rows["ties"].label == "powiązania"


def test_snapshot_list_is_sorted_and_open_bounds_hold(store: GraphStore) -> None:
    # 2023-06-01: t1 (open) and t3 → 2 ties, A D E connected; 2024-02-29: the same (t4 starts the next day);
    # 2024-03-01: t1 t3 t4 → 3; 2025-06-01: t1 (open) and t2 (open end) → 2, A B C D connected.
    result = evolution(build(store), dates=["2025-06-01", "01.03.2024", "2023-06-01", "2024-02-29", "2024-03-01"])
    assert result.meta["dates"] == ["2023-06-01", "2024-02-29", "2024-03-01", "2025-06-01"]
    values = _values(result)
    assert values["ties"] == [2, 2, 3, 2]
    assert values["organisations_with_ties"] == [3, 3, 4, 4]
    assert values["isolates"] == [2, 2, 1, 1]


def test_changes_between_two_days_hand_computed(store: GraphStore) -> None:
    result = changes(build(store), date_from=FROM, date_to=TO)
    found = [
        (r.change, r.key, r.date, r.before, r.after) for r in result.rows if r.change not in ("degree", "betweenness")
    ]
    added = next(r.key for r in result.rows if r.change == "tie_added")
    ended = next(r.key for r in result.rows if r.change == "tie_ended")
    assert found == [
        ("tie_added", added, "2024-06-01", None, None),  # t2 starts on its since
        (
            "tie_ended",
            ended,
            "2024-06-30",
            None,
            None,
        ),  # t3 ends on its until; t4 (valid on both boundary days) is not here
        ("new_isolate", "org:e", None, None, None),
        ("newly_connected", "org:b", None, None, None),
        ("broker_gained", "org:c", None, 0, 1),  # d→c→b
        ("broker_lost", "org:a", None, 1, 0),  # e→a→d is gone
    ]
    tie_rows = [r for r in result.rows if r.change.startswith("tie_")]
    assert [(r.name, r.detail.split()[0]) for r in tie_rows] == [("C → B", "TRADES_WITH"), ("E → A", "SUPPORTS")]
    # Degree = ties touching (a symmetric tie once): A t1 t3 → t1; B – → t2; C t4 → t2 t4; E t3 → –; D t1 t4 both days.
    degree = {r.key: (r.before, r.after) for r in result.rows if r.change == "degree"}
    assert degree == {"org:a": (2, 1), "org:b": (0, 1), "org:c": (1, 2), "org:e": (1, 0)}


def test_changes_without_the_metrics_module_give_the_same_degrees(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "partnergraph.queries.metrics", None)  # import fails → networkx fallback
    result = changes(build(store), date_from=FROM, date_to=TO)
    assert result.meta["engine"].startswith("networkx")
    degree = {r.key: (r.before, r.after) for r in result.rows if r.change == "degree"}
    assert degree == {"org:a": (2, 1), "org:b": (0, 1), "org:c": (1, 2), "org:e": (1, 0)}
    assert [r.key for r in changes(store, date_from=FROM, date_to=TO, top=1).rows if r.change == "degree"] == ["org:a"]


def test_same_day_has_no_changes_and_order_is_checked(store: GraphStore) -> None:
    build(store)
    assert changes(store, date_from=FROM, date_to=FROM).rows == []
    with pytest.raises(ValidationError, match="--to: 2024-03-01 jest wcześniej niż --from 2024-12-31"):
        changes(store, date_from=TO, date_to=FROM)


def test_dates_are_checked() -> None:
    assert parse_dates(["31.12.2024", D(2024, 1, 1), "2024-12-31"]) == [D(2024, 1, 1), D(2024, 12, 31)]
    with pytest.raises(ConfigError, match="--dates: '2024-13-01' nie jest datą"):
        parse_dates(["2024-13-01"])
    empty = SqliteStore(":memory:")
    with pytest.raises(ConfigError, match="podaj --from DATA i --to DATA albo --dates"):
        evolution(empty, date_from=FROM)
    with pytest.raises(ConfigError, match="podaj oba dni: --from DATA i --to DATA"):
        changes(empty, date_from=FROM, date_to=None)
    with pytest.raises(ValidationError, match="--indicators: nieznany wskaźnik 'ludzie'"):
        evolution(empty, date_from=FROM, date_to=TO, indicators=("ludzie",))


def test_example_network_through_2024(example_store: GraphStore) -> None:
    # On 2024-01-01 no cooperative trades yet; by 2024-12-31 all four sell to a business.
    # The first-half REFERS ties (2024-01-01 … 06-30) end: seven of them.
    values = _values(evolution(example_store, date_from=D(2024, 1, 1), date_to=D(2024, 12, 31)))
    assert values["organisations"] == [28, 28]
    assert values["cooperatives_with_business_tie"] == [0, 4]
    rows = changes(example_store, date_from=D(2024, 1, 1), date_to=D(2024, 12, 31)).rows
    ended = [r for r in rows if r.change == "tie_ended"]
    assert len(ended) == 7 and {r.date for r in ended} == {"2024-06-30"} and all("REFERS" in r.detail for r in ended)
    assert "org:ces-poznan" in {r.key for r in rows if r.change == "broker_gained"}


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """The CLI on a fresh SQLite file with the demo network loaded."""
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    from partnergraph.cli import main

    def invoke(*args: str) -> CliResult:
        return CliRunner().invoke(main, list(args))

    assert invoke("demo").exit_code == 0
    return invoke


def test_cli_evolution_json_and_chart(run: Callable[..., CliResult], tmp_path: Path) -> None:
    chart = tmp_path / "kpi.svg"
    result = run(
        "analyze", "evolution", "--dates", "2024-01-01,2024-07-01,2024-12-31", "--format", "json", "--chart", str(chart)
    )
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in json.loads(result.stdout)}
    assert rows["cooperatives_with_business_tie"]["values"] == [0, 0, 4]
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "spółdzielnie socjalne z powiązaniem z firmą" in svg and "2024-07-01" in svg


def test_cli_changes_table(run: Callable[..., CliResult]) -> None:
    result = run("analyze", "changes", "--from", "2024-01-01", "--to", "2024-12-31", "--top", "2")
    assert result.exit_code == 0, result.output
    assert "powiązanie zakończone" in result.stdout and "nowy pośrednik" in result.stdout


def test_cli_bad_date_is_one_clear_line(run: Callable[..., CliResult]) -> None:
    result = run("analyze", "evolution", "--from", "31.02.2024", "--to", "2024-12-31")
    assert result.exit_code == 1
    assert result.output.strip() == "Błąd: --from: '31.02.2024' nie jest datą; podaj RRRR-MM-DD lub DD.MM.RRRR"


def test_declared_with_polish_help() -> None:
    declared = analyses()
    assert {"evolution", "changes"} <= set(declared)
    assert [p.flag for p in declared["changes"].params[:2]] == ["--from", "--to"]
    assert all(p.required for p in declared["changes"].params[:2])
    assert "ą" in declared["evolution"].help("pl") + declared["changes"].help("pl")
