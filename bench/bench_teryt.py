"""Whole-country TERYT TERC import against a raw ``sqlite3`` ``executemany`` of the same rows.

    python -m bench.bench_teryt                        # shared/data/teryt/TERC_Urzedowy_2022-01-01.csv
    python -m bench.bench_teryt --terc TERC.csv --repeat 5

The import side is what a user waits for: :func:`~partnergraph.importers.teryt.read_teryt`
parses the file, then ``SqliteStore.upsert`` validates every record against models.ttl and
writes it (nodes, PART_OF ties, change log) in one transaction into a fresh store. The raw side
opens a fresh store file (so tables, indexes, FTS triggers and WAL mode are the store's own) and
writes the same rows — the records the reader gave, with the store's sort, search and JSON
columns, tie ids and change-log rows — with plain ``sqlite3`` in one ``BEGIN IMMEDIATE``
transaction; parsing is not timed on that side. Best of ``--repeat`` runs for each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.base import Located
from partnergraph.importers.teryt import read_teryt
from partnergraph.records import Node, Tie, tie_id
from partnergraph.text import fold
from partnergraph.values import Value

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TERC = ROOT.parent / "shared" / "data" / "teryt" / "TERC_Urzedowy_2022-01-01.csv"
NODES = "INSERT INTO nodes (sort, search, props, origin, updated, version, type, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
TIES = 'INSERT INTO ties (type, start, "end", props, origin, updated, version, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
CHANGES = "INSERT INTO changes (version, seq, at, user, source, op, entity, key, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def read(path: Path) -> tuple[list[Node], list[Tie]]:
    """The reader's records (a problem in the file stops the benchmark)."""
    nodes: list[Node] = []
    ties: list[Tie] = []
    for item in read_teryt(path):
        if not isinstance(item, Located):
            raise SystemExit(f"{item}")
        (nodes if isinstance(item.record, Node) else ties).append(item.record)  # type: ignore[arg-type]
    return nodes, ties


def import_seconds(path: Path, db: Path) -> float:
    """Parse, validate and write the whole file into a fresh store."""
    start = time.perf_counter()
    nodes, ties = read(path)
    with SqliteStore(db) as store:
        store.upsert(nodes, ties, source=f"import {path.name}")
    return time.perf_counter() - start


def _dumps(props: Mapping[str, Value]) -> str:
    return json.dumps(props, ensure_ascii=False, separators=(",", ":"), default=dt.date.isoformat)


def update_seconds(path: Path, db: Path) -> float:
    """The same file again onto the stored register: compared with it unit by unit (nothing changes)."""
    with SqliteStore(db) as store:
        store.upsert(*read(path), source="first")
        start = time.perf_counter()
        records = [i.record for i in read_teryt(path, store=store) if isinstance(i, Located)]
        store.upsert(
            [r for r in records if isinstance(r, Node)], [r for r in records if isinstance(r, Tie)], source="again"
        )
        return time.perf_counter() - start


def raw_seconds(nodes: list[Node], ties: list[Tie], db: Path) -> float:
    """The same rows with plain sqlite3 into a fresh store file."""
    SqliteStore(db).close()
    start = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("BEGIN IMMEDIATE")
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    node_rows = [
        (fold(str(n.props["name"])), fold(str(n.props["name"])), _dumps(n.props), "raw", at, 1, n.type, n.key)
        for n in nodes
    ]
    tie_rows = [(t.type, t.start, t.end, _dumps(t.props), "raw", at, 1, tie_id(t.start, t.type, t.end)) for t in ties]
    con.executemany(NODES, node_rows)
    con.executemany(TIES, tie_rows)
    keys = [("node", row[-1]) for row in node_rows] + [("tie", row[-1]) for row in tie_rows]
    con.executemany(
        CHANGES,
        [(1, seq, at, "", "raw", "create", entity, key, None, None) for seq, (entity, key) in enumerate(keys, 1)],
    )
    con.execute("UPDATE meta SET value = '1' WHERE name = 'write_version'")
    con.execute("COMMIT")
    con.close()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terc", type=Path, default=DEFAULT_TERC, help="a TERC 'Urzędowy' file")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (the best counts)")
    args = parser.parse_args(argv)
    parse = min(_timed_read(args.terc) for _ in range(args.repeat))
    nodes, ties = read(args.terc)
    with tempfile.TemporaryDirectory() as tmp:
        store = min(import_seconds(args.terc, Path(tmp) / f"store{i}.db") for i in range(args.repeat))
        raw = min(raw_seconds(nodes, ties, Path(tmp) / f"raw{i}.db") for i in range(args.repeat))
        again = min(update_seconds(args.terc, Path(tmp) / f"again{i}.db") for i in range(args.repeat))
    rows = len(nodes) + len(ties)
    print(f"{args.terc.name}: {len(nodes)} nodes + {len(ties)} PART_OF ties = {rows} rows")
    print(f"{'side':<28} {'seconds':>8} {'rows/s':>9}")
    print(f"{'parse (read_teryt)':<28} {parse:>8.3f} {rows / parse:>9.0f}")
    print(f"{'import (parse+validate+write)':<28} {store:>8.3f} {rows / store:>9.0f}")
    print(f"{'raw sqlite3 executemany':<28} {raw:>8.3f} {rows / raw:>9.0f}")
    print(f"{'update (same file, compared)':<28} {again:>8.3f} {rows / again:>9.0f}")
    print(f"ratio import/raw = {store / raw:.1f}x (raw/import = {raw / store:.2f})")


def _timed_read(path: Path) -> float:
    start = time.perf_counter()
    read(path)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
