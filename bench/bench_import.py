"""Spreadsheet (CSV) import against the store's raw bulk upsert of the same records, side by side.

    python -m bench.bench_import                  # 100,000 and 1,000,000 rows
    python -m bench.bench_import --rows 20000     # a quick run

For each size, a realistic network (:mod:`bench.generate`: TERYT units, organisations, their
ties) of about ROWS records is written as the template's CSV files (one per sheet, ``;``,
UTF-8), then two runs go into an empty embedded store, each in its own process so that its
peak memory is its own:

* **baseline** — ``store.upsert(nodes, ties)`` of the records, built before the clock starts:
  the write alone (validation inside the store, change log, search index);
* **import** — ``run_import(store, folder)``: sniffing, decoding, header matching, parsing,
  pass 1 (validation, endpoint and reconciliation checks), pass 2 (the same write).

Printed: rows/s of each, the ratio import/baseline (the target is ≥ 0.5: parsing and checking
cost no more than the write) and the peak resident memory of each process — the import's should
stay flat as the file grows (it keeps keys, never records), while the baseline holds every
record in memory by construction.
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

ROWS_PER_ORG = 6.76  # records per organisation in bench.generate (ties included)
TERRITORY_ROWS = 5730  # voivodeships, counties, gminas and their PART_OF ties


def organisations(rows: int) -> int:
    """How many organisations give about ``rows`` records."""
    return max(10, round((rows - TERRITORY_ROWS) / ROWS_PER_ORG))


def write_csv(folder: Path, n_orgs: int, seed: int) -> int:
    """The generated network as the template's CSV files; returns the records written."""
    from bench.generate import generate
    from partnergraph.importers.workbook import write_records

    nodes, ties = generate(n_orgs, seed)
    counts = write_records(folder, nodes, ties, fmt="csv")
    return sum(counts.values())


def peak_mb() -> float:
    """This process's peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, folder: Path, db: Path, n_orgs: int, seed: int) -> dict[str, float]:
    """One measured run, in this (fresh) process."""
    from partnergraph.graph.sqlite import SqliteStore

    store = SqliteStore(db)
    if mode == "baseline":
        from bench.generate import generate

        nodes, ties = generate(n_orgs, seed)
        built_nodes, built_ties = list(nodes), list(ties)
        start = time.perf_counter()
        summary = store.upsert(built_nodes, built_ties, source="baseline")
        seconds = time.perf_counter() - start
        rows = sum(summary.counts.values())
    else:
        from partnergraph.importers.run import run_import

        start = time.perf_counter()
        report = run_import(store, folder)
        seconds = time.perf_counter() - start
        rows = report.records
    store.close()
    return {"seconds": seconds, "rows": rows, "peak_mb": peak_mb()}


def measure(mode: str, folder: Path, workdir: Path, n_orgs: int, seed: int) -> dict[str, float]:
    db = workdir / f"{mode}.db"
    command = [
        sys.executable,
        "-m",
        "bench.bench_import",
        "--child",
        mode,
        "--folder",
        str(folder),
        "--db",
        str(db),
        "--orgs",
        str(n_orgs),
        "--seed",
        str(seed),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="CSV import vs raw bulk upsert, side by side.")
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", choices=["baseline", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--orgs", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.db, args.orgs, args.seed)))
        return
    print(
        f"{'rows':>10} {'CSV MB':>7} | {'baseline rows/s':>15} {'peak MB':>8} | {'import rows/s':>13} {'peak MB':>8} | {'ratio':>5}"
    )
    for rows in args.rows:
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            workdir = Path(tmp)
            n_orgs = organisations(rows)
            written = write_csv(workdir / "csv", n_orgs, args.seed)
            size = sum(p.stat().st_size for p in (workdir / "csv").iterdir()) / 2**20
            base = measure("baseline", workdir / "csv", workdir, n_orgs, args.seed)
            imp = measure("import", workdir / "csv", workdir, n_orgs, args.seed)
            assert base["rows"] == imp["rows"] == written, (base, imp, written)
            base_rate, imp_rate = written / base["seconds"], written / imp["seconds"]
            print(
                f"{written:>10,} {size:>7.1f} | {base_rate:>15,.0f} {base['peak_mb']:>8.0f} | {imp_rate:>13,.0f} "
                f"{imp['peak_mb']:>8.0f} | {imp_rate / base_rate:>5.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
