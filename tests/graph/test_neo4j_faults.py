"""A Neo4j server killed (SIGKILL) in the middle of a large write: a clear error, then all or nothing.

This test runs its own server in build/neo4j-faults, so the shared one is never disturbed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from partnergraph.errors import StoreError
from partnergraph.graph.neo4j import Neo4jStore
from partnergraph.records import Node, Tie
from tests.neo4j_support import ROOT, claim, driver_for, server_tool, take_turn, unavailable, wipe

BUILD_DIR = ROOT / "build" / "neo4j-faults"
N = 30_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def open_store(state: dict[str, Any]) -> Neo4jStore:
    return Neo4jStore(state["url"], user=state["user"], password=state["password"], database=state["database"])


@pytest.fixture
def own_server(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A server of this test's own, with an empty database; stopped afterwards."""
    try:
        tool = server_tool()
    except FileNotFoundError:
        unavailable("tools/neo4j/server.py is missing")
    if not (shutil.which("java") and shutil.which("mvn")):
        unavailable("java or mvn not found on PATH")
    take_turn(request.config, BUILD_DIR)
    request.addfinalizer(lambda: tool.stop(BUILD_DIR))
    try:
        state: dict[str, Any] = tool.status(BUILD_DIR) or tool.start(BUILD_DIR, free_port())  # 7687 is for development
    except tool.Neo4jServerError as exc:
        unavailable(f"it did not start ({exc})")
    with driver_for(state) as driver:
        claim(driver, state)
        wipe(driver, state["database"])
    return state


@pytest.mark.slow
@pytest.mark.neo4j
def test_a_server_killed_mid_write_keeps_all_or_nothing(own_server: dict[str, Any]) -> None:
    def nodes() -> Iterator[Node]:
        for i in range(N):
            if i == N // 2:  # half of the batches are written (or being written) by now
                os.kill(own_server["pid"], signal.SIGKILL)
            yield Node(f"org:o{i:05d}", "Organisation", {"name": f"Organizacja {i}", "kind": "ngo"})

    ties = (Tie("COOPERATES_WITH", f"org:o{i:05d}", f"org:o{i + 1:05d}") for i in range(N - 1))
    with open_store(own_server) as store, pytest.raises(StoreError) as caught:
        store.upsert(nodes(), ties, source="big import")
    message = str(caught.value)
    assert own_server["url"] in message and "\n" not in message
    assert "zerwało się" in message or "jest niedostępny" in message

    restarted = server_tool().start(BUILD_DIR, free_port())  # recovers the database after the crash
    with open_store(restarted) as store:
        nodes_stored, ties_stored, version = store.count_nodes(), store.count_ties(), store.version()
        assert (nodes_stored, ties_stored, version) in (
            ({}, {}, 0),
            ({"Organisation": N}, {"COOPERATES_WITH": N - 1}, 1),
        )
        assert store.changes() == [] if version == 0 else len(store.changes(limit=None)) == 2 * N - 1
        assert store.check() == []
