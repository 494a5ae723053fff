"""The network on the map of Poland: one self-contained, offline HTML file (inline SVG, no tiles).

Organisations are drawn at their gmina (``LOCATED_IN`` → Municipality ``teryt``, matched by
:mod:`partnergraph.geodata`), spread on a spiral so that many in one gmina stay visible, with
their ties as lines and the voivodeship outlines behind. Above :data:`AGGREGATE_ABOVE`
organisations (or with ``aggregate="municipality"``) there is one circle per gmina, its area
the number of organisations, coloured by the most numerous kind, and one line per pair of
gminas (the :data:`MAX_LINES` with most ties). With ``indicator`` each gmina of the store is a
point coloured by a value: ``kind:CODE`` (organisations of that kind), ``referrals`` (REFERS
counts received, 1–4 shown as ``<5``), ``services`` (distinct services offered there) or
``service:KEY`` (that service present or missing).

The page has no ``src`` or external ``href`` at all; every name is escaped, and tooltips are
set with ``textContent``. Polish first (the current language of :mod:`partnergraph.i18n`).

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> page = geo_map(SqliteStore(":memory:"))
    >>> page.startswith("<!DOCTYPE html>") and '<html lang="pl">' in page and "<script src" not in page
    True
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from partnergraph import geodata
from partnergraph.errors import ConfigError
from partnergraph.files import write_text_atomic
from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import Structure, project_structure
from partnergraph.i18n import Msg, current_language
from partnergraph.queries.base import check_kinds, check_node, check_tie_types
from partnergraph.viz.geoindicators import Indicator, check_options, indicator_values
from partnergraph.viz.mapdata import Styler

__all__ = [
    "AGGREGATE_ABOVE",
    "MAX_LINES",
    "GeoMap",
    "Line",
    "Mark",
    "build_geo_map",
    "geo_map",
    "render",
    "save_geo_map",
]

AGGREGATE_ABOVE = 1500
"""With more organisations than this, the map aggregates them per gmina (unless told otherwise)."""
MAX_LINES = 1500
"""The aggregated map draws at most this many gmina–gmina lines (those with most ties)."""
SCALE = 100.0
"""Drawing units per degree of latitude (the viewBox is about 620 × 590 units)."""
ORG_R, SPREAD, GMINA_R, MAX_R, MIN_VIEW, MAX_LABELS = 1.6, 1.9, 1.6, 12.0, 160.0, 60


@dataclass(frozen=True)
class Mark:
    """A circle: an organisation, or a gmina (aggregated or indicator view); ``tip`` is plain text."""

    x: float
    y: float
    r: float
    colour: str
    tip: str
    cls: str = "org"
    label: str = ""
    """A gmina's name, written next to it when the map has few gminas."""


@dataclass(frozen=True)
class Line:
    """A tie (or the ties between two gminas, ``weight`` of them)."""

    x1: float
    y1: float
    x2: float
    y2: float
    weight: int = 1


@dataclass
class GeoMap:
    """What the page shows, independent of the HTML (tests and the web read it)."""

    title: str
    legend_title: str
    legend: list[tuple[str, str, str]] = field(default_factory=list)
    """(label, colour, count shown) per class."""
    marks: list[Mark] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    aggregated: bool = False


def _t(message_id: str, **params: object) -> str:
    return Msg(message_id, **params).render()


def _gminas(store: GraphStore) -> dict[str, tuple[str, str]]:
    """Municipality key → (shipped gmina code, name); keys whose code has no position are left out."""
    found: dict[str, tuple[str, str]] = {}
    for node in store.iter_nodes("Municipality"):
        code = geodata.match(str(node.props.get("teryt", node.key)))
        if code is not None:
            found[node.key] = (code, str(node.props.get("name", node.key)))
    return found


def _names(gminas: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Shipped code → the name to show (the municipality whose own code is the gmina's, else the first key)."""
    names: dict[str, str] = {}
    for _key, (code, name) in sorted(
        gminas.items(), key=lambda item: (item[0].removeprefix("teryt:")[6:] not in "123", item[0])
    ):
        names.setdefault(code, name)
    return names


def _point(code: str) -> tuple[float, float]:
    lon, lat = geodata.positions(7)[code]
    return geodata.project(lon, lat, SCALE)


def _spiral(x: float, y: float, i: int, n: int) -> tuple[float, float]:
    if n == 1:
        return x, y
    angle, radius = i * 2.399963, SPREAD * math.sqrt(i + 0.5)  # golden angle (radians)
    return round(x + radius * math.cos(angle), 1), round(y + radius * math.sin(angle), 1)


def _by_gmina(s: Structure, gminas: dict[str, tuple[str, str]]) -> tuple[dict[str, list[int]], list[int]]:
    """Organisation indices per shipped gmina code, and those that cannot be placed."""
    placed: dict[str, list[int]] = defaultdict(list)
    unplaced: list[int] = []
    for i, where in enumerate(s.municipality):
        if where is not None and where in gminas:
            placed[gminas[where][0]].append(i)
        else:
            unplaced.append(i)
    return dict(sorted(placed.items())), unplaced


def _organisations(
    gm: GeoMap, s: Structure, placed: dict[str, list[int]], names: dict[str, str], styler: Styler, groups: list[str]
) -> None:
    where: dict[int, tuple[float, float]] = {}
    for code, members in placed.items():
        x, y = _point(code)
        for j, i in enumerate(members):
            where[i] = _spiral(x, y, j, len(members))
            tip = f"{s.names[i]} — {styler.description({'kind': s.kind[i], 'sector': s.sector[i]})} — {names.get(code, code)}"
            gm.marks.append(Mark(*where[i], ORG_R, styler.colour(groups[i]), tip))
    for a, b in zip(s.src, s.dst, strict=True):
        if a in where and b in where:
            gm.lines.append(Line(*where[a], *where[b]))


def _groups(s: Structure, styler: Styler) -> list[str]:
    """The colour group of every organisation (one Styler call per distinct kind and sector)."""
    cache: dict[tuple[str | None, str | None], str] = {}
    groups = []
    for pair in zip(s.kind, s.sector, strict=True):
        if pair not in cache:
            cache[pair] = styler.group({"kind": pair[0], "sector": pair[1]})
        groups.append(cache[pair])
    return groups


def _aggregate(
    gm: GeoMap, s: Structure, placed: dict[str, list[int]], names: dict[str, str], styler: Styler, groups: list[str]
) -> None:
    largest = max((len(m) for m in placed.values()), default=1)
    codes = list(placed)
    gid = [-1] * len(s.keys)  # the gmina of each organisation as an index into codes: integer pairs count fast
    for number, (code, members) in enumerate(placed.items()):
        top = sorted(Counter(groups[i] for i in members).items(), key=lambda item: (-item[1], item[0]))
        detail = ", ".join(f"{styler.label(g)} {n}" for g, n in top[:3]) + (", …" if len(top) > 3 else "")
        tip = _t("geo.tip.gmina", name=names.get(code, code), count=len(members), detail=detail)
        radius = round(GMINA_R + (MAX_R - GMINA_R) * math.sqrt(len(members) / largest), 2)
        gm.marks.append(Mark(*_point(code), radius, styler.colour(top[0][0]), tip, "gmina", names.get(code, code)))
        for i in members:
            gid[i] = number
    size = len(codes)
    pairs = Counter(
        ga * size + gb if ga < gb else gb * size + ga
        for ga, gb in ((gid[a], gid[b]) for a, b in zip(s.src, s.dst, strict=True))
        if ga >= 0 and gb >= 0 and ga != gb
    )
    strongest = heapq.nsmallest(MAX_LINES, pairs.items(), key=lambda item: (-item[1], item[0]))
    gm.lines.extend(Line(*_point(codes[p // size]), *_point(codes[p % size]), n) for p, n in sorted(strongest))
    if len(pairs) > MAX_LINES:
        gm.notes.append(_t("geo.note.lines", shown=MAX_LINES, total=len(pairs)))


def _indicator(
    gm: GeoMap,
    store: GraphStore,
    s: Structure,
    ind: Indicator,
    gminas: dict[str, tuple[str, str]],
    only: str | None,
    tie_types: Sequence[str] | None,
    as_of: dt.date | None,
) -> None:
    codes = sorted({code for key, (code, _) in gminas.items() if only is None or key == only})
    code_of = {key: code for key, (code, _) in gminas.items()}
    view = indicator_values(store, s, ind, code_of, codes, tie_types=tie_types, as_of=as_of)
    names = _names(gminas)
    gm.legend_title, gm.legend = view.title, view.legend
    for code in codes:
        value, colour = view.values[code]
        name = names.get(code, code)
        gm.marks.append(Mark(*_point(code), GMINA_R * 1.6, colour, f"{name}: {value}", "gmina", name))
    gm.notes.extend(view.notes)


def build_geo_map(
    store: GraphStore,
    *,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
    indicator: str | None = None,
    aggregate: str | None = None,
    color: str = "kind",
    title: str | None = None,
) -> GeoMap:
    """The map as data (see :func:`geo_map` for the options); options are checked first, naming the bad one."""
    check_kinds(store, kinds)
    check_tie_types(store, tie_types)
    if municipality is not None:
        check_node(store, municipality, "--municipality", "Municipality")
    ind = check_options(store, indicator=indicator, aggregate=aggregate, color=color)
    s = project_structure(store, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of)
    gminas = _gminas(store)
    placed, unplaced = _by_gmina(s, gminas)
    styler = Styler(store.schema, color)
    groups = _groups(s, styler)
    gm = GeoMap(title or _t("geo.title"), _t(f"geo.legend.{color}"))
    if ind is not None:
        _indicator(gm, store, s, ind, gminas, municipality, tie_types, as_of)
    elif aggregate == "municipality" or (aggregate in (None, "auto") and len(s.keys) - len(unplaced) > AGGREGATE_ABOVE):
        gm.aggregated = True
        _aggregate(gm, s, placed, _names(gminas), styler, groups)
        gm.notes.insert(0, _t("geo.note.aggregated"))
        if aggregate != "municipality":
            gm.notes.insert(0, _t("geo.note.auto", n=len(s.keys) - len(unplaced), limit=AGGREGATE_ABOVE))
    else:
        _organisations(gm, s, placed, _names(gminas), styler, groups)
    if ind is None:
        shown = Counter(groups[i] for members in placed.values() for i in members)
        gm.legend = [(label, colour, str(n)) for label, colour, n in styler.legend(shown)]
        gm.notes.insert(0, _t("geo.note.counts", orgs=len(s.keys) - len(unplaced), places=len(placed), ties=len(s.src)))
    if unplaced:
        gm.notes.append(_unplaced(s, unplaced))
    gm.notes.append(_t("geo.note.source"))
    return gm


def _unplaced(s: Structure, unplaced: Sequence[int]) -> str:
    """The note on organisations not drawn: how many, and the first 20 names."""
    listed = ", ".join(sorted(s.names[i] for i in unplaced)[:20]) + (" …" if len(unplaced) > 20 else "")
    return _t("geo.note.unplaced", n=len(unplaced), names=listed)


def geo_map(
    store: GraphStore,
    *,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
    indicator: str | None = None,
    aggregate: str | None = None,
    color: str = "kind",
    title: str | None = None,
) -> str:
    """The geographic map as one self-contained HTML page.

    ``kinds``, ``tie_types``, ``municipality`` (a key such as ``teryt:3014022``) and ``as_of``
    filter as in every analysis; ``aggregate`` is ``None``/``"auto"`` (per gmina above
    :data:`AGGREGATE_ABOVE` organisations), ``"municipality"`` or ``"none"``; ``color`` is
    ``"kind"`` or ``"sector"``; ``indicator`` switches to the gmina view (module docstring).
    """
    gm = build_geo_map(
        store,
        kinds=kinds,
        tie_types=tie_types,
        municipality=municipality,
        as_of=as_of,
        indicator=indicator,
        aggregate=aggregate,
        color=color,
        title=title,
    )
    return render(gm)


def save_geo_map(path: str | os.PathLike[str], html: str) -> Path:
    """Write ``html`` to ``path`` atomically (a temporary file in the same folder, then a rename)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise ConfigError(Msg("geo.no_folder", path=str(target)), hint=Msg("geo.no_folder.hint"))
    return write_text_atomic(target, html)


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def _outlines() -> tuple[str, tuple[float, float, float, float]]:
    paths, xs, ys = [], [], []
    for outline in geodata.outlines():
        parts = []
        for ring in outline.rings:
            pts = [geodata.project(lon, lat, SCALE) for lon, lat in ring]
            xs += [p[0] for p in pts]
            ys += [p[1] for p in pts]
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in pts) + "Z")
        paths.append(f'<path d="{"".join(parts)}" data-t="{_a(outline.name)}"/>')
    pad = 10.0
    return "".join(paths), (min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad)


def _fit(marks: Sequence[Mark], country: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The first view: the marks with a margin (at least :data:`MIN_VIEW` wide), never more than the country."""
    if not marks:
        return country
    x0, x1 = min(m.x - m.r for m in marks), max(m.x + m.r for m in marks)
    y0, y1 = min(m.y - m.r for m in marks), max(m.y + m.r for m in marks)
    side = max(x1 - x0, y1 - y0) * 1.2 + 20
    if side >= min(country[2], country[3]) or side < 0:
        return country
    side = max(side, MIN_VIEW)
    return (round((x0 + x1 - side) / 2, 1), round((y0 + y1 - side) / 2, 1), round(side, 1), round(side, 1))


def _labels(gm: GeoMap, view: tuple[float, float, float, float]) -> str:
    """Gmina names next to gmina marks, when there are few enough to read (:data:`MAX_LABELS`)."""
    named = [m for m in gm.marks if m.label]
    if not named or len(named) > MAX_LABELS:
        return ""
    size = round(view[2] / 70, 2)
    texts = "".join(
        f'<text x="{m.x + m.r + size / 3:.1f}" y="{m.y + size / 3:.1f}">{_a(m.label)}</text>' for m in named
    )
    return f'<g class="labels" font-size="{size:g}">{texts}</g>'


def _svg(gm: GeoMap) -> str:
    outlines, box = _outlines()
    lines = "".join(
        f'<line x1="{ln.x1:g}" y1="{ln.y1:g}" x2="{ln.x2:g}" y2="{ln.y2:g}"'
        + (f' stroke-width="{0.8 + 0.6 * math.log2(ln.weight):.2f}"' if ln.weight > 1 else "")
        + "/>"
        for ln in gm.lines
    )
    marks = "".join(
        f'<circle class="{m.cls}" cx="{m.x:g}" cy="{m.y:g}" r="{m.r:g}" fill="{_a(m.colour)}" data-t="{_a(m.tip)}"/>'
        for m in gm.marks
    )
    view = _fit(gm.marks, box)
    head = f'<svg id="geo" viewBox="{_nums(view)}" data-country="{_nums(box)}" role="img" aria-label="{_a(gm.title)}">'
    return f'{head}<g class="outlines">{outlines}</g><g class="ties">{lines}</g><g class="marks">{marks}</g>{_labels(gm, view)}</svg>'


def _nums(values: Sequence[float]) -> str:
    return " ".join(f"{v:g}" for v in values)


def render(gm: GeoMap) -> str:
    """The page for ``gm``: inline SVG, a legend, the notes, and a small script (tooltips, zoom, pan)."""
    legend = "".join(
        f'<li><span class="sw" style="background:{_a(c)}"></span>{_a(label)} ({_a(n)})</li>'
        for label, c, n in gm.legend
    )
    notes = "".join(f"<li>{_a(note)}</li>" for note in gm.notes)
    return (
        f'<!DOCTYPE html>\n<html lang="{_a(current_language())}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_a(gm.title)}</title>'
        f"<style>{_CSS}</style></head><body><h1>{_a(gm.title)}</h1><main>{_svg(gm)}"
        f'<aside><h2>{_a(gm.legend_title)}</h2><ul class="legend">{legend}</ul></aside></main>'
        f'<ul class="notes">{notes}</ul><div id="tip" hidden></div><script>{_JS}</script></body></html>\n'
    )


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1em;color:#222}main{display:flex;gap:1em;align-items:flex-start}"
    "#geo{width:min(100%,900px);height:auto;background:#f7fbff;border:1px solid #ccc;cursor:grab;touch-action:none}"
    ".outlines path{fill:#fff;stroke:#777;stroke-width:1;vector-effect:non-scaling-stroke}.labels{fill:#333;pointer-events:none}"
    ".ties line{stroke:#555;stroke-opacity:.4;stroke-width:.8;vector-effect:non-scaling-stroke}"
    ".marks circle{stroke:#fff;stroke-width:.25}.marks circle.gmina{stroke:#333;stroke-width:.3;fill-opacity:.85}"
    ".legend{list-style:none;padding:0}.sw{display:inline-block;width:.9em;height:.9em;margin-right:.4em;border-radius:50%}"
    ".notes{font-size:.9em;color:#444}#tip{position:absolute;background:#fff;border:1px solid #888;padding:2px 6px;"
    "pointer-events:none;font-size:.85em;max-width:30em}"
)
_JS = """(function () {
  var svg = document.getElementById("geo"), tip = document.getElementById("tip"), vb = svg.viewBox.baseVal, drag = null;
  svg.addEventListener("mousemove", function (e) {
    var text = e.target.getAttribute && e.target.getAttribute("data-t");
    if (!text || drag) { tip.hidden = true; return; }
    tip.textContent = text; tip.hidden = false;
    tip.style.left = (e.pageX + 12) + "px"; tip.style.top = (e.pageY + 12) + "px";
  });
  svg.addEventListener("mouseleave", function () { tip.hidden = true; });
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var r = svg.getBoundingClientRect(), k = e.deltaY < 0 ? 0.8 : 1.25;
    var px = vb.x + (e.clientX - r.left) / r.width * vb.width, py = vb.y + (e.clientY - r.top) / r.height * vb.height;
    vb.x = px - (px - vb.x) * k; vb.y = py - (py - vb.y) * k; vb.width *= k; vb.height *= k;
  }, {passive: false});
  svg.addEventListener("pointerdown", function (e) { drag = {x: e.clientX, y: e.clientY}; svg.setPointerCapture(e.pointerId); });
  svg.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var r = svg.getBoundingClientRect();
    vb.x -= (e.clientX - drag.x) / r.width * vb.width; vb.y -= (e.clientY - drag.y) / r.height * vb.height;
    drag = {x: e.clientX, y: e.clientY};
  });
  svg.addEventListener("pointerup", function () { drag = null; });
  svg.addEventListener("dblclick", function () {
    var c = svg.getAttribute("data-country").split(" ").map(Number);
    vb.x = c[0]; vb.y = c[1]; vb.width = c[2]; vb.height = c[3];
  });
})();"""
