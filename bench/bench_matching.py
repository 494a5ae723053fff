"""Partner matching at scale: the cached index against a naive scan with networkx, side by side.

    python -m bench.bench_matching                           # 10k and 100k organisations
    python -m bench.bench_matching --sizes 10000 --queries 50

The generated network (:mod:`bench.generate`, same seed) has no OFFERS/NEEDS ties, so this
bench adds them, deterministically from the seed, without changing the generator: 30 PKD 2007
subclasses typical of social cooperatives (catering, cleaning, green areas, construction,
printing …) plus 10 % of needs at class level (``56.29``) and the example's services; every
cooperative offers 1–3 of them, about half the businesses and public bodies (and a fifth of
the others) need 1–3. The network is loaded once into a SQLite store, then:

* **index build** — :func:`~partnergraph.queries.matching.match_index` and
  :func:`~partnergraph.queries.places.places` right after the load (cold): reading the store and
  building the index (wall-clock and, in brackets, this process's CPU seconds);
* **query** — :func:`matching` for each of ``--queries`` cooperatives (random, fixed seed) on
  the cached index: median (CPU median in brackets) and 95th percentile;
* **baseline** — for the same cooperatives, a naive scan: every organisation's needs compared
  with the offers level by level from the code strings, proximity from precomputed places, and
  ``networkx.resource_allocation_index`` over a networkx graph of the trust ties for every
  candidate pair (all our queries run first, then all the baseline's, each after a full garbage
  collection, so one side's garbage is not collected in the other's time). Its inputs (needs
  per organisation, places, the graph) are built once and not timed, so the ratio compares only
  the query work. Both sides must give the same top 10.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from bench.generate import generate
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.queries import matching as m
from partnergraph.queries.places import Places, places
from partnergraph.records import Node, Tie

__all__ = ["add_offers_and_needs", "baseline", "main"]

PKD = [
    "56.29.Z",
    "56.21.Z",
    "56.10.A",
    "56.10.B",
    "81.21.Z",
    "81.22.Z",
    "81.29.Z",
    "81.30.Z",
    "43.31.Z",
    "43.34.Z",
    "43.39.Z",
    "18.12.Z",
    "18.13.Z",
    "10.71.Z",
    "10.89.Z",
    "88.10.Z",
    "88.91.Z",
    "96.01.Z",
    "49.41.Z",
    "38.11.Z",
    "38.32.Z",
    "31.09.Z",
    "16.23.Z",
    "74.10.Z",
    "82.19.Z",
    "85.59.B",
    "93.29.Z",
    "01.61.Z",
    "02.10.Z",
    "47.91.Z",
]
CLASSES = sorted({code[:5] for code in PKD})
SERVICES = ["accounting", "counselling", "legal_advice", "training", "job_placement"]
BUYERS = {"business", "municipality_office", "school", "welfare_centre", "labour_office"}


def add_offers_and_needs(
    nodes: Iterator[Node], ties: Iterator[Tie], seed: int = 0
) -> tuple[Iterator[Node], Iterator[Tie]]:
    """The generated network with Activity and Service nodes and OFFERS/NEEDS ties added (deterministic)."""
    orgs: list[tuple[str, str]] = []

    def more_nodes() -> Iterator[Node]:
        for node in nodes:
            if node.type == "Organisation":
                orgs.append((node.key, str(node.props["kind"])))
            yield node
        for code in [*PKD, *CLASSES]:
            yield Node(f"pkd:{code}", "Activity", {"code": code, "name": f"Działalność {code}"})
        for category in SERVICES:
            yield Node(
                f"service:{category}",
                "Service",
                {"name": category.replace("_", " ").capitalize(), "category": category},
            )

    def more_ties() -> Iterator[Tie]:
        yield from ties
        rng = random.Random(f"{seed}:offers-needs")
        for key, kind in orgs:
            offers = kind == "social_cooperative"
            if not offers and rng.random() >= (0.5 if kind in BUYERS else 0.2):
                continue
            for _ in range(rng.randint(1, 3)):
                pick = rng.random()
                target = f"service:{rng.choice(SERVICES)}" if pick < 0.1 else f"pkd:{rng.choice(PKD)}"
                if not offers and pick > 0.9:
                    target = f"pkd:{rng.choice(CLASSES)}"
                yield Tie("OFFERS" if offers else "NEEDS", key, target)

    return more_nodes(), more_ties()


def _level(a: str, b: str) -> tuple[float, str]:
    """The naive PKD comparison of two codes, from the strings."""
    for rank in (4, 3, 2, 1):
        length = {4: 7, 3: 5, 2: 4, 1: 2}[rank]
        if len(a) >= length and len(b) >= length and a[:length] == b[:length]:
            return m.LEVEL_WEIGHT[rank], m.LEVEL_NAMES[rank]
    return 0.0, ""


def baseline(
    subject: str,
    needs: dict[str, list[str]],
    offers: list[str],
    where: Places,
    trust: nx.Graph[str],
    partners: set[str],
    limit: int = 10,
) -> list[tuple[str, float]]:
    """The top ``limit`` (key, score) by a scan of every organisation, networkx for the trust part."""
    found: dict[str, float] = {}
    for org, wanted in needs.items():
        if org == subject or org in partners:
            continue
        best = 0.0
        for need in wanted:
            for offer in offers:
                if need.startswith("service:") or offer.startswith("service:"):
                    best = max(best, 1.0 if need == offer else 0.0)
                else:
                    best = max(best, _level(offer[4:], need[4:])[0])
        if best > 0:
            found[org] = best
    pairs = [(subject, org) for org in found if org in trust and subject in trust]
    ra = {v: score for _, v, score in nx.resource_allocation_index(trust, pairs)}
    rows = []
    mine = where.of(subject)
    for org, weight in found.items():
        theirs = where.of(org)
        place = next(
            (
                level
                for level in m.PLACE_WEIGHT
                if getattr(mine, level) and getattr(mine, level) == getattr(theirs, level)
            ),
            "",
        )
        score = m.W_NEED * weight + m.W_PLACE * m.PLACE_WEIGHT.get(place, 0.0) + m.W_TRUST * min(1.0, ra.get(org, 0.0))
        rows.append((org, round(score, 4), round(ra.get(org, 0.0), 4)))
    rows.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return [(org, score) for org, score, _ in rows[:limit]]


def _percentiles(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def _baseline_inputs(store: GraphStore) -> dict[str, Any]:
    needs: dict[str, list[str]] = {}
    for tie in store.iter_ties("NEEDS"):
        needs.setdefault(tie.start, []).append(tie.end)
    trust: nx.Graph[str] = nx.Graph()
    partners: dict[str, set[str]] = {}
    for tie_type in m.TRUST_TIES:
        for tie in store.iter_ties(tie_type):
            if tie.start == tie.end:
                continue
            trust.add_edge(tie.start, tie.end)
            if tie_type in m.PARTNER_TIES:
                partners.setdefault(tie.start, set()).add(tie.end)
                partners.setdefault(tie.end, set()).add(tie.start)
    return {"needs": needs, "trust": trust, "partners": partners}


def run(n_orgs: int, queries: int, folder: Path, seed: int = 0) -> dict[str, Any]:
    """Load ``n_orgs`` organisations, then time the index build, the queries and the baseline."""
    with SqliteStore(folder / f"matching-{n_orgs}.db") as store:
        store.upsert(*add_offers_and_needs(*generate(n_orgs, seed), seed=seed), source="bench")
        index_start, index_cpu = time.perf_counter(), time.process_time()
        index, where = m.match_index(store), places(store)
        build, build_cpu = time.perf_counter() - index_start, time.process_time() - index_cpu
        coops = sorted(k for k in index.own["OFFERS"] if index.orgs[k][1] == "social_cooperative")
        sample = random.Random(seed).sample(coops, min(queries, len(coops)))
        ours, theirs, ours_cpu, results = [], [], [], []
        inputs = _baseline_inputs(store)
        gc.collect()
        for key in sample:
            start, cpu = time.perf_counter(), time.process_time()
            results.append([(r.key, r.score) for r in m.matching(store, key).rows])
            ours.append(time.perf_counter() - start)
            ours_cpu.append(time.process_time() - cpu)
        gc.collect()
        same = 0
        for key, got in zip(sample, results, strict=True):
            start = time.perf_counter()
            expected = baseline(
                key,
                inputs["needs"],
                index.own["OFFERS"][key],
                where,
                inputs["trust"],
                inputs["partners"].get(key, set()),
            )
            theirs.append(time.perf_counter() - start)
            same += got == expected
        ties = sum(store.count_ties().values())
    (q50, q95), (b50, b95) = _percentiles(ours), _percentiles(theirs)
    return {
        "orgs": n_orgs,
        "ties": ties,
        "build_s": build,
        "build_cpu": build_cpu,
        "cpu50": _percentiles(ours_cpu)[0],
        "q50": q50,
        "q95": q95,
        "b50": b50,
        "b95": b95,
        "ratio": b50 / q50,
        "same": f"{same}/{len(sample)}",
    }


def main(argv: list[str] | None = None) -> None:
    """Print one markdown table row per size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args(argv)
    header = [
        "orgs",
        "ties",
        "index build s (cpu)",
        "query median ms (cpu)",
        "query p95 ms",
        "baseline median ms",
        "baseline p95 ms",
        "baseline/index",
        "same top 10",
    ]
    print("| " + " | ".join(header) + " |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            r = run(size, args.queries, Path(folder))
            print(
                f"| {r['orgs']:,} | {r['ties']:,} | {r['build_s']:.2f} ({r['build_cpu']:.2f}) | "
                f"{r['q50']:.1f} ({r['cpu50']:.1f}) | {r['q95']:.1f} | {r['b50']:.1f} | "
                f"{r['b95']:.1f} | {r['ratio']:.0f}× | {r['same']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
