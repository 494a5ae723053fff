"""Bulk load: ``SqliteStore.upsert`` against a raw ``sqlite3`` ``executemany`` of the same rows.

    python -m bench.bench_store                       # 10k, 100k and 1M organisations
    python -m bench.bench_store --sizes 10000,100000  # other sizes
    python -m bench.bench_store --profile 100000      # where the store's time goes (cProfile)

Both sides load the same generated network (:mod:`bench.generate`, same seed) into a fresh
file with the same tables: the raw side opens a :class:`SqliteStore` on the file and closes it
(so the DDL, WAL mode and FTS triggers are the store's own), then with plain ``sqlite3`` and the
store's PRAGMAs writes, in one ``BEGIN IMMEDIATE`` transaction, the nodes rows (sort, search,
props JSON, origin, updated, version, type, key), the ties rows and the change-log rows exactly
as the store writes them, in batches of the store's ``BATCH_SIZE``, then the write version.

Each load runs in its own subprocess, so one run's memory never pollutes the next, and reports
its peak resident set size (``ru_maxrss``, which includes SQLite's C allocations that tracemalloc
cannot see, and costs nothing while timing). Time spent inside the generator is measured apart
and left out of both sides' seconds, so the ratio compares only the writing.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import pstats
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Generic, TypeVar

from bench.generate import generate
from partnergraph.graph.base import BATCH_SIZE
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.records import Node, Tie, tie_id
from partnergraph.text import fold
from partnergraph.values import Value

__all__ = ["Result", "load_raw", "load_store", "main"]

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
SOURCE, USER = "bench", ""
SEARCHED = ("name", "short_name")  # the properties the store's text search indexes
INSERT_NODES = (
    "INSERT INTO nodes (sort, search, props, origin, updated, version, type, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_TIES = (
    'INSERT INTO ties (type, start, "end", props, origin, updated, version, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
)
INSERT_CHANGES = (
    "INSERT INTO changes (version, seq, at, user, source, op, entity, key, before, after) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class Result:
    """One load: what was written, how long it took (generation excluded), peak memory."""

    method: str
    size: int
    nodes: int
    ties: int
    seconds: float
    """Wall-clock seconds of the load, the generator's time left out."""
    cpu_seconds: float
    """CPU seconds (user + system) of the load, the generator's left out: immune to other processes' load."""
    generate_seconds: float
    peak_mb: float
    start_mb: float

    @property
    def rows(self) -> int:
        return self.nodes + self.ties

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def cpu_rate(self) -> float:
        return self.rows / self.cpu_seconds if self.cpu_seconds else 0.0


class Timed(Generic[T]):
    """Iterates ``records`` in chunks, measuring the time spent producing them (the generator's)."""

    def __init__(self, records: Iterable[T], chunk: int = BATCH_SIZE) -> None:
        self.records, self.chunk = iter(records), chunk
        self.seconds, self.cpu_seconds, self.count = 0.0, 0.0, 0

    def __iter__(self) -> Iterator[T]:
        while True:
            started, cpu = time.perf_counter(), time.process_time()
            chunk = list(islice(self.records, self.chunk))
            self.seconds += time.perf_counter() - started
            self.cpu_seconds += time.process_time() - cpu
            if not chunk:
                return
            self.count += len(chunk)
            yield from chunk


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _measure(
    method: str, size: int, seed: int, teryt: Path | None, write: Callable[[Timed[Node], Timed[Tie]], None]
) -> Result:
    """Generate a network and time ``write`` consuming it, the generator's own time left out."""
    raw_nodes, raw_ties = generate(size, seed, teryt)
    nodes, ties = Timed(raw_nodes), Timed(raw_ties)
    start_mb = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    write(nodes, ties)
    wall = time.perf_counter() - wall - nodes.seconds - ties.seconds
    cpu = time.process_time() - cpu - nodes.cpu_seconds - ties.cpu_seconds
    return Result(method, size, nodes.count, ties.count, wall, cpu, nodes.seconds + ties.seconds, _rss_mb(), start_mb)


def load_store(db: Path, size: int, seed: int, teryt: Path | None) -> Result:
    """Load a generated network through ``SqliteStore.upsert`` into the fresh file ``db``."""

    def write(nodes: Timed[Node], ties: Timed[Tie]) -> None:
        with SqliteStore(db) as store:
            store.upsert(nodes, ties, source=SOURCE, user=USER)

    return _measure("store", size, seed, teryt, write)


def load_raw(db: Path, size: int, seed: int, teryt: Path | None) -> Result:
    """Write the same rows as :func:`load_store` with plain ``sqlite3`` ``executemany``."""
    SqliteStore(db).close()  # the store's own tables, indexes, triggers and WAL mode
    return _measure("raw", size, seed, teryt, lambda nodes, ties: _raw_write(db, nodes, ties))


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_iso)  # the C encoder; dates via default


def _dumps(props: Mapping[str, Value]) -> str:
    return _ENCODER.encode(props)


def _node_rows(chunk: list[Node], at: str, version: int) -> list[tuple[Any, ...]]:
    return [
        (
            fold(str(n.props.get("name", ""))),
            " ".join(fold(str(n.props[p])) for p in SEARCHED if p in n.props),
            _dumps(n.props),
            SOURCE,
            at,
            version,
            n.type,
            n.key,
        )
        for n in chunk
    ]


def _tie_rows(chunk: list[Tie], at: str, version: int) -> list[tuple[Any, ...]]:
    return [
        (
            t.type,
            t.start,
            t.end,
            _dumps(t.props),
            SOURCE,
            at,
            version,
            t.id or tie_id(t.start, t.type, t.end, t.props.get("since")),
        )
        for t in chunk
    ]


def _raw_write(db: Path, nodes: Iterable[Node], ties: Iterable[Tie]) -> None:
    """The rows the store writes for a first load, batch by batch, in one transaction."""
    con = sqlite3.connect(db, timeout=30.0, isolation_level=None)
    con.execute("PRAGMA busy_timeout = 30000")  # the store's PRAGMAs (journal_mode = WAL is in the file)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("BEGIN IMMEDIATE")
    version = int(con.execute("SELECT value FROM meta WHERE name = 'write_version'").fetchone()[0]) + 1
    at, seq = dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), 0
    steps: tuple[tuple[str, Iterable[Any], Callable[[Any, str, int], list[tuple[Any, ...]]], str], ...] = (
        ("node", nodes, _node_rows, INSERT_NODES),
        ("tie", ties, _tie_rows, INSERT_TIES),
    )
    for entity, records, rows, insert in steps:
        for chunk in _batched(records, BATCH_SIZE):
            batch = rows(chunk, at, version)
            con.executemany(insert, batch)
            con.executemany(
                INSERT_CHANGES,
                [
                    (version, seq + i, at, USER, SOURCE, "create", entity, row[-1], None, None)
                    for i, row in enumerate(batch, start=1)
                ],
            )
            seq += len(batch)
    con.execute("UPDATE meta SET value = ? WHERE name = 'write_version'", (str(version),))
    con.execute("COMMIT")
    con.close()


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


LOADERS = {"store": load_store, "raw": load_raw}


def _run_worker(method: str, size: int, seed: int, teryt: Path | None, workdir: Path) -> Result:
    """One load in a fresh subprocess on a fresh file (deleted afterwards)."""
    db = workdir / f"{method}-{size}.db"
    command = [
        sys.executable,
        "-m",
        "bench.bench_store",
        "--worker",
        method,
        "--sizes",
        str(size),
        "--seed",
        str(seed),
        "--db",
        str(db),
    ]
    if teryt:
        command += ["--teryt", str(teryt)]
    try:
        done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"{method} load of {size} failed:\n{exc.stderr}") from exc
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return Result(**json.loads(done.stdout.strip().splitlines()[-1]))


def _table(pairs: list[tuple[Result, Result]]) -> str:
    head = (
        "orgs",
        "rows",
        "gen s",
        "store s (cpu)",
        "raw s (cpu)",
        "store rows/s (cpu)",
        "raw rows/s (cpu)",
        "store/raw (cpu)",
        "store peak MB",
        "raw peak MB",
    )
    lines = [" | ".join(head), " | ".join("-" * len(h) for h in head)]
    for store, raw in pairs:
        cells = (
            f"{store.size:,}",
            f"{store.rows:,}",
            f"{store.generate_seconds:.1f}",
            f"{store.seconds:.1f} ({store.cpu_seconds:.1f})",
            f"{raw.seconds:.1f} ({raw.cpu_seconds:.1f})",
            f"{store.rate:,.0f} ({store.cpu_rate:,.0f})",
            f"{raw.rate:,.0f} ({raw.cpu_rate:,.0f})",
            f"{store.rate / raw.rate:.2f} ({store.cpu_rate / raw.cpu_rate:.2f})",
            _memory(store),
            _memory(raw),
        )
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def _memory(result: Result) -> str:
    return f"{result.peak_mb:.0f} (+{result.peak_mb - result.start_mb:.0f})"


def _growth(pairs: list[tuple[Result, Result]]) -> str:
    lines = []
    for index, method in enumerate(("store", "raw")):
        runs = [pair[index] for pair in pairs]
        steps = " → ".join(f"{r.size:,}: {r.rate:,.0f} ({r.cpu_rate:,.0f})" for r in runs)
        lines.append(f"{method:5} rows/s (cpu) by size: {steps}; largest/smallest {runs[-1].rate / runs[0].rate:.2f}")
    return "\n".join(lines)


def _profile(size: int, seed: int, teryt: Path | None, workdir: Path) -> str:
    profiler = cProfile.Profile()
    db = workdir / f"profile-{size}.db"
    profiler.runcall(load_store, db, size, seed, teryt)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="SqliteStore.upsert against raw sqlite3 executemany, side by side.")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="organisation counts, comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--teryt", type=Path, default=None, help="TERC_Urzedowy CSV (default ../shared/data/teryt/…)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size and side; the fastest counts")
    parser.add_argument(
        "--dir", type=Path, default=None, help="where the database files go (default: a temporary directory)"
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="profile the store loading N organisations instead"
    )
    parser.add_argument("--worker", choices=sorted(LOADERS), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.worker:
        print(json.dumps(asdict(LOADERS[args.worker](args.db, sizes[0], args.seed, args.teryt))))
        return
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="pg-bench-") as workdir:
        if args.profile:
            print(_profile(args.profile, args.seed, args.teryt, Path(workdir)))
            return
        pairs = []
        for size in sizes:
            runs: dict[str, list[Result]] = {"store": [], "raw": []}
            for _ in range(args.repeat):
                for method in ("store", "raw"):
                    runs[method].append(_run_worker(method, size, args.seed, args.teryt, Path(workdir)))
                    done = runs[method][-1]
                    progress = f"  {method:5} {size:>9,} orgs: {done.seconds:7.1f} s, cpu {done.cpu_seconds:7.1f} s"
                    print(progress, file=sys.stderr, flush=True)
            pairs.append(
                (min(runs["store"], key=lambda r: r.cpu_seconds), min(runs["raw"], key=lambda r: r.cpu_seconds))
            )
    print(_table(pairs))
    print()
    print(_growth(pairs))
    print(
        "\nseconds: wall clock (CPU user+system in brackets), the generator's time left out; the fastest of --repeat runs"
    )
    print("peak MB: ru_maxrss of the run's own subprocess (+ growth from the start of the load)")


if __name__ == "__main__":
    main()
