"""Line charts as self-contained SVG text: one line per series over ordered points (snapshots).

Built on :mod:`partnergraph.viz.charts` (same figure, palette and deterministic SVG writer), for
pictures such as the evolution of a KPI over snapshot dates.

    >>> svg = line_chart(["2024-01-01", "2024-12-31"], {"powiązania": [3, 7]}, title="Sieć")
    >>> svg.startswith("<?xml") and "powiązania" in svg and "<script" not in svg
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from partnergraph.viz.charts import PALETTE, figure, to_svg

__all__ = ["line_chart"]

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def line_chart(
    points: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str = "", ylabel: str = ""
) -> str:
    """One line (with markers) per series over ``points``, in order; None leaves a gap."""
    fig = figure(max(6.0, 1.1 * len(points) + 3), 4.5)
    axes = fig.add_subplot()
    positions = list(range(len(points)))
    for index, (name, values) in enumerate(series.items()):
        shown = [float("nan") if v is None else float(v) for v in values]
        axes.plot(
            positions, shown, label=name, color=PALETTE[index % len(PALETTE)], marker=_MARKERS[index % len(_MARKERS)]
        )
    axes.set_xticks(
        positions, list(points), rotation=30 if len(points) > 4 else 0, ha="right" if len(points) > 4 else "center"
    )
    axes.set_ylabel(ylabel)
    axes.set_ylim(bottom=0)
    if title:
        axes.set_title(title)
    if series:
        axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return to_svg(fig)
