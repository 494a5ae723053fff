"""The Neo4j half of the ``store`` fixture (filled in by the Neo4j backend)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from partnergraph.graph.base import GraphStore


@contextmanager
def neo4j_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """A clean Neo4j-backed store for one test."""
    from tests.conftest import REQUIRE_NEO4J

    message = "Neo4j backend not built yet"
    if REQUIRE_NEO4J:
        pytest.fail(message)
    pytest.skip(message)
    yield  # type: ignore[misc]
