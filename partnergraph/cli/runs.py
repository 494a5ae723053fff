"""``partnergraph runs list|show|compare``: saved analysis runs (see :mod:`partnergraph.queries.runs`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from partnergraph.cli.support import Cli, emit_rows, output_option, pass_cli
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.runs import compare_runs, list_runs, load_run

__all__ = ["COMMANDS"]

register_messages(
    {
        "cli.runs.none": "No saved runs in {folder} (save one with analyze … --save).",
        "cli.runs.same": "The runs do not differ.",
    }
)


def _folder(cli: Cli) -> Path:
    return Path(cli.settings.runs)


@click.group("runs")
def runs() -> None:
    """Saved analysis runs: list, show, compare (kept in PARTNERGRAPH_RUNS)."""


@runs.command("list")
@click.option("--analysis", help="Only runs of this analysis.")
@output_option
@pass_cli
def list_command(cli: Cli, analysis: str | None, fmt: str) -> None:
    """List the saved runs, oldest first."""
    found = list_runs(_folder(cli), analysis)
    if not found and fmt == "table":
        click.echo(str(Msg("cli.runs.none", folder=_folder(cli))))
        return
    rows = [
        {
            "id": r.id,
            "analysis": r.analysis,
            "at": r.at,
            "store": r.store,
            "store_version": r.store_version,
            "params": json.dumps(r.params, ensure_ascii=False),
            "rows": len(r.rows),
        }
        for r in found
    ]
    emit_rows(rows, fmt, ["id", "analysis", "at", "store", "store_version", "params", "rows"])


@runs.command("show")
@click.argument("run_id")
@output_option
@pass_cli
def show_command(cli: Cli, run_id: str, fmt: str) -> None:
    """Show the saved run RUN_ID (its id or a unique prefix): header, notes, rows."""
    run = load_run(_folder(cli), run_id)
    if fmt == "json":
        click.echo(json.dumps(run.as_json(), ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "table":
        header = [
            {"": "id", "value": run.id},
            {"": "analysis", "value": run.analysis},
            {"": "algorithm", "value": run.algorithm},
            {"": "at", "value": run.at},
            {"": "store", "value": f"{run.store} (v{run.store_version})"},
            {"": "params", "value": json.dumps(run.params, ensure_ascii=False)},
        ]
        emit_rows(header, "table", header=False)
        for note in run.notes:
            click.echo(note)
        click.echo()
    emit_rows(run.rows, fmt, run.columns)


@runs.command("compare")
@click.argument("first")
@click.argument("second")
@output_option
@pass_cli
def compare_command(cli: Cli, first: str, second: str, fmt: str) -> None:
    """Compare two saved runs of one analysis, row by row (added, removed, changed values)."""
    diffs = [
        d for d in compare_runs(load_run(_folder(cli), first), load_run(_folder(cli), second)) if d.status != "same"
    ]
    if not diffs and fmt == "table":
        click.echo(str(Msg("cli.runs.same")))
        return
    if fmt == "json":
        emit_rows([vars(d) for d in diffs], "json", ["key", "status", "changes"])
        return
    rows = []
    empty: dict[str, dict[str, Any]] = {"": {}}
    for diff in diffs:
        for column, change in (diff.changes or empty).items():
            rows.append(
                {
                    "key": diff.key,
                    "status": diff.status,
                    "column": column,
                    "before": change.get("before"),
                    "after": change.get("after"),
                    "delta": change.get("delta"),
                }
            )
    emit_rows(rows, fmt, ["key", "status", "column", "before", "after", "delta"])


COMMANDS: list[click.Command] = [runs]
