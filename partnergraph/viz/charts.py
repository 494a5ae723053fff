"""Charts as self-contained SVG text: matplotlib's SVG backend, no scripts, no fonts to fetch.

Each chart function takes plain data and returns SVG text; the analyses wrap them in their
``chart`` hook (``partnergraph analyze NAME --chart FILE.svg``) and the web shows the same text.
Output is deterministic (fixed hash salt, no date in the metadata), so a chart can be tested
and diffed. Labels are drawn as text by matplotlib and escaped by its SVG writer.

    >>> svg = bar_chart(["Kwilcz", "Poznań"], {"organizacje": [3, 12]}, title="Gminy")
    >>> svg.startswith("<?xml") and "Poznań" in svg and "<script" not in svg
    True
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

__all__ = ["PALETTE", "bar_chart", "figure", "to_svg"]

PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#1f78b4",
    "#b2df8a",
    "#fb9a99",
    "#cab2d6",
)
"""Colour-blind-friendly colours (ColorBrewer Dark2 + Paired), used in charts and maps alike."""


def figure(width: float = 8.0, height: float = 4.5) -> Figure:
    """A new figure (not registered with pyplot's global state)."""
    return Figure(figsize=(width, height), layout="constrained")


def to_svg(fig: Figure) -> str:
    """The figure as SVG text, text kept as text (searchable, escaped), deterministic."""
    stream = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "partnergraph"}):
        fig.savefig(stream, format="svg", metadata={"Date": None, "Creator": "partnergraph"})
    return stream.getvalue()


def bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    ylabel: str = "",
    stacked: bool = False,
    horizontal: bool = False,
) -> str:
    """Grouped (or stacked) bars: one bar per category and series."""
    fig = figure(max(6.0, 0.6 * len(categories) * max(1, len(series) if not stacked else 1) + 2), 4.5)
    axes = fig.add_subplot()
    positions = list(range(len(categories)))
    width = 0.8 if stacked else 0.8 / max(1, len(series))
    bottom = [0.0] * len(categories)
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        offsets = positions if stacked else [p - 0.4 + width * (index + 0.5) for p in positions]
        draw = axes.barh if horizontal else axes.bar
        if horizontal:
            draw(offsets, values, width, left=bottom if stacked else None, label=name, color=colour)
        else:
            draw(offsets, values, width, bottom=bottom if stacked else None, label=name, color=colour)
        if stacked:
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if horizontal:
        axes.set_yticks(positions, categories)
        axes.set_xlabel(ylabel)
    else:
        axes.set_xticks(
            positions,
            categories,
            rotation=30 if len(categories) > 4 else 0,
            ha="right" if len(categories) > 4 else "center",
        )
        axes.set_ylabel(ylabel)
    if title:
        axes.set_title(title)
    if len(series) > 1:
        axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return to_svg(fig)
