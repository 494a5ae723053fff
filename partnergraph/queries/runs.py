"""Saved analysis runs: one JSON file per run, never overwritten, compared later.

A run records the analysis, its parameters, the algorithm, when it ran, on which store and
write version, the library versions, the notes and the rows (already suppressed). Files live in
a runs folder (``PARTNERGRAPH_RUNS``, default ``partnergraph-runs``) and are named
``YYYYMMDDTHHMMSSZ-NAME-hhhh.json`` (hhhh: four random hex digits); the id is the file name without ``.json``. Creating a
file that exists fails, so two runs never overwrite each other.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> list_runs(folder)
    []
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import secrets
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from partnergraph.errors import ConfigError, NotFoundError, PartnergraphError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import Result

__all__ = ["RunDiff", "SavedRun", "compare_runs", "list_runs", "load_run", "save_run"]

FORMAT = "partnergraph-run/1"
LIBRARIES = ("partnergraph", "networkx", "igraph", "pyvis", "rdflib")

register_messages(
    {
        "runs.missing": "no saved run {run!r} in {folder}",
        "runs.missing.hint": "list the runs: partnergraph runs list",
        "runs.unreadable": "{path}: not a saved analysis run ({detail})",
        "runs.unwritable": "cannot save the run in {folder}: {detail}",
        "runs.unwritable.hint": "set PARTNERGRAPH_RUNS to a folder you can write to",
        "runs.different": "runs {a} and {b} are different analyses ({first}, {second}); only runs of one analysis compare",
    }
)


@dataclass(frozen=True)
class SavedRun:
    """A run as saved: the header and the rows as dicts."""

    id: str
    analysis: str
    algorithm: str
    at: str
    params: dict[str, Any]
    store: str
    store_version: int
    libraries: dict[str, str]
    notes: list[str]
    meta: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **self.__dict__}


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def save_run(result: Result, store: GraphStore, folder: Path, *, now: dt.datetime | None = None) -> SavedRun:
    """Write ``result`` as a new run file in ``folder`` (created if needed); never overwrites."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stamp = moment.strftime("%Y%m%dT%H%M%SZ")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        while True:
            run_id = f"{stamp}-{result.analysis}-{secrets.token_hex(2)}"
            run = SavedRun(
                run_id,
                result.analysis,
                result.algorithm,
                moment.isoformat(timespec="seconds"),
                result.params,
                store.url,
                store.version(),
                _versions(),
                result.notes,
                result.meta,
                result.columns(),
                result.records(),
            )
            try:
                with (folder / f"{run_id}.json").open("x", encoding="utf-8") as stream:
                    json.dump(run.as_json(), stream, ensure_ascii=False, indent=1, default=str)
                return run
            except FileExistsError:
                continue
    except OSError as exc:
        raise ConfigError(
            Msg("runs.unwritable", folder=folder, detail=exc.strerror or exc), hint=Msg("runs.unwritable.hint")
        ) from exc


def _read(path: Path) -> SavedRun:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("format", None) != FORMAT:
            raise ValueError(f"format is not {FORMAT}")
        return SavedRun(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise PartnergraphError(Msg("runs.unreadable", path=path, detail=exc)) from exc


def list_runs(folder: Path, analysis: str | None = None) -> list[SavedRun]:
    """Saved runs in ``folder`` (of one ``analysis``), oldest first."""
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.json"), key=lambda path: (path.name[:16], path.stat().st_mtime_ns, path.name))
    runs = [_read(path) for path in paths]  # by the second in the name, then by when the file was written
    return [r for r in runs if analysis is None or r.analysis == analysis]


def load_run(folder: Path, run_id: str) -> SavedRun:
    """The saved run ``run_id`` (a file name without .json, or a unique prefix of one)."""
    run_id = run_id.removesuffix(".json")
    matches = sorted(folder.glob(f"{run_id}*.json")) if folder.is_dir() and "/" not in run_id else []
    if len(matches) != 1:
        raise NotFoundError(Msg("runs.missing", run=run_id, folder=folder), hint=Msg("runs.missing.hint"))
    return _read(matches[0])


@dataclass(frozen=True)
class RunDiff:
    """One row key compared across two runs: its values in each, and numeric deltas."""

    key: str
    status: str
    """``added`` (only in the second run), ``removed`` (only in the first), ``changed`` or ``same``."""
    changes: dict[str, Any]
    """Per changed column: ``{"before": …, "after": …, "delta": …}`` (delta for numbers only)."""


def _row_key(row: dict[str, Any], columns: list[str]) -> str:
    for name in ("key", "id", "name"):
        if name in row:
            return str(row[name])
    return json.dumps([row.get(c) for c in columns[:1]], ensure_ascii=False, default=str)


def compare_runs(first: SavedRun, second: SavedRun) -> list[RunDiff]:
    """Rows of two runs of one analysis matched by their ``key`` (or ``id``/``name``) column."""
    if first.analysis != second.analysis:
        raise PartnergraphError(
            Msg("runs.different", a=first.id, b=second.id, first=first.analysis, second=second.analysis)
        )
    before = {_row_key(r, first.columns): r for r in first.rows}
    after = {_row_key(r, second.columns): r for r in second.rows}
    diffs: list[RunDiff] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            diffs.append(RunDiff(key, "added" if old is None else "removed", {}))
            continue
        changes: dict[str, Any] = {}
        for column in dict.fromkeys([*first.columns, *second.columns]):
            a, b = old.get(column), new.get(column)
            if a == b:
                continue
            change: dict[str, Any] = {"before": a, "after": b}
            numeric = (
                isinstance(a, int | float)
                and isinstance(b, int | float)
                and not isinstance(a, bool)
                and not isinstance(b, bool)
            )
            if numeric:
                floats = isinstance(a, float) or isinstance(b, float)
                change["delta"] = float(b) - float(a) if floats else int(b) - int(a)  # type: ignore[arg-type]
            changes[column] = change
        diffs.append(RunDiff(key, "changed" if changes else "same", changes))
    return diffs
