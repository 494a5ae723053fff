"""The analyses on generated networks: projection, overview, metrics, communities; igraph against networkx.

    .venv/bin/python -m bench.bench_analyses --sizes 10000            # about a minute (after the first load)
    .venv/bin/python -m bench.bench_analyses --sizes 100000 --nx-k 20 # several minutes

The generated network is loaded once into ``build/bench-analyses-N-sS.db`` (kept between runs).
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate import generate
from partnergraph.graph.projection import LOCATION_TIE, Structure
from partnergraph.graph.sqlite import SqliteStore

BUILD = Path(__file__).resolve().parent.parent / "build"


def database(size: int, seed: int = 0, folder: Path = BUILD) -> Path:
    """The generated network of ``size`` organisations in a SQLite file, loaded on first use."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-analyses-{size}-s{seed}.db"
    if not path.exists():
        partial = path.with_suffix(".loading")
        partial.unlink(missing_ok=True)
        nodes, ties = generate(size, seed)
        with SqliteStore(partial) as store:
            store.upsert(nodes, ties, source="bench", user="bench")
        partial.rename(path)
    return path


def direct_structure(size: int, seed: int = 0) -> Structure:
    """The organisation structure built straight from the generator's records (the projection's baseline)."""
    from partnergraph.schema import load_schema

    symmetric = {name for name, t in load_schema().tie_types.items() if t.symmetric}
    nodes, ties = generate(size, seed)
    rows = sorted(
        (n.key, str(n.props.get("name")), n.props.get("kind"), n.props.get("sector"))
        for n in nodes
        if n.type == "Organisation"
    )
    keys = [r[0] for r in rows]
    index = {k: i for i, k in enumerate(keys)}
    s = Structure(keys, index, [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows], [None] * len(keys))  # type: ignore[misc]
    for tie in ties:
        i, j = index.get(tie.start), index.get(tie.end)
        if tie.type == LOCATION_TIE and i is not None:
            s.municipality[i] = tie.end
        elif i is not None and j is not None:
            s.src.append(i)
            s.dst.append(j)
            s.tie_type.append(tie.type)
            w = tie.props.get("strength")
            s.strength.append(float(w) if isinstance(w, int | float) else None)
            s.symmetric.append(tie.type in symmetric)
    return s


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _errors(exact: list[float], sampled: list[float]) -> dict[str, float]:
    n = len(exact)
    top_exact = set(sorted(range(n), key=lambda i: -exact[i])[:50])
    top_sampled = set(sorted(range(n), key=lambda i: -sampled[i])[:50])
    relative = [abs(a - b) / a for a, b in zip(exact, sampled, strict=True) if a > 0]
    return {
        "mean_abs_error": sum(abs(a - b) for a, b in zip(exact, sampled, strict=True)) / n,
        "mean_value": sum(exact) / n,
        "max_abs_error": max(abs(a - b) for a, b in zip(exact, sampled, strict=True)),
        "mean_rel_error (value > 0)": sum(relative) / len(relative),
        "top50_overlap": len(top_exact & top_sampled),
    }


def _sampled_metric_error(s: Structure, k: int) -> dict[str, dict[str, float]]:
    from partnergraph.queries import engine

    out = {}
    for name, fn in (("betweenness", engine.betweenness), ("closeness", engine.closeness)):
        t_exact, exact = timed(lambda: fn(s))  # noqa: B023
        t_sampled, sampled = timed(lambda: fn(s, k=k))  # noqa: B023
        out[name] = {"k": k, "exact_s": t_exact, "sampled_s": t_sampled, **_errors(exact, sampled)}
    return out


def _sampled_path_error(s: Structure, k: int) -> dict[str, float]:
    from partnergraph.queries import engine, overview

    giant = engine.to_igraph(s, directed=False).connected_components().giant()
    t_exact, exact = timed(lambda: (giant.diameter(directed=False), giant.average_path_length(directed=False)))
    limit, overview.EXACT_PATHS_MAX = overview.EXACT_PATHS_MAX, 0
    try:
        t_sampled, (diameter, apl, _) = timed(lambda: overview._paths(giant, k, 42))
    finally:
        overview.EXACT_PATHS_MAX = limit
    return {
        "nodes": giant.vcount(),
        "exact_s": t_exact,
        "sampled_s": t_sampled,
        "k": k,
        "diameter": exact[0],
        "diameter_sampled": diameter,
        "apl": exact[1],
        "apl_sampled": apl,
        "apl_rel_error": abs(apl - exact[1]) / exact[1],
    }


def _side_by_side(s: Structure, nx_k: int, louvain_nx: bool) -> dict[str, tuple[float, float | None]]:
    import networkx as nx
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python  # type: ignore[attr-defined]

    from partnergraph.queries import engine

    directed, undirected = engine.to_networkx(s, directed=True), engine.to_networkx(s, directed=False)
    out: dict[str, tuple[float, float | None]] = {}
    out["pagerank"] = (
        timed(lambda: engine.pagerank(s))[0],
        timed(lambda: _pagerank_python(directed, weight="weight"))[0],
    )
    out[f"betweenness k={nx_k}"] = (
        timed(lambda: engine.betweenness(s, k=nx_k))[0],
        timed(lambda: nx.betweenness_centrality(undirected, k=nx_k, seed=42))[0],
    )
    nx_louvain = (
        timed(lambda: nx.community.louvain_communities(undirected, weight="weight", seed=42))[0] if louvain_nx else None
    )
    out["louvain"] = (timed(lambda: engine.louvain(s))[0], nx_louvain)
    out["core number"] = (timed(lambda: engine.core_number(s))[0], timed(lambda: nx.core_number(undirected))[0])
    return out


def _analyses(db: Path) -> dict[str, float]:
    from partnergraph.graph.projection import project, project_structure
    from partnergraph.queries.communities import communities
    from partnergraph.queries.metrics import metrics
    from partnergraph.queries.overview import overview

    out = {}
    with SqliteStore(db) as store:
        out["project_structure (cold)"] = timed(lambda: project_structure(store))[0]
        out["project_structure (cached)"] = timed(lambda: project_structure(store))[0]
    with SqliteStore(db) as store:
        out["project() networkx, organisations (cold)"] = timed(lambda: project(store, node_types=["Organisation"]))[0]
    with SqliteStore(db) as store:
        out["project() networkx, whole store (cold)"] = timed(lambda: project(store))[0]
    with SqliteStore(db) as store:
        out["overview (cold: with projection)"] = timed(lambda: overview(store))[0]
        out["metrics --top 0 (projection cached)"] = timed(lambda: metrics(store, top=0))[0]
        out["communities"] = timed(lambda: communities(store))[0]
    with SqliteStore(db) as store:
        out["overview --scope all + metrics (cold)"] = timed(
            lambda: (overview(store, scope="all"), metrics(store, top=0))
        )[0]
    return out


def _direct(size: int, seed: int) -> dict[str, float]:
    from partnergraph.queries import engine
    from partnergraph.queries.metrics import METRICS, _columns
    from partnergraph.queries.overview import indicators

    t_build, s = timed(lambda: direct_structure(size, seed))
    return {
        "direct structure from generator (incl. generation)": t_build,
        "overview --scope all, direct structure": timed(lambda: indicators(s, "all", "all", "all"))[0],
        "all node metrics, direct structure": timed(lambda: _columns(s, METRICS, None))[0],
        "igraph conversion (both views)": timed(
            lambda: (s.cache.clear(), engine.to_igraph(s, directed=True), engine.to_igraph(s, directed=False))
        )[0],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Analyses on generated networks; igraph against networkx.")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--nx-k", type=int, default=100, help="betweenness pivots for the side-by-side run")
    parser.add_argument("--error-max", type=int, default=20000, help="measure sampling errors up to this size")
    parser.add_argument("--louvain-nx-max", type=int, default=20000, help="run networkx Louvain up to this size")
    parser.add_argument("--no-nx", action="store_true", help="skip the networkx side-by-side runs")
    args = parser.parse_args(argv)
    from partnergraph.graph.projection import project_structure
    from partnergraph.queries.metrics import DEFAULT_SAMPLE
    from partnergraph.queries.overview import PATH_SAMPLE

    for size in [int(x) for x in args.sizes.split(",")]:
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        t_load, db = timed(lambda: database(size, args.seed))  # noqa: B023
        print(f"\n## {size:,} organisations (db ready in {t_load:.1f} s: {db.name})", flush=True)
        with SqliteStore(db) as store:
            s = project_structure(store)
            print(f"structure: {s.n:,} organisations, {s.m:,} organisation-to-organisation ties", flush=True)
            for name, seconds in _analyses(db).items():
                print(f"| {name} | {seconds:.2f} s |", flush=True)
            for name, seconds in _direct(size, args.seed).items():
                print(f"| {name} | {seconds:.2f} s |", flush=True)
            for name, (fast, slow) in (
                {} if args.no_nx else _side_by_side(s, args.nx_k, size <= args.louvain_nx_max)
            ).items():
                ratio = f"{slow / fast:.0f}×" if slow else "not run"
                slow_text = f"{slow:.2f} s" if slow is not None else "—"
                print(f"| {name} | igraph {fast:.2f} s | networkx {slow_text} | {ratio} |", flush=True)
            if size <= args.error_max:
                for name, figures in _sampled_metric_error(s, DEFAULT_SAMPLE).items():
                    print(f"{name} sampling:", {k: round(v, 6) for k, v in figures.items()}, flush=True)
                print(
                    "path sampling:",
                    {k: round(v, 6) for k, v in _sampled_path_error(s, PATH_SAMPLE).items()},
                    flush=True,
                )


if __name__ == "__main__":
    main()
