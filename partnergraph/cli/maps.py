"""``partnergraph map [filters] --out map.html``: a network map as one offline HTML file.

The filters are the analyses' (:data:`~partnergraph.queries.base.FILTER_PARAMS`); the views,
colours, sizes and the large-graph behaviour are described in :mod:`partnergraph.viz.netmap`.
With ``--geo`` the same network is drawn on the map of Poland (:mod:`partnergraph.viz.geomap`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from partnergraph.cli.analyze import param_option
from partnergraph.cli.support import Cli, pass_cli
from partnergraph.errors import ConfigError
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import FILTER_PARAMS
from partnergraph.viz.geomap import build_geo_map, render, save_geo_map
from partnergraph.viz.layout import LARGE
from partnergraph.viz.netmap import MAP_PARAMS, network_map
from partnergraph.viz.page import write_map

__all__ = ["COMMANDS"]

register_messages(
    {
        "cli.maps.written": "Saved the map {path}: {nodes}, {edges}{how}",
        "cli.maps.geo_written": "Saved the map of Poland {path}: {points}, {lines}",
        "cli.maps.geo_only": "{flag} works only with --geo",
        "cli.maps.not_geo": "{flag} does not work with --geo (the map of Poland shows the whole network by gmina)",
        "cli.maps.precomputed": "; a large map — positions precomputed, physics off",
    }
)


_SHARED = tuple(p for p in MAP_PARAMS if p.name != "aggregate")
_AGGREGATE = next(p for p in MAP_PARAMS if p.name == "aggregate")
"""The map's declared parameters as options (``--aggregate`` is a choice here: ``--aggregate municipality``)."""


@pass_cli
def _map(
    cli: Cli, /, out: Path, aggregate: str | None, geo: bool, indicator: str | None, spread: bool, **raw: Any
) -> None:
    values = {p.name: p.parse(raw.get(p.name)) for p in _SHARED}
    filters = {p.name: values.pop(p.name) for p in FILTER_PARAMS}
    if geo:
        network_only = {p.flag: values[p.name] for p in _SHARED if p.name in ("ego", "partnership", "with_partners")}
        _geo_map(
            cli,
            out,
            filters,
            color=values["color"],
            aggregate=aggregate,
            indicator=indicator,
            spread=spread,
            network_only=network_only,
        )
        return
    for flag, value in (("--indicator", indicator), ("--spread", spread)):
        if value:
            raise ConfigError(Msg("cli.maps.geo_only", flag=flag))
    result = network_map(cli.store(), aggregate="municipality" if aggregate else None, **values, **filters)
    write_map(result, out)
    how = "" if result.physics else str(Msg("cli.maps.precomputed"))
    click.echo(
        str(
            Msg(
                "cli.maps.written",
                path=out,
                nodes=Msg("n.nodes", count=len(result.nodes)),
                edges=Msg("n.edges", count=len(result.edges)),
                how=how,
            )
        ),
        err=True,
    )


def _geo_map(
    cli: Cli,
    out: Path,
    filters: dict[str, Any],
    *,
    color: str,
    aggregate: str | None,
    indicator: str | None,
    spread: bool,
    network_only: dict[str, Any],
) -> None:
    for flag, value in network_only.items():
        if value:
            raise ConfigError(Msg("cli.maps.not_geo", flag=flag))
    how = "municipality" if aggregate else ("none" if spread else None)
    geo = build_geo_map(cli.store(), color=color, indicator=indicator, aggregate=how, **filters)
    save_geo_map(out, render(geo))
    click.echo(
        str(
            Msg(
                "cli.maps.geo_written",
                path=out,
                points=Msg("n.points", count=len(geo.marks)),
                lines=Msg("n.lines", count=len(geo.lines)),
            )
        ),
        err=True,
    )


map_command = click.Command(
    "map",
    callback=_map,
    help="Draw the network as one self-contained HTML file (works offline): colours by kind or sector, "
    f"size by a node metric, ego and partnership views; above {LARGE} nodes positions are precomputed.",
    params=[
        *(param_option(p) for p in _SHARED),
        click.Option(
            ["--out", "out"],
            type=click.Path(dir_okay=False, path_type=Path),
            required=True,
            metavar="FILE.html",
            help="The HTML file to write (replaced atomically).",
        ),
        click.Option(["--aggregate", "aggregate"], type=click.Choice(["municipality"]), help=_AGGREGATE.help_en),
        click.Option(
            ["--geo", "geo"],
            is_flag=True,
            help="Draw the network on the map of Poland (offline SVG) instead of a network layout.",
        ),
        click.Option(
            ["--indicator", "indicator"],
            metavar="NAME",
            help="With --geo: colour each gmina by kind:KIND, referrals, services or service:CATEGORY.",
        ),
        click.Option(
            ["--spread", "spread"],
            is_flag=True,
            help="With --geo: one point per organisation even above 1,500 organisations.",
        ),
    ],
)

COMMANDS: list[click.Command] = [map_command]
