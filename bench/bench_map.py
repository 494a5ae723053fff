"""Network maps of generated networks against pyvis's own ``write_html`` of the same nodes and edges.

    python -m bench.bench_map                               # 1k and 10k maps, 100k aggregated
    python -m bench.bench_map --sizes 1000 --aggregate 0    # quick
    python -m bench.bench_map --browser                     # also: time until Chromium has drawn it

Each size is generated (:func:`bench.generate.generate`) and loaded into a temporary
``SqliteStore`` (not timed). Then, for the same store:

* **map** — ``network_map(store)`` (projection, metrics, styling), timed cold (the projection
  is built) and warm (cached projection); the igraph layout (above 1,500 nodes) timed on its
  own; then ``write_map`` (render the self-contained page and write it) and the file size;
* **pyvis** — the baseline: a ``pyvis.network.Network(directed=True, cdn_resources="in_line")``
  given the same nodes (label, title, colour, size, positions) and edges, and its ``write_html``
  (which still links Bootstrap from a CDN, and puts names unescaped into a ``<script>``) —
  compared with ``write_map``, the step that does the same job;
* **aggregate** — ``network_map(store, aggregate="municipality")``, and pyvis with its nodes.

``--browser`` opens each page in headless Chromium (/usr/bin/chromium, network off) and reports
the seconds until the network exists and has drawn once.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate import generate
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.viz.layout import precompute_positions
from partnergraph.viz.mapdata import NetworkMap
from partnergraph.viz.netmap import network_map
from partnergraph.viz.page import write_map


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def load(n: int, folder: Path) -> SqliteStore:
    store = SqliteStore(folder / f"net-{n}.db")
    nodes, ties = generate(n, seed=0)
    store.upsert(nodes, ties, source="bench")
    return store


def pyvis_seconds(result: NetworkMap, path: Path) -> float:
    """pyvis's own page of the same nodes and edges: construction plus ``write_html``."""
    from pyvis.network import Network

    start = time.perf_counter()
    net = Network(directed=True, cdn_resources="in_line", height="800px", width="100%")
    for node in result.nodes:
        extra = {"x": node.x, "y": node.y} if node.x is not None else {}
        net.add_node(node.id, label=node.label, title=node.title, color=node.colour, size=node.size, **extra)
    for edge in result.edges:
        net.add_edge(edge.source, edge.target, title=edge.title, width=edge.weight)
    if not result.physics:
        net.toggle_physics(False)
    net.write_html(str(path), notebook=False)
    return time.perf_counter() - start


def browser_seconds(path: Path) -> float | None:
    """Seconds until Chromium has built the network and drawn it once (None without a browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        page.route(
            "**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort()
        )
        start = time.perf_counter()
        page.goto(path.as_uri(), timeout=600_000)
        page.wait_for_function("() => window.partnergraphMap !== undefined", timeout=600_000)
        page.evaluate(
            "() => new Promise(done => { window.partnergraphMap.once('afterDrawing', done); window.partnergraphMap.redraw(); })"
        )
        seconds = time.perf_counter() - start
        chromium.close()
    return seconds


def row(label: str, store: GraphStore, folder: Path, browser: bool, **options: Any) -> str:
    never = 1 << 60  # the layout is timed on its own below
    cold, _ = timed(lambda: network_map(store, large=never, **options))
    warm, unplaced = timed(lambda: network_map(store, large=never, **options))
    placed, result = timed(lambda: precompute_positions(unplaced))
    ours, theirs = folder / f"{label}-ours.html", folder / f"{label}-pyvis.html"
    write, _ = timed(lambda: write_map(result, ours))
    baseline = pyvis_seconds(result, theirs)
    shown = f"{browser_seconds(ours):.1f}" if browser else "–"
    cells = [
        label,
        f"{len(result.nodes):,}",
        f"{len(result.edges):,}",
        f"{cold:.2f}",
        f"{warm:.2f}",
        f"{placed:.2f}",
        f"{write:.2f}",
        f"{ours.stat().st_size / 1e6:.1f}",
        f"{baseline:.2f}",
        f"{theirs.stat().st_size / 1e6:.1f}",
        f"{baseline / write:.1f}×",
        shown,
    ]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="organisation counts for full maps (comma-separated)")
    parser.add_argument("--aggregate", type=int, default=100_000, help="organisations for the aggregated map (0: none)")
    parser.add_argument("--browser", action="store_true", help="also time the page in headless Chromium")
    args = parser.parse_args(argv)
    print(
        "| map | nodes | edges | map s (cold) | map s (warm) | layout s | write s | MB | pyvis s | pyvis MB | pyvis/write | browser s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in [int(s) for s in args.sizes.split(",") if s]:
            with load(n, folder) as store:
                print(row(f"{n:,} orgs", store, folder, args.browser), flush=True)
                print(row(f"{n:,} orgs, by gmina", store, folder, args.browser, aggregate="municipality"), flush=True)
        if args.aggregate:
            with load(args.aggregate, folder) as store:
                print(
                    row(f"{args.aggregate:,} orgs, by gmina", store, folder, args.browser, aggregate="municipality"),
                    flush=True,
                )


if __name__ == "__main__":
    main()
