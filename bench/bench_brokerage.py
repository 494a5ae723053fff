"""Brokerage roles and structural holes against naive baselines, side by side on the same graph.

    python -m bench.bench_brokerage                          # 1k and 10k organisations
    python -m bench.bench_brokerage --sizes 1000 --repeat 5 --sample 300

The graph is the one the analyses see: the organisations of a generated network
(:func:`bench.generate.generate`) and their flow ties (``FLOW_TIE_TYPES``) as a MultiDiGraph,
symmetric ties in both directions, built directly (not through a store: the store's write
path has its own benchmarks). Partition by sector (3 groups) and by kind (12).

* **brokerage**: :func:`~partnergraph.queries.brokerage.broker_roles` against the definition
  written out — for every b, every (a, c) in ``predecessors(b) × successors(b)`` with
  ``has_edge(a, c)`` — on the same MultiDiGraph. Both must give identical counts.
* **structural holes**: :func:`~partnergraph.queries.holes.structural_holes` against
  networkx's ``effective_size`` + ``constraint`` on the simple undirected view. networkx's
  whole-graph call (its scipy path) runs at 1k only; its per-node path runs on a random
  sample of ``--sample`` nodes, extrapolated to all nodes (per-node times × n / sample).
  Values must agree to 1e-9 on every compared node.

Times are the best of ``--repeat`` runs (networkx holes: one run), CPU seconds (process time).
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Callable
from typing import Any

import networkx as nx

from bench.generate import generate
from partnergraph.queries.brokerage import FLOW_TIE_TYPES, ROLES, broker_roles
from partnergraph.queries.holes import structural_holes
from partnergraph.schema import load_schema

__all__ = ["build", "main", "naive_broker_roles"]


def build(n_orgs: int, seed: int = 0) -> nx.MultiDiGraph[str]:
    """The organisations of a generated network and their flow ties, as the projection makes them."""
    schema = load_schema()
    nodes, ties = generate(n_orgs, seed=seed)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in nodes:
        if node.type == "Organisation":
            graph.add_node(node.key, **node.props)
    for tie in ties:
        if tie.type in FLOW_TIE_TYPES and tie.start in graph and tie.end in graph:
            graph.add_edge(tie.start, tie.end, key=tie.id, type=tie.type)
            if schema.tie_types[tie.type].symmetric:
                graph.add_edge(tie.end, tie.start, key=tie.id, type=tie.type)
    return graph


def _role(ga: str, gb: str, gc: str) -> str:
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "itinerant"
    if gb == gc:
        return "gatekeeper"
    return "representative" if ga == gb else "liaison"


def naive_broker_roles(graph: nx.MultiDiGraph[str], partition: dict[str, str]) -> dict[str, dict[str, int]]:
    """The definition written out: every (a, b, c) with a→b, b→c, a ≠ c and no a→c."""
    result: dict[str, dict[str, int]] = {}
    for b in graph:
        counts = dict.fromkeys(ROLES, 0)
        for a in set(graph.predecessors(b)) - {b}:
            for c in set(graph.successors(b)) - {a, b}:
                if not graph.has_edge(a, c):
                    counts[
                        _role(partition.get(a, "(brak)"), partition.get(b, "(brak)"), partition.get(c, "(brak)"))
                    ] += 1
        result[b] = counts | {"total": sum(counts.values())}
    return result


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Fastest CPU time of ``repeat`` calls, and the last result."""
    times, value = [], None
    for _ in range(repeat):
        start = time.process_time()
        value = fn()
        times.append(time.process_time() - start)
    return min(times), value


def bench_brokerage(graph: nx.MultiDiGraph[str], repeat: int) -> dict[str, tuple[float, float, int]]:
    """Per partition: (ours s, naive s, total brokered two-paths); raises if the counts differ."""
    out = {}
    for prop in ("sector", "kind"):
        partition = {k: str(d[prop]) for k, d in graph.nodes(data=True) if d.get(prop) is not None}
        ours_s, ours = best(lambda p=partition: broker_roles(graph, p), repeat)  # type: ignore[misc]
        naive_s, naive = best(lambda p=partition: naive_broker_roles(graph, p), repeat)  # type: ignore[misc]
        if ours != naive:
            raise AssertionError(f"broker_roles differs from the naive count ({prop})")
        out[prop] = (ours_s, naive_s, sum(v["total"] for v in ours.values()))
    return out


def _same(mine: dict[str, Any], reference: dict[str, float], name: str) -> None:
    for node, value in reference.items():
        got = mine[node][name]
        ok = (got is None and math.isnan(value)) or (
            got is not None and math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-12)
        )
        if not ok:
            raise AssertionError(f"{name} of {node}: ours {got}, networkx {value}")


def bench_holes(graph: nx.MultiDiGraph[str], repeat: int, sample: int, whole: bool) -> dict[str, float]:
    """Ours on the whole graph; networkx per-node on a sample (extrapolated) and, if ``whole``, on the whole graph."""
    simple: nx.Graph[str] = nx.Graph(graph)
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    ours_s, mine = best(lambda: structural_holes(graph), repeat)
    nodes = random.Random(0).sample(sorted(simple), min(sample, len(simple)))
    start = time.process_time()
    es, con = nx.effective_size(simple, nodes=nodes), nx.constraint(simple, nodes=nodes)
    per_node = (time.process_time() - start) / len(nodes)
    _same(mine, es, "effective_size")
    _same(mine, con, "constraint")
    result = {"ours": ours_s, "nx_per_node_extrapolated": per_node * len(simple)}
    if whole:
        start = time.process_time()
        es, con = nx.effective_size(simple), nx.constraint(simple)
        result["nx_whole"] = time.process_time() - start
        _same(mine, es, "effective_size")
        _same(mine, con, "constraint")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="organisation counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each fast side (the best counts)")
    parser.add_argument("--sample", type=int, default=200, help="nodes for networkx's per-node structural holes")
    parser.add_argument(
        "--whole-up-to", type=int, default=1000, help="run networkx's whole-graph holes up to this size"
    )
    args = parser.parse_args(argv)
    print("| orgs | ties (directed pairs) | partition | two-paths brokered | broker_roles s | naive s | naive/ours |")
    print("|---|---|---|---|---|---|---|")
    graphs = {n: build(n) for n in (int(s) for s in args.sizes.split(","))}
    for n, graph in graphs.items():
        pairs = nx.DiGraph(graph).number_of_edges()
        for prop, (ours, naive, total) in bench_brokerage(graph, args.repeat).items():
            print(f"| {n:,} | {pairs:,} | {prop} | {total:,} | {ours:.3f} | {naive:.3f} | {naive / ours:.1f}× |")
    print("\n| orgs | structural_holes s | networkx per-node, extrapolated s | networkx whole graph s | ratio |")
    print("|---|---|---|---|---|")
    for n, graph in graphs.items():
        h = bench_holes(graph, args.repeat, args.sample, n <= args.whole_up_to)
        whole = f"{h['nx_whole']:.1f}" if "nx_whole" in h else "not run"
        reference = h.get("nx_whole", h["nx_per_node_extrapolated"])
        print(
            f"| {n:,} | {h['ours']:.3f} | {h['nx_per_node_extrapolated']:.1f} | {whole} | {reference / h['ours']:.0f}× |"
        )


if __name__ == "__main__":
    main()
