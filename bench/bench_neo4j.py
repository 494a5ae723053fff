"""Bulk load into Neo4j: ``Neo4jStore.upsert`` against a bare-driver UNWIND baseline and a per-row loop.

    python -m bench.bench_neo4j                         # 10k and 100k organisations
    python -m bench.bench_neo4j --sizes 10000 --repeat 3 --heap 4g

Every side loads the same generated network (:mod:`bench.generate`, same seed: about five ties
per organisation, plus the territorial units) into an emptied database:

* ``store`` — one ``Neo4jStore.upsert``: validation, merging, change log, one transaction;
* ``unwind`` — the bare driver, no abstraction: one ``UNWIND $rows AS r MERGE …`` query per batch
  of 10,000 rows of one label or type, into the same labels and keys (``:PGNode:<Type> {key}``,
  ``[:<TYPE> {id}]``), each batch its own transaction;
* ``1-tx`` — for context, the same UNWIND queries in one transaction, as the store must (its
  writes are all-or-nothing): the cost of one big transaction, apart from the store's own work;
* ``per-row`` — (smallest size only) the naive loop, one ``MERGE`` query per record, on a sample
  of about ``--naive-rows`` records (the territorial units and the first organisations).

The server is ``tools/neo4j/server.py``'s in its own build directory (default build/neo4j-bench),
started unless it runs and then stopped again; ``--heap`` gives a server the bench starts more
JVM heap than the tool's default (one 100k write holds ~700k records in one transaction). The
bench empties that database between loads and refuses one holding data without its ``(:PGBench)``
marker. Records are generated before the clock starts; every side has the store's constraints
and indexes. Rows are nodes plus ties. Besides wall-clock time the table shows the CPU seconds
of the server and of this process, which say more than the wall clock on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j

from bench.generate import generate
from partnergraph.errors import StoreError
from partnergraph.graph.neo4j import Neo4jStore
from partnergraph.records import Node, Tie, tie_id

ROOT = Path(__file__).resolve().parents[1]
BATCH = 10_000
MARKER = "PGBench"
Records = tuple[list[Node], list[Tie]]


@dataclass
class Server:
    url: str
    user: str
    password: str
    database: str
    pid: int | None = None

    def driver(self) -> neo4j.Driver:
        return neo4j.GraphDatabase.driver(self.url, auth=(self.user, self.password), notifications_min_severity="OFF")

    def store(self) -> Neo4jStore:
        return Neo4jStore(self.url, user=self.user, password=self.password, database=self.database)

    def cpu(self) -> float:
        """CPU seconds the server process has used (0 when it is not a local process we know)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    side: str
    rows: int
    seconds: float
    server_cpu: float
    client_cpu: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def wipe(server: Server) -> None:
    """Empty the database if it is the bench's (marked) or empty; constraints and indexes stay."""
    with server.driver() as driver:
        found, _, _ = driver.execute_query(
            f"RETURN COUNT {{ (:{MARKER}) }} AS marked, COUNT {{ () }} AS nodes", database_=server.database
        )
        if not found[0]["marked"] and found[0]["nodes"]:
            sys.exit(f"refusing to empty {server.url}: it holds {found[0]['nodes']} nodes without the :{MARKER} marker")
        with driver.session(
            database=server.database
        ) as session:  # CALL … IN TRANSACTIONS needs an implicit transaction
            session.run(
                f"MATCH (n) WHERE NOT n:{MARKER} CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 20000 ROWS"
            ).consume()
        driver.execute_query(f"MERGE (:{MARKER})", database_=server.database)


def records(size: int, seed: int) -> Records:
    nodes, ties = generate(size, seed)
    return list(nodes), [
        t if t.id else Tie(t.type, t.start, t.end, t.props, tie_id(t.start, t.type, t.end, t.props.get("since")))
        for t in ties
    ]


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    return (items[i : i + size] for i in range(0, len(items), size))


def load_store(server: Server, data: Records) -> None:
    with server.store() as store:
        store.upsert(data[0], data[1], source="bench")


def unwind_queries(data: Records) -> Iterator[tuple[str, dict[str, Any]]]:
    """The bare-driver baseline's queries: one UNWIND … MERGE per batch of 10,000 rows of one label or type."""
    nodes, ties = data
    for label in sorted({n.type for n in nodes}):
        rows = [{"key": n.key, "props": dict(n.props)} for n in nodes if n.type == label]
        for batch in _batches(rows, BATCH):
            yield f"UNWIND $rows AS r MERGE (n:PGNode:{label} {{key: r.key}}) SET n += r.props", {"rows": batch}
    for type_ in sorted({t.type for t in ties}):
        rows = [{"start": t.start, "end": t.end, "id": t.id, "props": dict(t.props)} for t in ties if t.type == type_]
        for batch in _batches(rows, BATCH):
            yield (
                f"UNWIND $rows AS r MATCH (a:PGNode {{key: r.start}}) MATCH (b:PGNode {{key: r.end}}) "
                f"MERGE (a)-[t:{type_} {{id: r.id}}]->(b) SET t += r.props",
                {"rows": batch},
            )


def load_unwind(server: Server, data: Records) -> None:
    """The baseline: each batch query its own transaction."""
    with server.driver() as driver:
        for query, params in unwind_queries(data):
            driver.execute_query(query, params, database_=server.database)


def load_unwind_one_tx(server: Server, data: Records) -> None:
    """The baseline's queries in one transaction."""
    with (
        server.driver() as driver,
        driver.session(database=server.database) as session,
        session.begin_transaction() as tx,
    ):
        for query, params in unwind_queries(data):
            tx.run(query, params).consume()
        tx.commit()


def load_per_row(server: Server, data: Records) -> None:
    """The naive loop: one MERGE query, in its own transaction, per record."""
    nodes, ties = data
    with server.driver() as driver:
        for n in nodes:
            driver.execute_query(
                f"MERGE (n:PGNode:{n.type} {{key: $key}}) SET n += $props",
                {"key": n.key, "props": dict(n.props)},
                database_=server.database,
            )
        for t in ties:
            params = {"start": t.start, "end": t.end, "id": t.id, "props": dict(t.props)}
            driver.execute_query(
                f"MATCH (a:PGNode {{key: $start}}) MATCH (b:PGNode {{key: $end}}) "
                f"MERGE (a)-[t:{t.type} {{id: $id}}]->(b) SET t += $props",
                params,
                database_=server.database,
            )


def sample(data: Records, rows: int) -> Records:
    """The territorial units and the first organisations, with the ties among them: about ``rows`` records."""
    units = sum(1 for n in data[0] if n.type != "Organisation")
    nodes = data[0][: units + max(rows // 7, 1)]  # an organisation brings about six ties
    keys = {n.key for n in nodes}
    return nodes, [t for t in data[1] if t.start in keys and t.end in keys]


def measure(side: str, load: Callable[[Server, Records], None], server: Server, data: Records) -> Run:
    wipe(server)
    cpu, own, start = server.cpu(), time.process_time(), time.perf_counter()
    load(server, data)
    seconds = time.perf_counter() - start
    return Run(side, len(data[0]) + len(data[1]), seconds, server.cpu() - cpu, time.process_time() - own)


def free_port() -> int:
    """A free port, so that the bench's server leaves the usual 7687 to the development server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(build_dir: Path, heap: str | None) -> tuple[Server, Callable[[], object] | None]:
    sys.path.insert(0, str(ROOT / "tools" / "neo4j"))
    import server as tool  # type: ignore[import-not-found, unused-ignore]

    state = tool.status(build_dir)
    stop = None
    if state is None:
        if heap:
            os.environ[tool.HEAP_ENV] = heap
        state, stop = tool.start(build_dir, free_port()), (lambda: tool.stop(build_dir))
    elif heap:
        print(f"note: the server in {build_dir} is already running; --heap does not apply", file=sys.stderr)
    return Server(state["url"], state["user"], state["password"], state["database"], state.get("pid")), stop


def report(size: int, run: Run, versus: str = "") -> None:
    print(
        f"{size:>8} {run.side:>8} {run.rows:>8} {run.seconds:>8.2f} {run.rate:>9.0f} {run.server_cpu:>10.1f} "
        f"{run.client_cpu:>10.1f}  {versus}"
    )


def bench_size(server: Server, size: int, seed: int, repeat: int, naive_rows: int | None) -> None:
    data = records(size, seed)
    runs: dict[str, list[Run]] = {"unwind": [], "1-tx": [], "store": []}
    for _ in range(repeat):  # interleaved, so that a busy moment hurts every side
        runs["unwind"].append(measure("unwind", load_unwind, server, data))
        runs["1-tx"].append(measure("1-tx", load_unwind_one_tx, server, data))
        try:
            runs["store"].append(measure("store", load_store, server, data))
        except StoreError as exc:
            print(f"{size:>8} {'store':>8} failed: {exc}")
            break
    unwind, one_tx = (min(runs[side], key=lambda r: r.seconds) for side in ("unwind", "1-tx"))
    report(size, unwind)
    report(size, one_tx, f"{one_tx.rate / unwind.rate:.2f}x unwind")
    if runs["store"]:
        store = min(runs["store"], key=lambda r: r.seconds)
        cpu = (unwind.server_cpu + unwind.client_cpu) / (store.server_cpu + store.client_cpu)
        report(size, store, f"{store.rate / unwind.rate:.2f}x unwind (CPU: {cpu:.2f}x); target 0.8x")
        if naive_rows:
            naive = measure("per-row", load_per_row, server, sample(data, naive_rows))
            report(size, naive, f"store is {store.rate / naive.rate:.1f}x per-row; target 20x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="organisations per network, comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="loads per side and size; the fastest counts")
    parser.add_argument("--naive-rows", type=int, default=10_000, help="records the per-row loop writes (0: skip it)")
    parser.add_argument("--heap", default=None, help="JVM heap of a server the bench starts, e.g. 4g")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build" / "neo4j-bench")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    server, stop = start_server(args.build_dir, args.heap)
    try:
        wipe(server)
        server.store().close()  # the constraints and indexes from models.ttl, for every side
        warm = records(1000, args.seed + 1)
        measure("unwind", load_unwind, server, warm), measure("store", load_store, server, warm)
        print(f"{'orgs':>8} {'side':>8} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'server CPU':>10} {'client CPU':>10}")
        for size in sizes:
            bench_size(server, size, args.seed, args.repeat, args.naive_rows if size == sizes[0] else None)
        wipe(server)
    finally:
        if stop:
            stop()


if __name__ == "__main__":
    main()
