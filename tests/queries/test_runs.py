"""Saved analysis runs: written once, never overwritten, listed, loaded and compared."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from partnergraph.errors import NotFoundError, PartnergraphError
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.queries.base import Result
from partnergraph.queries.runs import compare_runs, list_runs, load_run, save_run


@dataclass(frozen=True)
class _Row:
    LABELS: ClassVar[dict[str, tuple[str, str]]] = {"score": ("wynik", "score")}
    key: str
    name: str
    score: float


def _result(*rows: _Row, analysis: str = "demo") -> Result:
    return Result(analysis, "test algorithm", {"top": 5}, list(rows), _Row, notes=["uwaga"])


MOMENT = dt.datetime(2026, 12, 2, 10, 0, 0, tzinfo=dt.UTC)


def test_a_run_is_saved_with_its_parameters_time_store_and_rows(tmp_path: Path) -> None:
    store = SqliteStore(":memory:")
    run = save_run(_result(_Row("org:a", "Łąka", 0.5)), store, tmp_path / "runs", now=MOMENT)
    assert run.id.startswith("20261202T100000Z-demo-")
    saved = json.loads((tmp_path / "runs" / f"{run.id}.json").read_text(encoding="utf-8"))
    assert saved["format"] == "partnergraph-run/1"
    assert saved["params"] == {"top": 5} and saved["at"] == "2026-12-02T10:00:00+00:00"
    assert saved["store"] == "sqlite:///:memory:" and saved["store_version"] == 0
    assert saved["rows"] == [{"key": "org:a", "name": "Łąka", "score": 0.5}]
    assert {"python", "partnergraph", "networkx"} <= set(saved["libraries"])


def test_runs_at_the_same_second_never_overwrite_each_other(tmp_path: Path) -> None:
    store = SqliteStore(":memory:")
    ids = {save_run(_result(_Row("org:a", "A", float(i))), store, tmp_path, now=MOMENT).id for i in range(20)}
    assert len(ids) == 20 and len(list(tmp_path.glob("*.json"))) == 20
    assert sorted(r.rows[0]["score"] for r in list_runs(tmp_path)) == [float(i) for i in range(20)]


def test_list_and_load_by_prefix(tmp_path: Path) -> None:
    store = SqliteStore(":memory:")
    first = save_run(_result(_Row("org:a", "A", 1.0)), store, tmp_path, now=MOMENT)
    save_run(_result(_Row("org:a", "A", 1.0), analysis="other"), store, tmp_path, now=MOMENT + dt.timedelta(days=1))
    assert [r.analysis for r in list_runs(tmp_path)] == ["demo", "other"]
    assert [r.id for r in list_runs(tmp_path, "demo")] == [first.id]
    assert load_run(tmp_path, first.id[:22]).id == first.id  # a unique prefix is enough
    assert load_run(tmp_path, "20261202T").id == first.id  # 'other' ran the next day
    with pytest.raises(NotFoundError, match="nie ma zapisanego przebiegu"):
        load_run(tmp_path, "2026")  # two runs start with it: ambiguous


def test_compare_reports_added_removed_and_numeric_deltas(tmp_path: Path) -> None:
    store = SqliteStore(":memory:")
    old = save_run(_result(_Row("org:a", "A", 1.0), _Row("org:b", "B", 2.0)), store, tmp_path, now=MOMENT)
    new = save_run(_result(_Row("org:a", "A", 1.5), _Row("org:c", "C", 3.0)), store, tmp_path, now=MOMENT)
    diffs = {d.key: d for d in compare_runs(old, new)}
    assert diffs["org:a"].status == "changed" and diffs["org:a"].changes == {
        "score": {"before": 1.0, "after": 1.5, "delta": 0.5}
    }
    assert diffs["org:b"].status == "removed" and diffs["org:c"].status == "added"
    other = save_run(_result(_Row("org:a", "A", 1.0), analysis="other"), store, tmp_path, now=MOMENT)
    with pytest.raises(PartnergraphError, match="różne analizy"):
        compare_runs(old, other)


def test_a_foreign_json_file_is_named_not_crashed_on(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(PartnergraphError, match=r"notes\.json: to nie jest zapisany przebieg analizy"):
        list_runs(tmp_path)


def test_an_unwritable_runs_folder_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(PartnergraphError, match=r"nie mogę zapisać przebiegu w .*PARTNERGRAPH_RUNS"):
        save_run(_result(), SqliteStore(":memory:"), blocker / "runs")
