"""The web's read caches: one per store URL for every thread, keyed on the write version, bounded.

Pages built from cached values (the dashboard, the organisation list and its filters, the
municipalities' choices) must show a write at once, whether it came through the app or through
another store (another thread, the CLI, an import).
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from partnergraph.graph import open_store
from partnergraph.graph.projection import ReadCache, project, read_cache
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.queries.places import no_cyclic_gc
from partnergraph.records import Node, Tie
from partnergraph.web.lists import link_maker, mark
from partnergraph.web.store import close_pool, get_store, shared_cache
from tests.web.conftest import login
from tests.web.test_pages import text_of

NEW_PLACE = Node(
    "teryt:3014042", "Municipality", {"name": "Gmina Nowa", "teryt": "3014042", "municipality_type": "rural"}
)
NEW_ORG = Node(
    "org:nowa-spoldzielnia", "Organisation", {"name": "Spółdzielnia Socjalna „Nowa”", "kind": "social_cooperative"}
)


def _write_elsewhere(app: Flask) -> None:
    """A new gmina and an organisation in it, written through a store of its own (as the CLI would)."""
    with open_store(app.config["STORE"]) as store:
        store.upsert([NEW_PLACE, NEW_ORG], [Tie("LOCATED_IN", NEW_ORG.key, NEW_PLACE.key)], source="test")


def _pages(client: FlaskClient) -> dict[str, str]:
    return {
        "dashboard": client.get("/").get_data(as_text=True),
        "list": client.get("/organisations").get_data(as_text=True),
        "search": client.get("/organisations?q=nowa").get_data(as_text=True),
        "place": client.get(f"/organisations?municipality={NEW_PLACE.key}").get_data(as_text=True),
        "municipalities": client.get("/municipalities").get_data(as_text=True),
    }


@pytest.mark.parametrize("pool", ["thread", "request"])
def test_cached_pages_show_a_write_made_elsewhere(make_app: Callable[..., Flask], pool: str) -> None:
    app = make_app(STORE_POOL=pool)
    client = app.test_client()
    login(client, "wiktor")
    client.get("/")  # shows (and so drops) the flashed "signed in"
    before = _pages(client)
    assert "Gmina Nowa" not in before["dashboard"] and "Gmina Nowa" not in before["list"]
    assert "Nowa”" not in before["search"] and "Gmina Nowa" not in before["municipalities"]
    assert {k: text_of(v) for k, v in _pages(client).items()} == {k: text_of(v) for k, v in before.items()}
    _write_elsewhere(app)
    after = _pages(client)
    assert "Gmina Nowa (3014042) 1" in text_of(after["dashboard"])
    assert f'href="/organisations?municipality={NEW_PLACE.key}"' in after["dashboard"]
    assert f'<option value="{NEW_PLACE.key}">Gmina Nowa</option>' in after["list"]
    assert "Spółdzielnia Socjalna „Nowa”" in text_of(after["search"])
    assert f'<option value="{NEW_PLACE.key}" selected>Gmina Nowa</option>' in after["place"]
    assert "Spółdzielnia Socjalna „Nowa”" in text_of(after["place"])
    assert re.search(f'value="{NEW_PLACE.key}"( checked)?> Gmina Nowa</label>', after["municipalities"])
    close_pool(app)


def test_an_edit_in_the_app_shows_on_the_cached_pages(make_app: Callable[..., Flask]) -> None:
    app = make_app(STORE_POOL="thread")
    client = app.test_client()
    login(client, "ewa")
    assert "Centrum Ekonomii Społecznej w Kwilczu" in client.get("/organisations?q=centrum").get_data(as_text=True)
    assert "Kwilcz (3014022) 10" in text_of(client.get("/").get_data(as_text=True))
    response = client.post("/organisations/new", data={"name": "Fundacja Cache", "kind": "ngo"})
    assert response.status_code == 302
    key = response.headers["Location"].rsplit("/", 1)[1]
    edited = client.post(
        "/organisations/org:ces-kwilcz/edit", data={"name": "CES w Kwilczu", "kind": "ces", "city": "Kwilcz"}
    )
    assert edited.status_code == 302
    found = text_of(client.get("/organisations?q=centrum").get_data(as_text=True))
    assert "Centrum Ekonomii Społecznej w Kwilczu" not in found
    assert "Fundacja Cache" in text_of(client.get("/organisations?q=fundacja").get_data(as_text=True))
    assert "CES w Kwilczu" in text_of(client.get("/organisations?q=ces").get_data(as_text=True))
    assert "Organizacja 31" in text_of(client.get("/").get_data(as_text=True)), key
    close_pool(app)


def test_the_threads_of_a_pool_share_one_read_cache(make_app: Callable[..., Flask]) -> None:
    app = make_app(STORE_POOL="thread", PUBLIC=True)
    seen: list[tuple[SqliteStore, ReadCache, object]] = []

    def visit() -> None:
        with app.test_request_context("/"):
            store = get_store()
            seen.append((store, read_cache(store), project(store)))  # type: ignore[arg-type]
        close_pool(app)

    threads = [threading.Thread(target=visit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stores, caches, graphs = zip(*seen, strict=True)
    assert len({id(s) for s in stores}) == 3  # a store (a SQLite connection) per thread …
    assert len({id(c) for c in caches}) == 1  # … one cache for them all …
    assert all(g is graphs[0] for g in graphs)  # … so the projection was built once
    assert caches[0] is shared_cache(app, app.config["STORE"])


def test_in_memory_stores_are_not_shared(make_app: Callable[..., Flask]) -> None:
    assert shared_cache(make_app(), "sqlite:///:memory:") is None


def _store(version: int) -> SqliteStore:
    store = SqliteStore(":memory:")
    store.version = lambda: version  # type: ignore[method-assign]
    return store


def test_a_newer_write_version_drops_the_older_values() -> None:
    cache, old, new = ReadCache(), _store(1), _store(2)
    assert cache.get(old, "s", "a", lambda: "a1", size=4) == "a1"
    assert cache.get(old, "t", "b", lambda: "b1", size=4) == "b1"
    assert cache.get(old, "s", "a", lambda: "again", size=4) == "a1"
    assert cache.get(new, "s", "a", lambda: "a2", size=4) == "a2"
    assert len(cache) == 1 and cache.version == 2  # b1 went with version 1
    assert cache.get(old, "s", "a", lambda: "late", size=4) == "late"  # an older view: built, used, not kept
    assert cache.get(new, "s", "a", lambda: "again", size=4) == "a2"


def test_each_section_keeps_its_most_recently_used_values() -> None:
    cache, store = ReadCache(), _store(1)
    for key in ("a", "b", "c"):
        cache.get(store, "s", key, lambda key=key: key.upper(), size=2)  # type: ignore[misc]
    assert cache.get(store, "s", "c", lambda: "new", size=2) == "C"
    assert cache.get(store, "s", "a", lambda: "new", size=2) == "new"  # "a" was pushed out by "c"
    assert len(cache) == 2


def test_one_thread_builds_while_the_others_wait() -> None:
    cache, store = ReadCache(), _store(1)
    release, builds, results = threading.Event(), [], []

    def build() -> str:
        builds.append(1)
        release.wait()
        return "value"

    def ask() -> None:
        results.append(cache.get(store, "s", "k", build, size=4))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    while not (cache._flights.get(("s", "k")) and cache._flights[("s", "k")].waiting == 4):
        threading.Event().wait(0.001)  # until all four are in (one building, three waiting)
    release.set()
    for thread in threads:
        thread.join()
    assert builds == [1] and results == ["value"] * 4 and not cache._flights


def test_a_failed_build_is_not_kept_and_the_next_one_builds() -> None:
    cache, store = ReadCache(), _store(1)

    def fail() -> str:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get(store, "s", "k", fail, size=4)
    assert cache.get(store, "s", "k", lambda: "ok", size=4) == "ok" and not cache._flights


@pytest.mark.parametrize("value", ["teryt:3014022", "org:a b&c=d", "Łącka/ą?#%", "x+y", "!$'()*,;@"])
def test_links_of_the_link_maker_are_those_of_url_for(app: Flask, value: str) -> None:
    with app.test_request_context("/", base_url="http://example.org/prefix"):
        link = link_maker("organisations.index", "municipality", page=2)
        assert link(value) == url_for("organisations.index", page=2, municipality=value)


def test_mark_chooses_exactly_the_given_values() -> None:
    from markupsafe import Markup

    html = Markup('<option value="a">A</option><option value="ab">AB</option><option value="&lt;x&gt;">X</option>')
    assert mark(html, '<option value="', ["ab", "<x>", ""], "selected") == Markup(
        '<option value="a">A</option><option value="ab" selected>AB</option>'
        '<option value="&lt;x&gt;" selected>X</option>'
    )


def test_overlapping_garbage_collector_pauses_end_with_the_last() -> None:
    assert gc.isenabled()
    first, second = no_cyclic_gc(), no_cyclic_gc()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()
