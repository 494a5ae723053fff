"""``partnergraph analyze NAME``: one command per declared analysis, options from its parameters.

Each :class:`~partnergraph.queries.base.Analysis` becomes ``analyze NAME`` with one option per
parameter, plus ``--format table|csv|json``, ``--save`` (keep the run in ``PARTNERGRAPH_RUNS``)
and ``--chart FILE`` (an SVG picture, for analyses that draw one). Tables have Polish column
headers; CSV and JSON keep the field names, so scripts do not depend on the language. Notes
(sampling, what was left out) go to stderr, so the output stays clean for a pipe.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from partnergraph.cli.support import Cli, emit_rows, output_option, pass_cli
from partnergraph.errors import ConfigError
from partnergraph.files import write_text_atomic
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries import analyses
from partnergraph.queries.base import Analysis, Param, Result
from partnergraph.queries.runs import save_run

__all__ = ["COMMANDS", "param_option"]

register_messages(
    {
        "cli.analyze.saved": "Saved run {run} ({path})",
        "cli.analyze.chart": "Saved the chart {path}",
        "cli.analyze.no_chart": "the analysis {name} draws no chart",
        "cli.analyze.empty": "No results.",
    }
)


def param_option(param: Param) -> click.Option:
    """The click option of a declared parameter (``--name``, typed, with the English help)."""
    types: dict[str, Any] = {"text": str, "key": str, "list": str, "date": str, "int": int, "float": float}
    if param.kind == "bool":
        return click.Option([param.flag, param.name], is_flag=True, default=bool(param.default), help=param.help_en)
    kind = click.Choice(param.choices) if param.kind == "choice" else types[param.kind]
    default = param.default if param.kind in ("int", "float", "choice") else None
    return click.Option(
        [param.flag, param.name],
        type=kind,
        default=default,
        required=param.required,
        show_default=default is not None,
        help=param.help_en,
        metavar=_metavar(param),
    )


def _metavar(param: Param) -> str | None:
    return {"list": "A,B,…", "key": "KEY", "date": "DATE", "text": "TEXT"}.get(param.kind)


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _emit(result: Result, fmt: str) -> None:
    records = result.records()
    if fmt == "table":
        if not records:
            click.echo(str(Msg("cli.analyze.empty")))
        else:
            labels = result.labels()
            emit_rows([{labels[c]: _cell(r[c]) for c in result.columns()} for r in records], "table")
    else:
        emit_rows(records, fmt, result.columns())
    for note in result.notes:
        click.echo(note, err=True)


def _cell(value: Any) -> Any:
    """Tables round to 4 decimals (CSV and JSON keep every digit)."""
    if isinstance(value, float) and value == value and abs(value) < 1e15:
        return round(value, 4)
    return value


def _command(analysis: Analysis) -> click.Command:
    def callback(cli: Cli, fmt: str, save: bool, chart: Path | None = None, **raw: Any) -> None:
        params = {p.name: p.parse(raw.get(p.name)) for p in analysis.params}
        store = cli.store()
        result = analysis.run(store, **params)
        result.params = {k: _to_json(v) for k, v in params.items() if v is not None}
        _emit(result, fmt)
        if chart is not None:
            _write_chart(analysis, result, chart)
        if save:
            run = save_run(result, store, Path(cli.settings.runs))
            click.echo(
                str(Msg("cli.analyze.saved", run=run.id, path=Path(cli.settings.runs) / f"{run.id}.json")), err=True
            )

    command = click.Command(
        analysis.name,
        callback=pass_cli(callback),
        help=analysis.help_en,
        params=[param_option(p) for p in analysis.params],
    )
    command.params.append(
        click.Option(["--save"], is_flag=True, help="Save the run (parameters, time, rows) in PARTNERGRAPH_RUNS.")
    )
    if analysis.chart is not None:
        command.params.append(
            click.Option(
                ["--chart"],
                type=click.Path(dir_okay=False, path_type=Path),
                metavar="FILE.svg",
                help="Also draw the result as an SVG picture into FILE.",
            )
        )
    return output_option(command)


def _write_chart(analysis: Analysis, result: Result, path: Path) -> None:
    if analysis.chart is None:
        raise ConfigError(Msg("cli.analyze.no_chart", name=analysis.name))
    write_text_atomic(path, analysis.chart(result))
    click.echo(str(Msg("cli.analyze.chart", path=path)), err=True)


@click.group("analyze")
def analyze() -> None:
    """Analyse the network: overview, metrics, brokerage, communities, partnerships, coverage, matching …"""


for _analysis in analyses().values():
    analyze.add_command(_command(_analysis))

COMMANDS: list[click.Command] = [analyze]
