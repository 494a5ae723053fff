"""Failing storage (issue 15, item 4): a read-only store, a full disk, a damaged file, an
unwritable rejected-rows file, an export that cannot be finished. Each ends in one line saying
what happened and what to do, and nothing is half-written.

The failures are real ones, not mocks of our own code: SQLite's ``query_only`` and
``max_page_count`` make SQLite itself fail with SQLITE_READONLY and SQLITE_FULL; a file-size
limit (RLIMIT_FSIZE) in a child process makes the operating system refuse the writes of a
new store or an export as a full disk would; a damaged file is a real file with pages
overwritten.
"""

from __future__ import annotations

import errno
import os
import resource
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.errors import ConfigError, StoreError
from partnergraph.files import atomic_file, atomic_folder, os_error_text
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.i18n import use_language
from partnergraph.importers.run import run_import
from partnergraph.records import Node
from tests.conftest import load_example


def _org(i: int) -> Node:
    return Node(f"org:o{i}", "Organisation", {"name": f"Organizacja {i} " + "ą" * 200, "kind": "business"})


def test_a_read_only_store_is_called_read_only_and_keeps_its_data(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "pg.db")
    store.upsert([_org(1)], source="test")
    store.db.execute("PRAGMA query_only = ON")  # SQLite answers SQLITE_READONLY, as for a read-only file
    with pytest.raises(StoreError, match=r"jest tylko do odczytu: można go czytać, ale nie zmieniać") as caught:
        store.upsert([_org(2)], source="test")
    assert "pg.db-wal" in str(caught.value.hint)  # the side files SQLite needs beside the store
    assert [n.key for n in store.iter_nodes()] == ["org:o1"] and store.version() == 1
    store.close()


def test_a_full_disk_is_called_a_full_disk_not_a_rollback_failure(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "pg.db")
    store.upsert([_org(1)], source="test")
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite answers SQLITE_FULL, as for a full disk
    with pytest.raises(
        StoreError, match=r"brak miejsca na dysku dla magazynu .*zapis został w całości wycofany"
    ) as caught:
        store.upsert([_org(i) for i in range(2, 2000)], source="test")
    assert "cannot rollback" not in str(caught.value)
    assert store.count_nodes() == {"Organisation": 1} and store.version() == 1  # the store as before the write
    store.close()


def _damaged(tmp_path: Path) -> Path:
    store = load_example(SqliteStore(tmp_path / "good.db"))
    store.close()
    damaged = tmp_path / "damaged.db"
    shutil.copy(tmp_path / "good.db", damaged)
    with damaged.open("r+b") as raw:
        raw.seek(40960)  # a page of the tables, past the schema page
        raw.write(b"\x13" * 4096)
    return damaged


def test_db_check_reports_a_damaged_file_as_its_problem(tmp_path: Path) -> None:
    damaged = _damaged(tmp_path)
    result = CliRunner().invoke(main, ["--store", f"sqlite:///{damaged}", "db", "check"])
    assert result.exit_code == 1
    assert "jest uszkodzony" in result.output and ".recover" in result.output
    assert "nieoczekiwany błąd" not in result.output and "Traceback" not in result.output


def test_reading_a_damaged_file_is_one_line_not_a_bug_report(tmp_path: Path) -> None:
    damaged = _damaged(tmp_path)
    result = CliRunner().invoke(main, ["--store", f"sqlite:///{damaged}", "stats"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Błąd: plik magazynu") and "uszkodzony" in lines[0], result.output


def _limited(code: str, limit: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a child Python whose files may not grow past ``limit`` bytes (EFBIG, like a full disk)."""

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PARTNERGRAPH_LANG": "pl"}
    env.pop("PARTNERGRAPH_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=limit_files,
        timeout=120,
        check=False,
    )


def test_a_new_store_that_cannot_be_written_leaves_no_empty_file(tmp_path: Path) -> None:
    code = "from partnergraph.cli import main; main(['--store', 'sqlite:///new.db', 'init'])"
    done = _limited(code, 0, tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Błąd: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "nie jest magazynem" not in done.stderr and "nieoczekiwany" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no 0-byte new.db, no -wal or -shm


@pytest.mark.parametrize(
    "command",
    [
        ["export", "xlsx", "out.xlsx"],
        ["export", "jsonl", "out.jsonl"],
        ["export", "csv", "out"],
        ["template", "out.xlsx"],
        ["map", "--out", "out.html"],
    ],
)
def test_an_export_that_cannot_be_finished_leaves_no_partial_file(tmp_path: Path, command: list[str]) -> None:
    store = load_example(SqliteStore(tmp_path / "demo.db"))
    store.upsert(
        [
            Node(f"org:n{i}", "Organisation", {"name": f"Organizacja {secrets.token_hex(60)}", "kind": "business"})
            for i in range(1500)
        ],
        source="test",
    )
    store.close()
    before = sorted(p.name for p in tmp_path.iterdir())
    code = f"from partnergraph.cli import main; main(['--store', 'sqlite:///demo.db', *{command!r}])"
    # Reading the store needs its 32 KiB -shm file; every file written beyond 40 KiB is refused, as on a full disk;
    # a template needs no store, so it gets 4 KiB.
    done = _limited(code, 4096 if command[0] == "template" else 40960, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Błąd: nie można zapisać "), (
        done.stderr
    )  # no "Exception ignored" spew
    assert "plik za duży" in lines[0] and "nie został żaden częściowy plik" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no out.*, no .part files


def test_an_unwritable_rejected_file_refuses_the_import_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "organizacje.csv"
    source.write_text("klucz;nazwa;rodzaj\norg:x;X;business\norg:y;Y;zzz\n", encoding="utf-8")
    (tmp_path / "organizacje.rejected.csv").mkdir()  # something the rejected rows cannot be written over
    store = SqliteStore(tmp_path / "pg.db")
    with pytest.raises(ConfigError, match=r"nie można zapisać pliku odrzuconych wierszy .*niczego nie zaimportowano"):
        run_import(store, source, skip_invalid=True)
    assert store.count_nodes() == {} and store.version() == 0
    store.close()


def test_atomic_writes_leave_the_old_target_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("stare", encoding="utf-8")
    with (
        pytest.raises(ConfigError, match=r"nie można zapisać .*out.txt: brak miejsca na dysku"),
        atomic_file(target) as partial,
    ):
        partial.write_text("nowe, ale ", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "kept.csv").write_text("x", encoding="utf-8")
    with atomic_folder(folder, force=True, merge=True) as partial:
        (partial / "new.csv").write_text("y", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "stare"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "tables"]
    assert sorted(p.name for p in folder.iterdir()) == ["kept.csv", "new.csv"]


def test_operating_system_errors_are_named_in_the_users_language() -> None:
    with use_language("pl"):
        assert (
            os_error_text(FileNotFoundError(errno.ENOENT, "No such file or directory"))
            == "nie ma takiego pliku ani folderu"
        )
        assert (
            os_error_text(OSError(errno.EXDEV, "Invalid cross-device link")) == "Invalid cross-device link"
        )  # no text of ours
    with use_language("en"):
        assert os_error_text(PermissionError(errno.EACCES, "Permission denied")) == "permission denied"
