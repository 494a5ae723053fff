"""The graph store of each request, on :data:`flask.g`.

Two ways to get it, chosen by the ``STORE_POOL`` setting:

* ``"request"`` (the default of :func:`~partnergraph.web.create_app`): the store at ``STORE`` is
  opened on first use in a request and closed on teardown;
* ``"thread"`` (what ``partnergraph serve`` uses): each server thread keeps one store open and
  reuses it. A SQLite connection belongs to the thread that opened it, hence one store per
  thread rather than one per process.

Either way the stores the app opens share one read cache per store URL
(:class:`~partnergraph.graph.projection.ReadCache`): network projections, place and matching
indexes, and the web's own per-version values below are built once — by one thread, while the
others wait — and reused by every thread and request until the store's write version changes
(a write through any store, or from another process). One cache rather than one per thread: at
100,000 organisations eight threads each building their own took 14 minutes and 10 GB.

A ``STORE_FACTORY`` callable in the config replaces both (tests hand in a store they own); a
store from a factory is never closed by the app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g

from partnergraph.errors import ConfigError
from partnergraph.graph import open_store
from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import ReadCache, read_cache, share_read_cache
from partnergraph.i18n import Msg, current_language
from partnergraph.queries.places import cached_per_version
from partnergraph.web import messages  # noqa: F401  (registers the web.* texts)

__all__ = [
    "POOL_MODES",
    "RESULTS_KEPT",
    "StorePool",
    "cached",
    "cached_result",
    "close_pool",
    "get_store",
    "init_app",
    "shared_cache",
]

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
            g.store, g.store_owned = _open(current_app), True
    store: GraphStore = g.store
    return store


def shared_cache(app: Flask, url: str) -> ReadCache | None:
    """The read cache the app's stores at ``url`` share (None for an in-memory store: each is its own)."""
    if url.endswith(":memory:") or "mode=memory" in url:
        return None
    caches: dict[str, ReadCache] = app.extensions["partnergraph.read_caches"]
    with _CACHES_LOCK:
        cache = caches.get(url)
        if cache is None:
            cache = caches[url] = ReadCache()
    return cache


_CACHES_LOCK = threading.Lock()


def _open(app: Flask) -> GraphStore:
    """A new store at the app's URL, joined to the read cache of that URL."""
    url = app.config["STORE"]
    store = open_store(url, app.config["SETTINGS"])
    cache = shared_cache(app, store.url)
    if cache is not None:
        share_read_cache(store, cache)
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
    store = get_store()
    full = (*key, current_language())
    return read_cache(store).get(store, "web.results", full, lambda: build(store), size=RESULTS_KEPT)


def _close(_exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None and g.pop("store_owned", True):
        store.close()


def init_app(app: Flask) -> None:
    """Close (or hand back) the request's store on teardown; set up the pool if asked for."""
    mode = app.config.get("STORE_POOL", "request")
    if mode not in POOL_MODES:
        raise ConfigError(Msg("web.bad_pool", value=mode, allowed=", ".join(POOL_MODES)), where="STORE_POOL")
    app.extensions["partnergraph.read_caches"] = {}
    if mode == "thread":
        app.extensions["partnergraph.pool"] = StorePool(lambda: _open(app))
    app.teardown_appcontext(_close)


def close_pool(app: Flask) -> None:
    """Close the calling thread's pooled store (see :meth:`StorePool.close`)."""
    pool: Any = app.extensions.get("partnergraph.pool")
    if pool is not None:
        pool.close()
