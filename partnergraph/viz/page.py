"""A network map as one self-contained HTML page: vis-network inlined, nothing fetched.

pyvis 0.3.2's own ``write_html`` links Bootstrap from a CDN (even in ``in_line`` mode) and puts
node data into a ``<script>`` with plain ``json.dumps`` — so an organisation named
``</script><script>…`` would end the script and run code. This page instead inlines the
vis-network 9.1.2 build that pyvis ships (read from pyvis's package at run time), a few lines of
own CSS, and the map data as a ``<script type="application/json">`` block in which ``<``, ``>``
and ``&`` are JSON escapes. Labels are drawn on the canvas as text; tooltips are strings, which
vis-network 9.1 shows with ``innerText`` (never as HTML). Every other text on the page (title,
legend, caption) is HTML-escaped, in the current language, with ``<html lang>`` set.

    >>> from partnergraph.viz.mapdata import MapNode, NetworkMap
    >>> page = render_html(NetworkMap("Mapa", [MapNode("a", "<i>Łąka</i>", "", "", "#000")], [], [], "stopień"))
    >>> "<i>Łąka" in page, "\\\\u003ci\\\\u003eŁąka" in page, 'lang="pl"' in page
    (False, True, True)
"""

from __future__ import annotations

import html
import json
import math
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from partnergraph.errors import ConfigError
from partnergraph.files import write_text_atomic
from partnergraph.i18n import Msg, Plural, current_language, register_messages
from partnergraph.viz.mapdata import NetworkMap

__all__ = ["VIS_NETWORK", "captions", "render_html", "stabilization", "vis_network_js", "write_map"]

STEADY = 200
"""Up to this many nodes the browser runs the full 300 layout iterations before showing the map."""
FONT = "system-ui, DejaVu Sans, Arial, sans-serif"
VIS_NETWORK = "lib/vis-9.1.2/vis-network.min.js"
"""The vis-network build inside the pyvis package."""

register_messages(
    {
        "viz.page.legend": "Legend",
        "viz.page.colour": "Colour: {what}",
        "viz.page.size": "Node size: {what}",
        "viz.page.counts": "{nodes}, {edges}.",
        "viz.page.physics": "The browser computes the layout (physics simulation); nodes can be dragged.",
        "viz.page.precomputed": Plural(
            "Large map ({nodes} node, more than {limit}): physics is off, positions were precomputed ({layout}).",
            "Large map ({nodes} nodes, more than {limit}): physics is off, positions were precomputed ({layout}).",
            n="nodes",
        ),
        "viz.page.aggregated": "Organisations grouped by municipality: one node each, edge width is the number of ties between them.",
        "viz.page.strongest": "Showing the strongest links between municipalities: {shown} of {total} (each has at least {least}).",
        "viz.page.dominant": "a municipality's colour is its most common {what}",
        "viz.page.hint": "Hover over a node or edge for details; the mouse wheel zooms.",
        "viz.page.no_script": "The map needs JavaScript.",
        "viz.page.no_vis": "vis-network is missing from the pyvis package ({detail})",
        "viz.page.no_vis.hint": "reinstall pyvis>=0.3.2",
    }
)

STYLE = """
html, body { margin: 0; font-family: system-ui, "DejaVu Sans", Arial, sans-serif; color: #222; background: #fff; }
header { padding: 0.6rem 1rem 0.2rem; }
h1 { font-size: 1.35rem; margin: 0 0 0.3rem; }
.caption { margin: 0.15rem 0; font-size: 0.95rem; }
main { display: flex; gap: 0.8rem; padding: 0 1rem 1rem; }
#map { flex: 1; height: calc(100vh - 9rem); min-height: 420px; border: 1px solid #ccc; background: #fff; }
#legend { width: 16rem; font-size: 0.95rem; }
#legend h2 { font-size: 1.05rem; margin: 0.2rem 0 0.4rem; }
#legend ul { list-style: none; padding: 0; margin: 0 0 0.6rem; }
#legend li { display: flex; align-items: center; gap: 0.45rem; margin: 0.2rem 0; }
.swatch { display: inline-block; flex: none; width: 0.95rem; height: 0.95rem; border-radius: 50%; border: 1px solid #555; }
.vis-tooltip { position: absolute; visibility: hidden; padding: 5px 7px; white-space: pre-line; max-width: 26rem;
  font-size: 13px; background: #fffbe8; border: 1px solid #888; border-radius: 3px; box-shadow: 2px 2px 8px rgba(0,0,0,.2);
  pointer-events: none; z-index: 5; }
"""

SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var network = new vis.Network(document.getElementById("map"),
    {nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}, data.options);
  if (data.options.physics !== false) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
      network.fit({maxZoomLevel: 2});
    });
  }
  window.partnergraphMap = network;
})();
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$style</style>
<script>$vis</script>
</head>
<body>
<header>
<h1>$title</h1>
$captions
</header>
<main>
<div id="map" role="img" aria-label="$title"><noscript>$noscript</noscript></div>
<aside id="legend">
<h2>$legend_title</h2>
<p>$colour</p>
<ul>
$legend
</ul>
<p>$size</p>
</aside>
</main>
<script id="map-data" type="application/json">$data</script>
<script>$script</script>
</body>
</html>
""")


@cache
def vis_network_js() -> str:
    """The vis-network script shipped inside pyvis (``</script`` cannot occur in it: checked here)."""
    try:
        text = resources.files("pyvis").joinpath(VIS_NETWORK).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise ConfigError(Msg("viz.page.no_vis", detail=exc), hint=Msg("viz.page.no_vis.hint")) from exc
    return text.replace("</script", "<\\/script")


def _json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _data(result: NetworkMap) -> dict[str, Any]:
    large = not result.physics
    nodes = [
        {
            "id": n.id,
            "label": n.label,
            "title": n.title,
            "size": round(n.size, 1),
            "borderWidth": 4 if n.marked else 1,
            "color": {
                "background": n.colour,
                "border": "#222" if n.marked else "#555",
                "highlight": {"background": n.colour, "border": "#000"},
                "hover": {"background": n.colour, "border": "#000"},
            },
            **({"x": n.x, "y": n.y} if n.x is not None else {}),
        }
        for n in result.nodes
    ]
    edges = [
        {
            "from": e.source,
            "to": e.target,
            "title": e.title,
            "width": round(1 + math.log2(max(e.weight, 1.0)), 2),
            "arrows": "to" if e.arrow else "",
        }
        for e in result.edges
    ]
    options = {
        "nodes": {"shape": "dot", "font": {"size": 13, "face": FONT, "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {
            "color": {"color": "#9a9a9a", "highlight": "#333", "hover": "#555"},
            "smooth": False if large else {"type": "continuous"},
            "arrows": {"to": {"scaleFactor": 0.5}},
        },
        "physics": False
        if large
        else {"solver": "forceAtlas2Based", "stabilization": {"iterations": stabilization(len(nodes))}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": large, "hideEdgesOnZoom": large},
        "layout": {"randomSeed": 7, "improvedLayout": len(nodes) <= 150},
    }
    return {"nodes": nodes, "edges": edges, "options": options}


def stabilization(nodes: int) -> int:
    """Physics iterations before the first picture: 300 for small maps, fewer as the browser's cost per iteration grows."""
    return 300 if nodes <= STEADY else max(60, 300 * STEADY // nodes)


def captions(result: NetworkMap) -> list[str]:
    """The visible caption lines: counts, how the layout was made, aggregation, what marks mean."""
    lines = [
        str(
            Msg(
                "viz.page.counts",
                nodes=Msg("n.nodes", count=len(result.nodes)),
                edges=Msg("n.edges", count=len(result.edges)),
            )
        )
    ]
    if result.aggregated:
        lines.append(str(Msg("viz.page.aggregated")))
    if "edges_total" in result.meta:
        lines.append(
            str(
                Msg(
                    "viz.page.strongest",
                    shown=len(result.edges),
                    total=result.meta["edges_total"],
                    least=Msg("n.ties", count=result.meta["edges_min_ties"]),
                )
            )
        )
    if result.physics:
        lines.append(str(Msg("viz.page.physics")))
    else:
        lines.append(
            str(
                Msg(
                    "viz.page.precomputed",
                    nodes=len(result.nodes),
                    limit=result.meta.get("large", "?"),
                    layout=result.layout,
                )
            )
        )
    if result.marked_label:
        lines.append(result.marked_label[:1].upper() + result.marked_label[1:] + ".")
    lines.append(str(Msg("viz.page.hint")))
    return lines


def render_html(result: NetworkMap) -> str:
    """The whole page as text."""
    e = html.escape
    legend = "\n".join(
        f'<li><span class="swatch" style="background:{e(colour)}"></span>{e(label)} ({count})</li>'
        for label, colour, count in result.legend
    )
    colour = str(Msg("viz.page.colour", what=result.colour_label))
    if result.aggregated:
        colour += f" ({Msg('viz.page.dominant', what=result.colour_label)})"
    return PAGE.substitute(
        lang=e(current_language()),
        title=e(result.title),
        style=STYLE,
        vis=vis_network_js(),
        captions="\n".join(f'<p class="caption">{e(line)}</p>' for line in captions(result)),
        noscript=e(str(Msg("viz.page.no_script"))),
        legend_title=e(str(Msg("viz.page.legend"))),
        colour=e(colour),
        legend=legend,
        size=e(str(Msg("viz.page.size", what=result.size_label))),
        data=_json(_data(result)),
        script=SCRIPT,
    )


def write_map(result: NetworkMap, path: Path) -> Path:
    """Write the page to ``path`` atomically (a temporary file beside it, renamed at the end)."""
    return write_text_atomic(path, render_html(result))
