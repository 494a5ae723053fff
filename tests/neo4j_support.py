"""The Neo4j half of the ``store`` fixture: a server for the test session, a clean database per test.

The server comes from ``tools/neo4j/server.py``: a running one is reused (its state file tells
the URL and password), otherwise one is started once per test session and stopped at its end.
``PARTNERGRAPH_NEO4J_BUILD_DIR`` picks the server's build directory (default ``build/neo4j``).

The suite wipes the database before each test, but only a database it owns: on first use it
marks an empty database with a ``(:PGTestSuite)`` node, and it refuses to touch a database that
holds data without that marker. Test sessions sharing a server take turns (a lock file in the
build directory), so one never wipes the database under another's feet.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import neo4j
import pytest

from partnergraph.graph.base import GraphStore

ROOT = Path(__file__).resolve().parents[1]
SERVER_PY = ROOT / "tools" / "neo4j" / "server.py"
BUILD_DIR = Path(os.environ.get("PARTNERGRAPH_NEO4J_BUILD_DIR") or ROOT / "build" / "neo4j")
HOW = "start one with `make neo4j` or `python tools/neo4j/server.py start` (needs Java 17 and Maven)"
MARKER = "PGTestSuite"
LOCK_WAIT = 900.0  # seconds a session waits for another one using the same server
_session: dict[str, Any] = {}  # the server's state and a driver to it (or why not), once per test session
_turns: dict[Path, Any] = {}  # build directory -> the lock file this session holds


def server_tool() -> ModuleType:
    """tools/neo4j/server.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("partnergraph_neo4j_server", SERVER_PY)
    if spec is None or spec.loader is None or not SERVER_PY.exists():
        raise FileNotFoundError(SERVER_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unavailable(reason: str) -> None:
    """Skip the test (fail it when PARTNERGRAPH_REQUIRE_NEO4J=1): no server for it."""
    from tests.conftest import REQUIRE_NEO4J

    message = f"Neo4j tests need a server: {reason}; {HOW}"
    if REQUIRE_NEO4J:
        pytest.fail(message + " (PARTNERGRAPH_REQUIRE_NEO4J=1: a skip is a failure)")
    pytest.skip(message)


def start_server(config: pytest.Config, build_dir: Path) -> dict[str, Any]:
    """The server in ``build_dir``: the running one, or one started now and stopped at session end."""
    try:
        tool = server_tool()
    except FileNotFoundError:
        unavailable(f"{SERVER_PY.relative_to(ROOT)} is missing")
    running: dict[str, Any] | None = tool.status(build_dir)
    if running:
        return running
    missing = [name for name in ("java", "mvn") if not shutil.which(name)]
    if missing:
        unavailable(f"{' and '.join(missing)} not found on PATH")
    try:
        state: dict[str, Any] = tool.start(build_dir)
    except tool.Neo4jServerError as exc:
        unavailable(f"it did not start ({exc})")
    config.add_cleanup(lambda: tool.stop(build_dir))
    return state


def take_turn(config: pytest.Config, build_dir: Path) -> None:
    """Wait until no other test session uses the server in ``build_dir``; hold it until this one ends."""
    if build_dir in _turns:
        return
    build_dir.mkdir(parents=True, exist_ok=True)
    lock = (build_dir / "tests.lock").open("w")
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                lock.close()
                pytest.fail(
                    f"another test session has been using the Neo4j server in {build_dir} for {LOCK_WAIT:.0f} s"
                )
            time.sleep(0.5)
    _turns[build_dir] = lock
    config.add_cleanup(lambda: _turns.pop(build_dir).close())


def driver_for(state: dict[str, Any]) -> neo4j.Driver:
    """A driver to the server of ``state`` (the tool's state dict)."""
    return neo4j.GraphDatabase.driver(
        state["url"], auth=(state["user"], state["password"]), notifications_min_severity="OFF"
    )


def claim(driver: neo4j.Driver, state: dict[str, Any]) -> None:
    """Mark the database as the suite's, or fail if it holds data the suite did not create."""
    db = state["database"]
    records, _, _ = driver.execute_query(
        f"RETURN COUNT {{ (:{MARKER}) }} AS marked, COUNT {{ () }} AS nodes", database_=db
    )
    marked, nodes = records[0]["marked"], records[0]["nodes"]
    if not marked and nodes:
        pytest.fail(
            f"refusing to wipe Neo4j database {db!r} at {state['url']}: it holds {nodes} nodes that the test suite "
            f"did not create (no :{MARKER} marker). Empty it yourself, or point PARTNERGRAPH_NEO4J_BUILD_DIR "
            "at another build directory for the tests."
        )
    if not marked:
        driver.execute_query(f"MERGE (:{MARKER} {{name: 'partnergraph tests'}})", database_=db)


def wipe(driver: neo4j.Driver, database: str) -> None:
    """Delete everything but the marker (constraints and indexes stay)."""
    driver.execute_query(f"MATCH (n) WHERE NOT n:{MARKER} DETACH DELETE n", database_=database)


def suite_server(request: pytest.FixtureRequest) -> tuple[dict[str, Any], neo4j.Driver]:
    """The session's server state and a driver to it, with the database claimed by the suite."""
    if "refused" in _session:  # the database is not ours: every test says so, at once
        pytest.fail(_session["refused"])
    if "state" not in _session:
        take_turn(request.config, BUILD_DIR)
        state = start_server(request.config, BUILD_DIR)
        driver = driver_for(state)
        request.config.add_cleanup(driver.close)
        try:
            claim(driver, state)
        except pytest.fail.Exception as exc:
            _session["refused"] = str(exc)
            raise
        _session.update(state=state, driver=driver)
    return _session["state"], _session["driver"]


@contextmanager
def neo4j_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """A clean Neo4j-backed store for one test."""
    from partnergraph.graph.neo4j import Neo4jStore

    state, driver = suite_server(request)
    wipe(driver, state["database"])
    with Neo4jStore(state["url"], user=state["user"], password=state["password"], database=state["database"]) as store:
        yield store
