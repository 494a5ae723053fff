"""Graph stores: the contract, its backends, and :func:`open_store` choosing one by URL.

>>> store = open_store("sqlite:///:memory:")
>>> store.count_nodes()
{}
"""

from __future__ import annotations

from urllib.parse import urlsplit

from partnergraph.config import Settings, load_settings
from partnergraph.errors import ConfigError, StoreError
from partnergraph.graph.base import Change, GraphStore, Writer, WriteSummary
from partnergraph.i18n import Msg

__all__ = ["Change", "GraphStore", "WriteSummary", "Writer", "open_store"]

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def open_store(url: str | None = None, settings: Settings | None = None) -> GraphStore:
    """Open the store at ``url`` (default: the configured one), creating an embedded one if new."""
    settings = settings or load_settings()
    url = url or settings.store
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        from partnergraph.graph.sqlite import SqliteStore

        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            raise ConfigError(Msg("config.bad_url", url=url), hint=Msg("config.bad_url.hint"))
        return SqliteStore(path, url=url, busy_timeout=settings.busy_timeout)
    if scheme in NEO4J_SCHEMES:
        try:
            from partnergraph.graph.neo4j import Neo4jStore
        except ImportError as exc:  # the driver is a dependency, but a broken install should say so
            raise StoreError(
                Msg("store.driver_missing", url=url, package="neo4j"),
                hint=Msg("store.driver_missing.hint", package="neo4j"),
            ) from exc
        return Neo4jStore(
            url, user=settings.neo4j_user, password=settings.neo4j_password, database=settings.neo4j_database
        )
    raise ConfigError(Msg("config.bad_url", url=url), hint=Msg("config.bad_url.hint"))
