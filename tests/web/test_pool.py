"""``STORE_POOL="thread"``: one store per server thread, reused, and its caches follow the store's writes."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask

from partnergraph.errors import ConfigError
from partnergraph.graph import open_store
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.records import Node
from partnergraph.web.store import close_pool
from tests.web.conftest import login
from tests.web.test_pages import text_of


def _opened(monkeypatch: pytest.MonkeyPatch) -> list[SqliteStore]:
    opened: list[SqliteStore] = []
    original = SqliteStore.__init__

    def init(self: SqliteStore, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        opened.append(self)

    monkeypatch.setattr(SqliteStore, "__init__", init)
    return opened


def test_one_store_per_thread_reused_across_requests(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(STORE_POOL="thread", PUBLIC=True)
    opened = _opened(monkeypatch)
    client = app.test_client()
    for url in ("/", "/organisations", "/organisations/org:ces-kwilcz", "/analyses/metrics"):
        assert client.get(url).status_code == 200
    assert len(opened) == 1
    statuses: list[int] = []

    def visit() -> None:
        statuses.append(app.test_client().get("/").status_code)
        close_pool(app)  # the thread closes its own store

    other = threading.Thread(target=visit)
    other.start()
    other.join()
    assert (
        statuses == [200] and len(opened) == 2
    )  # another thread, its own store (a SQLite connection belongs to its thread)
    assert opened[0].count_nodes()["Organisation"] == 30  # this thread's store is still open
    close_pool(app)
    with pytest.raises(Exception, match="closed"):
        opened[0].count_nodes()


def test_cached_pages_follow_writes_made_elsewhere(make_app: Callable[..., Flask]) -> None:
    app = make_app(STORE_POOL="thread")
    client = app.test_client()
    login(client, "wiktor")
    assert "Organizacja 30" in text_of(client.get("/").get_data(as_text=True))
    first = client.get("/analyses/metrics?top=0&run=1").get_data(as_text=True)
    assert "Nowa Spółdzielnia" not in first
    with open_store(app.config["STORE"]) as store:  # another process, e.g. an import from the CLI
        store.upsert(
            [Node("org:nowa", "Organisation", {"name": "Nowa Spółdzielnia", "kind": "social_cooperative"})],
            source="test",
        )
    assert "Organizacja 31" in text_of(client.get("/").get_data(as_text=True))
    assert "Nowa Spółdzielnia" in client.get("/analyses/metrics?top=0&run=1").get_data(as_text=True)
    close_pool(app)


def test_cached_results_keep_the_languages_apart(make_app: Callable[..., Flask]) -> None:
    client = make_app(STORE_POOL="thread", PUBLIC=True).test_client()
    assert "Węzły według typu" in client.get("/").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Organisation" in english and "Organizacja" not in english
    assert "Showing 2 of 30" in client.get("/analyses/metrics?top=2&run=1").get_data(as_text=True)
    assert "Pokazano 2 z 30" in client.get("/analyses/metrics?top=2&run=1&lang=pl").get_data(as_text=True)


def test_unknown_pool_mode_is_refused(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(ConfigError, match="STORE_POOL"):
        make_app(STORE_POOL="process")
