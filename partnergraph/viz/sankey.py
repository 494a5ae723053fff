"""A multi-level Sankey diagram as offline SVG, drawn with matplotlib patches.

``matplotlib.sankey`` draws one process with in- and outflows, not flows across several
levels (welfare centre → CES → cooperative), so the diagram is drawn here: nodes are bars in
columns (a node's column is its depth in the flow graph: networkx ``topological_generations``
over the condensation, so cycles cannot break it), flows are bands between the bars whose
edges are cubic Bézier curves (``PathPatch``).

Counts arrive already shown (:mod:`partnergraph.queries.privacy`): an int, or ``<5``. A
suppressed flow is drawn with the fixed width :data:`HIDDEN_WIDTH` whatever its number, and
labelled ``<5``; a node's total is ``≥N`` when one of its flows is hidden. No text is ever a
raw count from 1 to 4, and the axes (whose ticks would be numbers) are not drawn.

    >>> svg = sankey([Flow("GOPS", "CES", "<5"), Flow("CES", "Spółdzielnia", 12)], title="Skierowania")
    >>> "&lt;5" in svg and "Spółdzielnia" in svg and ">3<" not in svg
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from partnergraph.queries.privacy import Count, is_suppressed
from partnergraph.viz.charts import PALETTE, figure, to_svg

__all__ = ["HIDDEN_WIDTH", "Flow", "sankey", "shown_total"]

HIDDEN_WIDTH = 2.5
"""The drawn width (in count units) of a suppressed flow: the same for every hidden count."""
_BAR = 0.05


@dataclass(frozen=True)
class Flow:
    """A flow between two named nodes, with its shown count (int, or ``<5``)."""

    source: str
    target: str
    value: Count


def shown_total(values: Sequence[Count]) -> Count:
    """The sum of shown counts; ``≥N`` (visible sum + 1 per hidden count) when one is hidden.

    >>> shown_total([7, "<5"]), shown_total([7, 5])
    ('≥8', 12)
    """
    visible = sum(v for v in values if isinstance(v, int))
    hidden = sum(1 for v in values if is_suppressed(v))
    return f"≥{visible + hidden}" if hidden else visible


def _width(value: Count) -> float:
    return HIDDEN_WIDTH if is_suppressed(value) else float(value)


def _columns(flows: Sequence[Flow]) -> list[list[str]]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for flow in flows:
        graph.add_edge(flow.source, flow.target)
    condensed = nx.condensation(graph)
    order = {name: i for i, name in enumerate(dict.fromkeys(n for f in flows for n in (f.source, f.target)))}
    columns = []
    for generation in nx.topological_generations(condensed):
        members = [n for c in generation for n in condensed.nodes[c]["members"]]
        columns.append(sorted(members, key=order.__getitem__))
    return columns


@dataclass
class _Layout:
    x: dict[str, float]
    y: dict[str, float]
    size: dict[str, float]
    height: float


def _layout(flows: Sequence[Flow], columns: list[list[str]]) -> _Layout:
    into = {n: sum(_width(f.value) for f in flows if f.target == n) for col in columns for n in col}
    out = {n: sum(_width(f.value) for f in flows if f.source == n) for col in columns for n in col}
    size = {n: max(into[n], out[n], 1.0) for n in into}
    gap = 0.08 * max(sum(size[n] for n in col) for col in columns)
    height = max(sum(size[n] for n in col) + gap * (len(col) - 1) for col in columns)
    x: dict[str, float] = {}
    y: dict[str, float] = {}
    for index, column in enumerate(columns):
        top = height - (height - sum(size[n] for n in column) - gap * (len(column) - 1)) / 2
        for name in column:
            x[name], y[name] = float(index), top
            top -= size[name] + gap
    return _Layout(x, y, size, height)


def _band(axes: Axes, x0: float, y0: float, x1: float, y1: float, width: float, colour: str) -> None:
    middle = (x0 + x1) / 2
    vertices = [
        (x0, y0),
        (middle, y0),
        (middle, y1),
        (x1, y1),
        (x1, y1 - width),
        (middle, y1 - width),
        (middle, y0 - width),
        (x0, y0 - width),
        (x0, y0),
    ]
    codes = [
        Path.MOVETO,
        Path.CURVE4,
        Path.CURVE4,
        Path.CURVE4,
        Path.LINETO,
        Path.CURVE4,
        Path.CURVE4,
        Path.CURVE4,
        Path.CLOSEPOLY,
    ]
    axes.add_patch(PathPatch(Path(vertices, codes), facecolor=colour, edgecolor="none", alpha=0.45))


def _draw_flows(axes: Axes, flows: Sequence[Flow], layout: _Layout, colours: dict[str, str]) -> None:
    out_top = dict(layout.y)
    in_top = dict(layout.y)
    ordered = sorted(flows, key=lambda f: (-layout.y[f.source], -layout.y[f.target]))
    for flow in ordered:
        width = _width(flow.value)
        if width <= 0:
            continue
        x0, x1 = layout.x[flow.source] + _BAR, layout.x[flow.target]
        y0, y1 = out_top[flow.source], in_top[flow.target]
        _band(axes, x0, y0, x1, y1, width, colours[flow.source])
        axes.text(x0 + 0.03, y0 - width / 2, str(flow.value), ha="left", va="center", fontsize=8, parse_math=False)
        out_top[flow.source] -= width
        in_top[flow.target] -= width


def _draw_nodes(axes: Axes, flows: Sequence[Flow], layout: _Layout, colours: dict[str, str], last: float) -> None:
    for name, x in layout.x.items():
        top, size = layout.y[name], layout.size[name]
        axes.add_patch(Rectangle((x, top - size), _BAR, size, facecolor=colours[name], edgecolor="none"))
        inflows = [f.value for f in flows if f.target == name]
        total = shown_total(inflows or [f.value for f in flows if f.source == name])
        left = x == 0.0 and last > 0
        axes.text(
            x - 0.02 if left else x + _BAR + 0.02,
            top - size / 2,
            f"{name} ({total})",
            ha="right" if left else "left",
            va="center",
            fontsize=9,
            parse_math=False,
        )


def sankey(flows: Sequence[Flow], *, title: str = "") -> str:
    """The flows as an SVG Sankey diagram (columns by depth, bands by shown count)."""
    columns = _columns(flows) if flows else []
    fig = figure(10.0, max(3.0, 0.5 * max((len(c) for c in columns), default=1) + 2))
    axes = fig.add_subplot()
    axes.set_axis_off()
    if title:
        axes.set_title(title, parse_math=False)
    if not columns:
        return to_svg(fig)
    layout = _layout(flows, columns)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(n for col in columns for n in col)}
    _draw_flows(axes, flows, layout, colours)
    last = float(len(columns) - 1)
    _draw_nodes(axes, flows, layout, colours, last)
    axes.set_xlim(-0.9, last + 0.9)
    axes.set_ylim(-0.02 * layout.height, layout.height * 1.02)
    return to_svg(fig)
