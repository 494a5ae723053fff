"""Shared fixtures: a ``store`` on every backend, a CLI runner, the example network."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.i18n import use_language

BACKENDS = ["sqlite", "neo4j"]
REQUIRE_NEO4J = os.environ.get("PARTNERGRAPH_REQUIRE_NEO4J") == "1"
REPOSITORY = Path(__file__).resolve().parents[1]


def shared_data(relative: str) -> Path:
    """The file ``relative`` of the shared reference data (``PARTNERGRAPH_SHARED_DATA``, else
    ``../shared/data`` beside the checkout). Missing, the test is skipped with a message saying
    where it looked, and fails instead when ``PARTNERGRAPH_REQUIRE_DATA=1`` (as in CI, ``.ci/run``).
    """
    given = os.environ.get("PARTNERGRAPH_SHARED_DATA")
    folder = Path(given) if given else REPOSITORY.parent / "shared" / "data"
    path = folder / relative
    if not path.is_file():
        where = "PARTNERGRAPH_SHARED_DATA" if given else "../shared/data beside the repository"
        message = (
            f"{relative} is not in {folder} ({where}; set PARTNERGRAPH_SHARED_DATA to the folder of the shared data)"
        )
        if os.environ.get("PARTNERGRAPH_REQUIRE_DATA") == "1":
            pytest.fail(f"{message}, and PARTNERGRAPH_REQUIRE_DATA=1 makes a missing file a failure", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def _polish_messages() -> Iterator[None]:
    """Tests read messages in Polish (the default) unless they switch."""
    with use_language("pl"):
        yield


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store on each backend; the Neo4j one needs a server (see tools/neo4j)."""
    if request.param == "sqlite":
        with SqliteStore(tmp_path / "store.db") as sqlite_store:
            yield sqlite_store
        return
    from tests.neo4j_support import neo4j_store

    with neo4j_store(request) as neo4j:
        yield neo4j


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    """An empty embedded store, for tests of SQLite-only behaviour."""
    store = SqliteStore(tmp_path / "store.db")
    with store:
        yield store


def load_example(store: GraphStore) -> GraphStore:
    """``store`` with the built-in example network loaded (as ``partnergraph demo`` does)."""
    from importlib import resources

    from partnergraph.importers.run import run_import

    folder = resources.files("partnergraph").joinpath("data/example")
    with resources.as_file(folder) as path:
        run_import(store, Path(path), format="csv", user="test")
    return store


@pytest.fixture
def example_store(store: GraphStore) -> GraphStore:
    """The example network on each backend."""
    return load_example(store)


_DEMO: dict[str, Path] = {}


def demo_runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A CLI runner whose store (``PARTNERGRAPH_STORE``) is a fresh copy of the example network.

    The example is loaded with ``partnergraph demo`` once per test session and copied for each
    test, so a test may change its store; runs go to ``tmp_path/runs``, messages are Polish.
    """
    from partnergraph.cli import main

    if "db" not in _DEMO:
        folder = Path(tempfile.mkdtemp(prefix="partnergraph-demo-"))
        loaded = CliRunner().invoke(
            main, ["--store", f"sqlite:///{folder / 'demo.db'}", "demo"], catch_exceptions=False
        )
        assert loaded.exit_code == 0, loaded.output
        _DEMO["db"] = folder / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        source = _DEMO["db"].with_name(_DEMO["db"].name + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / f"demo.db{suffix}")
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("PARTNERGRAPH_RUNS", str(tmp_path / "runs"))
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    return CliRunner()
