"""``partnergraph map [filters] --out map.html``: a network map as one offline HTML file.

The filters are the analyses' (:data:`~partnergraph.queries.base.FILTER_PARAMS`); the views,
colours, sizes and the large-graph behaviour are described in :mod:`partnergraph.viz.netmap`.
With ``--geo`` the same network is drawn on the map of Poland (:mod:`partnergraph.viz.geomap`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from partnergraph.cli.support import Cli, pass_cli
from partnergraph.errors import ConfigError
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import FILTER_PARAMS
from partnergraph.viz.geomap import build_geo_map, render, save_geo_map
from partnergraph.viz.layout import LARGE
from partnergraph.viz.netmap import COLOURS, SIZES, network_map
from partnergraph.viz.page import write_map

__all__ = ["COMMANDS", "COMMANDS_PL", "OPTIONS_PL"]

register_messages({
    "cli.maps.written": ("Zapisano mapę {path}: {nodes} węzłów, {edges} krawędzi{how}",
                         "Saved the map {path}: {nodes} nodes, {edges} edges{how}"),
    "cli.maps.geo_written": ("Zapisano mapę Polski {path}: {marks} punktów, {lines} linii",
                             "Saved the map of Poland {path}: {marks} points, {lines} lines"),
    "cli.maps.geo_only": ("{flag} działa tylko z --geo", "{flag} works only with --geo"),
    "cli.maps.not_geo": ("{flag} nie działa z --geo (mapa Polski pokazuje całą sieć według gmin)",
                         "{flag} does not work with --geo (the map of Poland shows the whole network by gmina)"),
    "cli.maps.precomputed": ("; duża mapa — położenia policzone wcześniej, fizyka wyłączona",
                             "; a large map — positions precomputed, physics off"),
})  # fmt: skip


def _filter_option(flag: str, help_en: str, kind: str) -> click.Option:
    metavar = {"list": "A,B,…", "key": "KEY", "date": "DATE"}[kind]
    return click.Option([flag, flag[2:].replace("-", "_")], type=str, default=None, metavar=metavar, help=help_en)


@pass_cli
def _map(cli: Cli, /, out: Path, color: str, size: str, ego: str | None, depth: int, partnership: str | None,
         with_partners: bool, aggregate: str | None, geo: bool, indicator: str | None, spread: bool, **raw: Any) -> None:  # fmt: skip
    filters = {p.name: p.parse(raw.get(p.name)) for p in FILTER_PARAMS}
    if geo:
        _geo_map(cli, out, filters, color=color, aggregate=aggregate, indicator=indicator, spread=spread,
                 network_only={"--ego": ego, "--partnership": partnership, "--with-partners": with_partners})  # fmt: skip
        return
    for flag, value in (("--indicator", indicator), ("--spread", spread)):
        if value:
            raise ConfigError(Msg("cli.maps.geo_only", flag=flag))
    result = network_map(cli.store(), color=color, size=size, ego=ego, depth=depth, partnership=partnership,
                         with_partners=with_partners, aggregate="municipality" if aggregate else None, **filters)  # fmt: skip
    write_map(result, out)
    how = "" if result.physics else str(Msg("cli.maps.precomputed"))
    click.echo(str(Msg("cli.maps.written", path=out, nodes=len(result.nodes), edges=len(result.edges), how=how)), err=True)


def _geo_map(cli: Cli, out: Path, filters: dict[str, Any], *, color: str, aggregate: str | None, indicator: str | None,
             spread: bool, network_only: dict[str, Any]) -> None:  # fmt: skip
    for flag, value in network_only.items():
        if value:
            raise ConfigError(Msg("cli.maps.not_geo", flag=flag))
    how = "municipality" if aggregate else ("none" if spread else None)
    geo = build_geo_map(cli.store(), color=color, indicator=indicator, aggregate=how, **filters)
    save_geo_map(out, render(geo))
    click.echo(str(Msg("cli.maps.geo_written", path=out, marks=len(geo.marks), lines=len(geo.lines))), err=True)


map_command = click.Command(
    "map",
    callback=_map,
    help="Draw the network as one self-contained HTML file (works offline): colours by kind or sector, "
    f"size by a node metric, ego and partnership views; above {LARGE} nodes positions are precomputed.",
    params=[
        *(_filter_option(p.flag, p.help_en, p.kind) for p in FILTER_PARAMS),
        click.Option(["--out", "out"], type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="FILE.html",
                     help="The HTML file to write (replaced atomically)."),
        click.Option(["--color", "color"], type=click.Choice(COLOURS), default="kind", show_default=True,
                     help="Colour nodes by kind or by sector."),
        click.Option(["--size", "size"], type=click.Choice(SIZES), default="degree", show_default=True,
                     help="The node metric that sets node size."),
        click.Option(["--ego", "ego"], metavar="KEY", help="Only this organisation and its neighbourhood."),
        click.Option(["--depth", "depth"], type=int, default=1, show_default=True, help="How many steps from --ego."),
        click.Option(["--partnership", "partnership"], metavar="KEY", help="Only the members of this partnership and the ties among them."),
        click.Option(["--with-partners", "with_partners"], is_flag=True, help="With --partnership: also the members' other partners."),
        click.Option(["--aggregate", "aggregate"], type=click.Choice(["municipality"]),
                     help="One node per municipality, sized by its number of organisations."),
        click.Option(["--geo", "geo"], is_flag=True,
                     help="Draw the network on the map of Poland (offline SVG) instead of a network layout."),
        click.Option(["--indicator", "indicator"], metavar="NAME",
                     help="With --geo: colour each gmina by kind:KIND, referrals, services or service:CATEGORY."),
        click.Option(["--spread", "spread"], is_flag=True, help="With --geo: one point per organisation even above 1,500 organisations."),
    ],
)  # fmt: skip

COMMANDS: list[click.Command] = [map_command]
COMMANDS_PL: dict[str, str] = {
    "map": "Narysuj sieć jako jeden samodzielny plik HTML (działa bez internetu): kolory według rodzaju lub sektora, "
    f"wielkość według miary węzła, widok wokół organizacji i widok partnerstwa; powyżej {LARGE} węzłów położenia są liczone wcześniej.",
}
OPTIONS_PL: dict[str, str] = {
    **{f"map {p.flag}": p.help_pl for p in FILTER_PARAMS},
    "map --out": "Plik HTML do zapisania (podmieniany w całości, atomowo).",
    "map --color": "Kolor węzłów według rodzaju organizacji (kind) albo sektora (sector).",
    "map --size": "Miara węzła, od której zależy jego wielkość.",
    "map --ego": "Tylko ta organizacja (klucz) i jej otoczenie.",
    "map --depth": "Ile kroków od organizacji z --ego.",
    "map --partnership": "Tylko członkowie tego partnerstwa (klucz) i powiązania między nimi.",
    "map --with-partners": "Z --partnership: także pozostali partnerzy członków.",
    "map --aggregate": "Jeden węzeł na gminę, wielkość według liczby organizacji.",
    "map --geo": "Narysuj sieć na mapie Polski (SVG, bez internetu) zamiast układu sieci.",
    "map --indicator": "Z --geo: kolor gminy według wskaźnika: kind:RODZAJ, referrals, services albo service:USŁUGA.",
    "map --spread": "Z --geo: każda organizacja osobno, także powyżej 1500 organizacji.",
}
