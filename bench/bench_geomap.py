"""The geographic map at country scale: build time, file size and time to first draw in Chromium.

    python -m bench.bench_geomap                          # 10k and 100k organisations
    python -m bench.bench_geomap --sizes 100000 --repeat 3
    python -m bench.bench_geomap --sizes 10000 --spread   # also the unaggregated map (one point per organisation)

Each size is a generated network (:mod:`bench.generate`, the real TERYT gminas when
``../shared/data/teryt`` is there) loaded once into a SQLite file under ``build/bench-geomap/``
(kept and reused: the load is not what is measured). Side by side, in the same process:

* **geomap** — ``geo_map(store, aggregate="municipality")``: option checks, the structural
  projection (cold: first call after opening the store; warm: cached), placement, aggregation,
  the 1,500 strongest gmina–gmina lines, the SVG, legend, notes and script;
* **bare** — the baseline: the same per-gmina circles (count → radius, same projection, no lines,
  no outlines, no tooltips text beyond the count) read with plain ``store.iter_nodes`` /
  ``iter_ties`` and written with ``xml.etree.ElementTree`` as one bare SVG file.

Then both files are opened in headless Debian Chromium (playwright, ``file://`` only, every other
request aborted): time to first contentful paint, to the load event, and of one zoom (viewBox
change to the next two animation frames) on the geomap page.
"""

from __future__ import annotations

import argparse
import math
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from bench.generate import generate
from partnergraph import geodata
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.viz.geomap import geo_map, save_geo_map

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench-geomap"


def store_for(n: int) -> SqliteStore:
    path = OUT / f"network-{n}.db"
    if path.exists():
        return SqliteStore(path)
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".loading")
    partial.unlink(missing_ok=True)
    start = time.perf_counter()
    with SqliteStore(partial) as store:
        nodes, ties = generate(n)
        store.upsert(nodes, ties, source="bench")
    partial.rename(path)
    print(f"  loaded {n:,} organisations in {time.perf_counter() - start:.0f} s (once; reused later)")
    return SqliteStore(path)


def bare_svg(store: SqliteStore) -> str:
    """The baseline: one circle per gmina with organisations, straight from the store, xml.etree."""
    teryt = {m.key: str(m.props.get("teryt", "")) for m in store.iter_nodes("Municipality")}
    orgs = {o.key for o in store.iter_nodes("Organisation")}
    counts: Counter[str] = Counter()
    for tie in store.iter_ties("LOCATED_IN"):
        code = geodata.match(teryt.get(tie.end, "")) if tie.start in orgs else None
        if code is not None:
            counts[code] += 1
    svg = ET.Element("svg", xmlns="http://www.w3.org/2000/svg", viewBox="850 -5500 650 620")
    largest = max(counts.values(), default=1)
    for code, n in sorted(counts.items()):
        x, y = geodata.project(*geodata.positions(7)[code])
        circle = ET.SubElement(
            svg, "circle", cx=f"{x:g}", cy=f"{y:g}", r=f"{1.6 + 10.4 * math.sqrt(n / largest):.2f}", fill="#1b9e77"
        )
        ET.SubElement(circle, "title").text = f"{code}: {n}"
    return ET.tostring(svg, encoding="unicode")


def timed(fn: Any, repeat: int) -> tuple[float, Any]:
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def browser_times(paths: dict[str, Path]) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, dict[str, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, path in paths.items():
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
            start = time.perf_counter()
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
            wall = time.perf_counter() - start
            fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
            load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            zoom = page.evaluate(_ZOOM) if name.startswith("geomap") else float("nan")
            times[name] = {
                "fcp_ms": fcp,
                "load_ms": load,
                "wall_s": wall,
                "zoom_ms": zoom,
                "circles": page.locator("circle").count(),
            }
            page.close()
        browser.close()
    return times


_ZOOM = """() => new Promise(done => {
  const vb = document.getElementById('geo').viewBox.baseVal, t0 = performance.now();
  vb.width *= 0.5; vb.height *= 0.5;
  requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
})"""


def run(n: int, repeat: int, spread: bool) -> None:
    store = store_for(n)
    with store:
        cold, page = timed(lambda: geo_map(store, aggregate="municipality"), 1)
        warm, page = timed(lambda: geo_map(store, aggregate="municipality"), repeat)
        base, bare = timed(lambda: bare_svg(store), repeat)
        paths = {"geomap": save_geo_map(OUT / f"geomap-{n}.html", page)}
        bare_path = OUT / f"bare-{n}.svg"
        bare_path.write_text(bare, encoding="utf-8")
        paths["bare"] = bare_path
        if spread:
            spread_time, spread_page = timed(lambda: geo_map(store, aggregate="none"), 1)
            paths["geomap-spread"] = save_geo_map(OUT / f"geomap-spread-{n}.html", spread_page)
            print(f"  unaggregated build {spread_time:.2f} s")
    times = browser_times(paths)
    g, b, kib = times["geomap"], times["bare"], paths["geomap"].stat().st_size / 1024
    bare_kib = bare_path.stat().st_size / 1024
    _row(n, "geomap", f"{cold:.2f}", f"{warm:.2f}", kib, g)
    _row(n, "bare (xml.etree)", "–", f"{base:.2f}", bare_kib, b)
    print(
        f"| {n:,} | ratio geomap/bare | | {warm / base:.2f}× | {kib / bare_kib:.2f}× | {g['fcp_ms'] / b['fcp_ms']:.2f}× | | | |"
    )
    if spread:
        _row(n, "geomap, unaggregated", "", "", paths["geomap-spread"].stat().st_size / 1024, times["geomap-spread"])


def _row(n: int, side: str, cold: str, warm: str, kib: float, t: dict[str, float]) -> None:
    zoom = "–" if math.isnan(t["zoom_ms"]) else f"{t['zoom_ms']:.0f}"
    print(
        f"| {n:,} | {side} | {cold} | {warm} | {kib:,.0f} | {t['fcp_ms']:.0f} | {t['load_ms']:.0f} | {zoom} | {t['circles']:,.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3, help="warm builds: the fastest of this many")
    parser.add_argument("--spread", action="store_true", help="also the unaggregated map")
    args = parser.parse_args()
    print("| orgs | side | build cold s | build warm s | file KiB | first paint ms | load ms | zoom ms | circles |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        run(n, args.repeat, args.spread)


if __name__ == "__main__":
    main()
