"""Reverting a big import: ``GraphStore.revert`` against the import's own time and a record-by-record revert.

    python -m bench.bench_revert                                  # 10k organisations, SQLite and Neo4j
    python -m bench.bench_revert --sizes 1000,10000 --backends sqlite
    python -m bench.bench_revert --per-record-up-to 1000          # the slow baseline only on small sizes

For each backend and size the same generated network (:mod:`bench.generate`, about five ties per
organisation plus the territorial units) is imported into an empty store with one
``store.upsert`` (timed: *import*), then reverted (timed):

* ``revert`` — ``GraphStore.revert``: each pass in batches of ``BATCH_SIZE`` records, one read of
  the current records and one write per batch (:mod:`partnergraph.graph.revert`);
* ``per-record`` — the revert as it was before issue 15, reproduced here as the baseline: newest
  change first, one read of the record, then ``delete_node`` / ``delete_tie`` (a read of the node
  and of its ties, a delete, a change-log write) per change. Imports only create, so the baseline
  needs no restore path. The network is imported again before it runs.

Both reverts leave the store empty of the network (checked). Neo4j runs on the bench's own server
(``build/neo4j-bench``, started unless it runs, as :mod:`bench.bench_neo4j` does).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.bench_neo4j import ROOT, Records, records, start_server, wipe
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore

Opener = Callable[[], GraphStore]


def per_record_revert(store: GraphStore, version: int) -> None:
    """The revert before issue 15, for an import (creates only): one record at a time, newest first."""
    changes = sorted(store.changes(version=version, limit=None), key=lambda c: c.seq)
    with store.write(source=f"revert {version}") as writer:
        for change in reversed(changes):
            get = writer.tx.get_nodes if change.entity == "node" else writer.tx.get_ties
            current = get([change.key]).get(change.key)
            if change.op != "create" or current is None or current.version != change.version:
                raise SystemExit(f"the baseline reverts imports only: {change}")
            if change.entity == "node":
                writer.delete_node(change.key)
            else:
                writer.delete_tie(change.key)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(open_store: Opener, data: Records, per_record: bool) -> dict[str, float]:
    """Seconds of the import, the batched revert and (if asked) the per-record revert."""
    seconds: dict[str, float] = {}
    with open_store() as store:
        seconds["import"] = timed(lambda: store.upsert(data[0], data[1], source="bench import"))
        start = time.perf_counter()
        summary = store.revert(store.version())
        seconds["revert"] = time.perf_counter() - start
        assert summary.get("node", "deleted") == len(data[0]) and summary.get("tie", "deleted") == len(data[1]), summary
        assert not store.count_nodes() and not store.count_ties()
        if per_record:
            store.upsert(data[0], data[1], source="bench import")
            seconds["per-record"] = timed(lambda: per_record_revert(store, store.version()))
            assert not store.count_nodes() and not store.count_ties()
    return seconds


@contextmanager
def backend(name: str) -> Iterator[Opener]:
    """A function opening an empty store of backend ``name`` (the same one each time)."""
    if name == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            counter = iter(range(1_000_000))
            yield lambda: SqliteStore(Path(tmp) / f"revert{next(counter)}.db")
        return
    server, stop = start_server(ROOT / "build" / "neo4j-bench", None)
    try:

        def fresh() -> GraphStore:
            wipe(server)
            return server.store()

        yield fresh
        wipe(server)
    finally:
        if stop:
            stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000", help="organisations per network, comma-separated")
    parser.add_argument("--backends", default="sqlite,neo4j")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--per-record-up-to", type=int, default=10_000, help="largest size the per-record baseline runs at"
    )
    args = parser.parse_args(argv)
    print(f"{'backend':<8} {'orgs':>7} {'records':>8} {'import s':>9} {'revert s':>9} {'per-rec s':>10}  ratios")
    for name in args.backends.split(","):
        with backend(name) as open_store:
            for size in sorted(int(s) for s in args.sizes.split(",")):
                data = records(size, args.seed)
                seconds = run(open_store, data, size <= args.per_record_up_to)
                base = seconds.get("per-record")
                ratios = f"revert/import {seconds['revert'] / seconds['import']:.2f}"
                ratios += f", per-record/revert {base / seconds['revert']:.1f}x" if base else ""
                print(
                    f"{name:<8} {size:>7} {len(data[0]) + len(data[1]):>8} {seconds['import']:>9.2f} {seconds['revert']:>9.2f} "
                    f"{base if base else float('nan'):>10.2f}  {ratios}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
