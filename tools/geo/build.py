"""Build the positions and outlines shipped in partnergraph/data/geo/ from ../shared/data/geo/.

Reproducible: the same inputs give byte-identical outputs (sorted keys, fixed rounding).

    .venv/bin/python tools/geo/build.py                       # reads ../shared/data/geo
    .venv/bin/python tools/geo/build.py --src DIR --tolerance 0.006

Inputs (see docs/geo.md for their provenance and licences):
* gminy_centroidy.geojson, powiaty_centroidy.geojson, wojewodztwa_centroidy.geojson — points
  (CRS84 lon/lat) with the TERYT code in ``JPT_KOD_JE``;
* wojewodztwa_granice.json — the 16 voivodeship polygons (WGS84).

Outputs: ``gminy.json``, ``powiaty.json``, ``wojewodztwa.json`` — ``{code: [lon, lat]}`` with 5
decimals (about 1 m); ``wojewodztwa_granice.json`` — ``{code: {"name": …, "rings": [[[lon, lat], …]]}}``
simplified with Ramer–Douglas–Peucker (``--tolerance`` degrees) and rounded to 3 decimals
(about 100 m), which keeps the shapes recognisable at the size of a screen.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "partnergraph" / "data" / "geo"
POINTS = {
    "gminy.json": "gminy_centroidy.geojson",
    "powiaty.json": "powiaty_centroidy.geojson",
    "wojewodztwa.json": "wojewodztwa_centroidy.geojson",
}
OUTLINES = ("wojewodztwa_granice.json", "wojewodztwa_granice.json")

Point = tuple[float, float]


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance of ``p`` from the segment a–b (x scaled by cos 52°, as the map is drawn)."""
    k = math.cos(math.radians(52))
    px, py, ax, ay, bx, by = p[0] * k, p[1], a[0] * k, a[1], b[0] * k, b[1]
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Ramer–Douglas–Peucker, iterative (no recursion limit on long rings)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    # A closed ring: split at the point farthest from the start so RDP keeps both halves' shape.
    pts = [(float(x), float(y)) for x, y in ring]
    far = max(range(len(pts)), key=lambda i: math.hypot(pts[i][0] - pts[0][0], pts[i][1] - pts[0][1]))
    half = simplify(pts[: far + 1], tolerance) + simplify(pts[far:], tolerance)[1:]
    out: list[list[float]] = []
    for x, y in half:
        q = [round(x, 3), round(y, 3)]
        if not out or out[-1] != q:
            out.append(q)
    return out


def points(path: Path) -> dict[str, list[float]]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["JPT_KOD_JE"]: [round(c, 5) for c in f["geometry"]["coordinates"]] for f in features}


def outlines(path: Path, tolerance: float) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
        geometry = f["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = [_ring(polygon[0], tolerance) for polygon in polygons]  # outer rings; no voivodeship has holes
        result[f["properties"]["JPT_KOD_JE"]] = {"name": f["properties"]["JPT_NAZWA_"], "rings": rings}
    return result


def write(path: Path, data: Any) -> int:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT.parent / "shared" / "data" / "geo")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--tolerance", type=float, default=0.006, help="RDP tolerance in degrees of latitude")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, source in POINTS.items():
        data = points(args.src / source)
        print(f"{name}: {len(data)} points, {write(args.out / name, data):,} bytes")
    shapes = outlines(args.src / OUTLINES[0], args.tolerance)
    n = sum(len(r) for v in shapes.values() for r in v["rings"])
    print(f"{OUTLINES[1]}: {len(shapes)} voivodeships, {n} vertices, {write(args.out / OUTLINES[1], shapes):,} bytes")


if __name__ == "__main__":
    main()
