"""The graph store of each request, on :data:`flask.g`.

Two ways to get it, chosen by the ``STORE_POOL`` setting:

* ``"request"`` (the default of :func:`~partnergraph.web.create_app`): the store at ``STORE`` is
  opened on first use in a request and closed on teardown;
* ``"thread"`` (what ``partnergraph serve`` uses): each server thread keeps one store open and
  reuses it. The store-level caches (network projections, place and matching indexes, and the
  web's own per-version caches below) then survive between requests — at 10,000 organisations
  that turns a 3-second dashboard into a sub-second one (see docs/web.md). A SQLite connection
  belongs to the thread that opened it, hence one store per thread rather than one per process.

A ``STORE_FACTORY`` callable in the config replaces both (tests hand in a store they own); a
store from a factory is never closed by the app.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g

from partnergraph.errors import ConfigError
from partnergraph.graph import open_store
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, current_language
from partnergraph.queries.places import cached_per_version
from partnergraph.web import messages  # noqa: F401  (registers the web.* texts)

__all__ = ["POOL_MODES", "RESULTS_KEPT", "StorePool", "cached", "cached_result", "close_pool", "get_store", "init_app"]

POOL_MODES = ("request", "thread")
T = TypeVar("T")


class StorePool:
    """One open store per thread.

    :meth:`close` closes the calling thread's store; the other threads' stores are released
    with their threads (a SQLite connection may only be closed by the thread that opened it) —
    for a server, when the process ends.
    """

    def __init__(self, opener: Callable[[], GraphStore]) -> None:
        self._opener = opener
        self._local = threading.local()

    def get(self) -> GraphStore:
        """This thread's store, opened on first use."""
        store: GraphStore | None = getattr(self._local, "store", None)
        if store is None:
            store = self._opener()
            self._local.store = store
        return store

    def close(self) -> None:
        """Close this thread's store (the next :meth:`get` opens a new one)."""
        store: GraphStore | None = getattr(self._local, "store", None)
        if store is not None:
            del self._local.store
            store.close()


def get_store() -> GraphStore:
    """The request's store, opened (or taken from the thread's pool) on first use."""
    if "store" not in g:
        factory = current_app.config.get("STORE_FACTORY")
        pool: StorePool | None = current_app.extensions.get("partnergraph.pool")
        if factory is not None:
            g.store, g.store_owned = factory(), False
        elif pool is not None:
            g.store, g.store_owned = pool.get(), False
        else:
            g.store, g.store_owned = open_store(current_app.config["STORE"], current_app.config["SETTINGS"]), True
    store: GraphStore = g.store
    return store


def cached(name: str, build: Callable[[GraphStore], T], *, by_language: bool = False) -> T:
    """``build(store)`` for the request's store, kept until its write version changes.

    ``by_language``: the value holds rendered text, so Polish and English are kept apart.
    """
    key = f"web.{name}.{current_language()}" if by_language else f"web.{name}"
    return cached_per_version(get_store(), key, build)


RESULTS_KEPT = 32
"""Analysis results kept per store and write version (least recently used dropped)."""


def cached_result(key: tuple[Any, ...], build: Callable[[GraphStore], T]) -> T:
    """``build(store)`` kept under ``key`` (with the language) until the write version changes."""
    results: OrderedDict[tuple[Any, ...], Any] = cached_per_version(
        get_store(), "web.results", lambda _s: OrderedDict()
    )
    full = (*key, current_language())
    if full in results:
        results.move_to_end(full)
        value: T = results[full]
        return value
    value = build(get_store())
    results[full] = value
    while len(results) > RESULTS_KEPT:
        results.popitem(last=False)
    return value


def _close(_exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None and g.pop("store_owned", True):
        store.close()


def init_app(app: Flask) -> None:
    """Close (or hand back) the request's store on teardown; set up the pool if asked for."""
    mode = app.config.get("STORE_POOL", "request")
    if mode not in POOL_MODES:
        raise ConfigError(Msg("web.bad_pool", value=mode, allowed=", ".join(POOL_MODES)), where="STORE_POOL")
    if mode == "thread":
        app.extensions["partnergraph.pool"] = StorePool(_bound_opener(app))
    app.teardown_appcontext(_close)


def _bound_opener(app: Flask) -> Callable[[], GraphStore]:
    def opener() -> GraphStore:
        return open_store(app.config["STORE"], app.config["SETTINGS"])

    return opener


def close_pool(app: Flask) -> None:
    """Close the calling thread's pooled store (see :meth:`StorePool.close`)."""
    pool: Any = app.extensions.get("partnergraph.pool")
    if pool is not None:
        pool.close()
