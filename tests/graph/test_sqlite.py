"""Behaviour of the embedded store that only SQLite has: files, processes, locking."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from partnergraph.errors import ConfigError, StoreError
from partnergraph.graph import open_store
from partnergraph.graph.sqlite import SCHEMA_VERSION, SqliteStore
from partnergraph.records import Node, Tie

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from partnergraph.graph.sqlite import SqliteStore
    from partnergraph.records import Node

    path, name, marker = sys.argv[1], sys.argv[2], sys.argv[3]
    count, per_write = int(sys.argv[4]), int(sys.argv[5])

    def nodes(start):
        for i in range(start, min(start + per_write, count)):
            if i == count // 2 and marker != "-":
                Path(marker).write_text("half")  # the transaction is open and half written
            yield Node(f"org:{name}-{i}", "Organisation", {"name": f"{name} {i}", "kind": "ngo"})

    with SqliteStore(path) as store:
        for start in range(0, count, per_write):
            store.upsert(nodes(start), source=name, user=name)
""")


def run_writer(path: Path, name: str, count: int, per_write: int, marker: str = "-") -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, marker, str(count), str(per_write)])


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    SqliteStore(path).close()
    writers = [run_writer(path, name, 3000, 150) for name in ("a", "b")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with SqliteStore(path) as store:
        assert store.count_nodes() == {"Organisation": 6000}
        assert store.version() == 40  # every write got its own version
        assert len(store.changes(limit=None)) == 6000
        assert {c.user for c in store.changes(limit=None)} == {"a", "b"}
        assert store.check() == []


def test_a_process_killed_mid_batch_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    with SqliteStore(path) as store:
        store.upsert([Node("org:stara", "Organisation", {"name": "Stara", "kind": "ngo"})], source="before")
    marker = tmp_path / "half"
    writer = run_writer(path, "big", 200_000, 200_000, str(marker))
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert writer.poll() is None, "the writer ended before it was killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    with SqliteStore(path) as store:
        assert store.count_nodes() == {"Organisation": 1}
        assert store.version() == 1
        assert store.check() == []
        store.upsert([Node("org:nowa", "Organisation", {"name": "Nowa", "kind": "ngo"})], source="after")
        assert store.version() == 2


def test_a_locked_store_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    SqliteStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with SqliteStore(path, busy_timeout=0.2) as store, pytest.raises(StoreError) as caught:
            store.upsert([Node("org:x", "Organisation", {"name": "X", "kind": "ngo"})], source="t")
        assert str(caught.value) == (
            f"magazyn sqlite:///{path} jest zajęty przez inny zapis dłużej niż 0,2 s (spróbuj ponownie za chwilę)"
        )
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_file_that_is_not_a_store_is_refused_and_left_alone(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("to nie jest baza danych")
    with pytest.raises(StoreError, match="nie jest magazynem partnergraph"):
        SqliteStore(text_file)
    assert text_file.read_text() == "to nie jest baza danych"
    other_app = tmp_path / "other.db"
    with sqlite3.connect(other_app) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="nie jest magazynem partnergraph"):
        SqliteStore(other_app)


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    SqliteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE name = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match="zaktualizuj partnergraph"):
        SqliteStore(path)


def test_open_store_chooses_the_backend_from_the_url(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        assert isinstance(store, SqliteStore) and (tmp_path / "a.db").exists()
    with pytest.raises(ConfigError, match="nieznany adres magazynu 'mysql://x'"):
        open_store("mysql://x")
    with pytest.raises(StoreError, match=r"nie można otworzyć ani utworzyć magazynu .*missing-folder"):
        open_store(f"sqlite:///{tmp_path / 'missing-folder' / 'a.db'}")


def test_check_reports_a_tie_left_pointing_at_a_deleted_node(tmp_path: Path) -> None:
    """A tool that wrote the file with foreign keys off can leave a tie without its end; only SQLite's own check sees it."""
    path = tmp_path / "dangling.db"
    with SqliteStore(path) as store:
        nodes = [Node(f"org:{k}", "Organisation", {"name": k.upper(), "kind": "ngo"}) for k in ("a", "b")]
        store.upsert(nodes, [Tie("COOPERATES_WITH", "org:a", "org:b")], source="t")
        assert store.check() == []
    other = sqlite3.connect(path, isolation_level=None)  # foreign keys are off unless a connection turns them on
    other.execute("DELETE FROM nodes WHERE key = 'org:b'")
    other.close()
    with SqliteStore(path) as store:
        problems = [(p.where, str(p.message)) for p in store.check()]
    assert problems == [
        (
            "org:a-[COOPERATES_WITH]->org:b",
            "powiązanie org:a-[COOPERATES_WITH]->org:b wskazuje na nieistniejący węzeł org:b",
        )
    ]
