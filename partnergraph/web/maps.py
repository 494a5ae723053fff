"""The network map: the filters of ``partnergraph map`` as a form, the map in a sandboxed frame.

The map (:func:`partnergraph.viz.netmap.network_map` rendered by
:func:`partnergraph.viz.page.render_html`) is a whole HTML document with its script inline;
it is served from its own URL with a Content-Security-Policy that allows only that inline
script and style (nothing from the network) and a ``sandbox`` without same-origin rights, and
the page shows it in an ``<iframe sandbox="allow-scripts">``. Names inside are escaped by the
map page itself.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from partnergraph.viz.netmap import MAP_PARAMS, network_map
from partnergraph.viz.page import render_html
from partnergraph.web.params import form_value, parse_form
from partnergraph.web.store import get_store

__all__ = ["FRAME_CSP", "bp"]

bp = Blueprint("maps", __name__, url_prefix="/map")

FRAME_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; sandbox allow-scripts"
)
"""The map frame's policy: its own inline script and style only, no requests, no same-origin rights."""


@bp.route("/")
def index() -> ResponseReturnValue:
    """The filter form and the framed map (a bad filter's message shows inside the frame)."""
    values = {p.name: form_value(p, request.args) for p in MAP_PARAMS}
    query = {k: v for k, v in request.args.to_dict(flat=True).items() if k != "lang"}
    return render_template("map.html", params=MAP_PARAMS, values=values, query=query)


@bp.route("/frame")
def frame() -> ResponseReturnValue:
    """The map itself: one self-contained HTML document."""
    options = parse_form(MAP_PARAMS, request.args)
    aggregate = options.pop("aggregate")
    result = network_map(get_store(), aggregate="municipality" if aggregate else None, **options)
    return Response(render_html(result), mimetype="text/html", headers={"Content-Security-Policy": FRAME_CSP})
