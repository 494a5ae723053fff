"""RDF export: partnergraph's writers against rdflib building a Graph and serializing it, side by side.

    python -m bench.bench_rdf                          # 10k and 100k organisations (rdflib side up to 10k)
    python -m bench.bench_rdf --sizes 2000 --rdflib-max 2000   # a quick run

For each size a generated network (:mod:`bench.generate`) is loaded into an embedded store
(not timed). Then each side runs in its own process, so that its peak memory is its own, and
reads the same store end to end:

* **ntriples** — ``write_rdf(format="ntriples")``: the streaming writer (never holds the graph);
* **turtle** — ``write_rdf(format="turtle")``: the same triples through pyoxigraph's serializer,
  in chunks;
* **rdflib** — the baseline: ``Graph().add(t) for t in triples(store)``, then
  ``graph.serialize(format="turtle")`` — how one would do it with rdflib alone.

Printed per side: triples, seconds, triples per second, the ratio to rdflib's end-to-end rate,
and the peak resident memory (``ru_maxrss``) of the process.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIDES = ("ntriples", "turtle", "rdflib")


def peak_mb() -> float:
    """This process's peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(db: Path, n_orgs: int, seed: int) -> None:
    """The generated network of ``n_orgs`` organisations in a fresh embedded store at ``db``."""
    from bench.generate import generate
    from partnergraph.graph.sqlite import SqliteStore

    nodes, ties = generate(n_orgs, seed)
    with SqliteStore(db) as store:
        store.upsert(nodes, ties, source="bench")


def child(side: str, db: Path, out: Path) -> dict[str, float]:
    """One measured run, in this (fresh) process."""
    from partnergraph.graph.sqlite import SqliteStore
    from partnergraph.rdf.export import triples, write_rdf

    with SqliteStore(db) as store:
        start = time.perf_counter()
        if side == "rdflib":
            from rdflib import Graph

            graph = Graph()
            count = sum(1 for triple in triples(store) if graph.add(triple) is not None)
            built = time.perf_counter() - start
            graph.serialize(out, format="turtle", encoding="utf-8")
        else:
            count = write_rdf(store, out, format=side).triples
            built = 0.0
        seconds = time.perf_counter() - start
    return {"triples": count, "seconds": seconds, "built": built, "peak_mb": peak_mb(), "bytes": out.stat().st_size}


def _run(side: str, db: Path, out: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.bench_rdf", "--child", side, "--db", str(db), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{side} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def compare(sizes: list[int], rdflib_max: int, seed: int, folder: Path) -> None:
    """Print the table of every side at every size."""
    print(
        f"{'organisations':>13} {'side':>9} {'triples':>10} {'seconds':>8} {'triples/s':>10} {'× rdflib':>8} {'peak MiB':>9}"
    )
    for n in sizes:
        db = folder / f"bench-rdf-{n}.db"
        db.unlink(missing_ok=True)
        load(db, n, seed)
        results = {
            side: _run(side, db, folder / f"out-{n}.{side}") for side in SIDES if side != "rdflib" or n <= rdflib_max
        }
        base = results.get("rdflib")
        for side, r in results.items():
            rate = r["triples"] / r["seconds"]
            ratio = f"{rate / (base['triples'] / base['seconds']):8.1f}" if base else f"{'–':>8}"
            print(
                f"{n:>13} {side:>9} {int(r['triples']):>10} {r['seconds']:>8.1f} {rate:>10.0f} {ratio} {r['peak_mb']:>9.0f}"
            )
            if side == "rdflib":
                print(
                    f"{'':>13} {'':>9} (graph built at {r['triples'] / r['built']:.0f} triples/s, then serialized as Turtle)"
                )
        for path in (db, *folder.glob(f"out-{n}.*"), *folder.glob(f"bench-rdf-{n}.db-*")):
            path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="Organisations per run, comma separated.")
    parser.add_argument("--rdflib-max", type=int, default=10000, help="Largest size the (slow) rdflib side runs at.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--dir", type=Path, default=None, help="Folder for the databases and outputs (default: a temporary one)."
    )
    parser.add_argument("--child", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.db, args.out)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.dir:
        compare(sizes, args.rdflib_max, args.seed, args.dir)
        return
    with tempfile.TemporaryDirectory() as folder:
        compare(sizes, args.rdflib_max, args.seed, Path(folder))


if __name__ == "__main__":
    main()
