"""Neo4j-only behaviour: clear errors, no driver exceptions, serialised writers, storage checks.

The answers themselves are checked against the embedded store in test_neo4j_consistency.py,
and a server killed in the middle of a write in test_neo4j_faults.py.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner
from neo4j import exceptions as nx

from partnergraph.cli import main
from partnergraph.config import load_settings
from partnergraph.errors import ConfigError, StoreError, StoreUnavailableError
from partnergraph.graph import open_store
from partnergraph.graph.neo4j import Neo4jStore, too_old
from partnergraph.i18n import use_language
from partnergraph.records import Node, Tie
from tests.neo4j_support import neo4j_store, server_tool, suite_server


@pytest.fixture
def neo(request: pytest.FixtureRequest) -> Iterator[Neo4jStore]:
    with neo4j_store(request) as store:
        assert isinstance(store, Neo4jStore)
        yield store


@pytest.fixture
def server(request: pytest.FixtureRequest) -> dict[str, Any]:
    return suite_server(request)[0]


def org(key: str, name: str, kind: str = "ngo") -> Node:
    return Node(key, "Organisation", {"name": name, "kind": kind})


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.neo4j
def test_wrong_password_is_one_clear_line(server: dict[str, Any]) -> None:
    url = server["url"]
    with pytest.raises(StoreUnavailableError) as caught:
        Neo4jStore(url, user="neo4j", password="not-the-password", database=server["database"])
    assert str(caught.value) == (
        f"magazyn {url} odrzucił logowanie użytkownika 'neo4j' "
        "(sprawdź PARTNERGRAPH_NEO4J_USER i PARTNERGRAPH_NEO4J_PASSWORD)"
    )
    with use_language("en"):
        assert str(caught.value) == (
            f"store {url} rejected the login of user 'neo4j' "
            "(check PARTNERGRAPH_NEO4J_USER and PARTNERGRAPH_NEO4J_PASSWORD)"
        )


@pytest.mark.neo4j
@pytest.mark.parametrize("password", ["zle", None])
def test_the_command_line_says_it_in_one_line(
    server: dict[str, Any], monkeypatch: pytest.MonkeyPatch, password: str | None
) -> None:
    url = server["url"] if password else f"bolt://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("PARTNERGRAPH_STORE", url)
    monkeypatch.setenv("PARTNERGRAPH_NEO4J_PASSWORD", password or "x")
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    result = CliRunner().invoke(main, ["init"], catch_exceptions=False)
    assert result.exit_code == 1
    expected = (
        f"Błąd: magazyn {url} odrzucił logowanie użytkownika 'neo4j' (sprawdź PARTNERGRAPH_NEO4J_USER i "
        "PARTNERGRAPH_NEO4J_PASSWORD)"
        if password
        else f"Błąd: magazyn {url} jest niedostępny: Connection refused "
        "(sprawdź, czy serwer działa i czy adres oraz port są poprawne)"
    )
    assert result.output.splitlines() == [expected]


@pytest.mark.neo4j
def test_the_demo_runs_on_neo4j(server: dict[str, Any], neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERGRAPH_STORE", server["url"])
    monkeypatch.setenv("PARTNERGRAPH_NEO4J_PASSWORD", server["password"])
    result = CliRunner().invoke(main, ["demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert set(neo.count_nodes()) == set(neo.schema.node_types) and neo.version() == 1


@pytest.mark.parametrize(
    ("agent", "old"),
    [
        ("Neo4j/5.20.0", True),
        ("Neo4j/4.4.30", True),
        ("Neo4j/5.26.0", False),
        ("Neo4j/5.27-aura", False),
        ("Neo4j/2025.01.0", False),
        ("Memgraph/2.1", False),
    ],
)
def test_server_versions_before_5_26_are_told_apart(agent: str, old: bool) -> None:
    assert too_old(agent) is old


@pytest.mark.neo4j
def test_a_server_older_than_5_26_is_refused_with_what_to_do(
    server: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(neo4j.ServerInfo, "agent", property(lambda _: "Neo4j/5.20.0"))
    with pytest.raises(StoreError) as caught:
        Neo4jStore(server["url"], user=server["user"], password=server["password"], database=server["database"])
    assert str(caught.value) == (
        f"magazyn {server['url']} to Neo4j/5.20.0, a partnergraph potrzebuje Neo4j 5.26 lub nowszego "
        "(zaktualizuj serwer, np. do obrazu Docker neo4j:5.26, albo użyj magazynu wbudowanego)"
    )


@pytest.mark.neo4j
def test_wrong_password_through_the_settings(server: dict[str, Any]) -> None:
    settings = load_settings({"PARTNERGRAPH_STORE": server["url"], "PARTNERGRAPH_NEO4J_PASSWORD": "zle"})
    with pytest.raises(StoreUnavailableError, match="odrzucił logowanie użytkownika 'neo4j'"):
        open_store(settings=settings)


def test_unreachable_server_fails_fast_with_one_line() -> None:
    url = f"bolt://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as caught:
        Neo4jStore(url, user="neo4j", password="x", database="neo4j")
    assert time.monotonic() - started < 5
    assert str(caught.value) == (
        f"magazyn {url} jest niedostępny: Connection refused "
        "(sprawdź, czy serwer działa i czy adres oraz port są poprawne)"
    )
    assert isinstance(caught.value.__cause__, nx.ServiceUnavailable)


def test_a_malformed_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="nieznany adres magazynu"):
        Neo4jStore("bolt://127.0.0.1:notaport", user="neo4j", password="x", database="neo4j")


DRIVER_ERRORS = [
    nx.ServiceUnavailable("gone"),
    nx.SessionExpired("expired"),
    nx.TransientError("deadlock"),
    nx.ClientError("bad query"),
    nx.DatabaseError("disk"),
    nx.TransactionError(None, "closed"),
    nx.IncompleteCommit("lost during commit"),
    nx.Neo4jError._hydrate_neo4j(code="Neo.TransientError.General.MemoryPoolOutOfMemoryError", message="2.1 GiB"),
]
READS: list[Callable[[Neo4jStore], object]] = [
    lambda s: s.get_node("org:a"),
    lambda s: s.get_tie("x"),
    lambda s: s.find_nodes(text="a"),
    lambda s: s.neighbours("org:a"),
    lambda s: list(s.iter_nodes()),
    lambda s: list(s.iter_ties()),
    lambda s: s.count_nodes(),
    lambda s: s.count_ties(),
    lambda s: s.version(),
    lambda s: s.changes(),
    lambda s: s.check(),
]


def _raiser(error: Exception) -> Callable[..., Any]:
    def raise_it(*args: object, **kwargs: object) -> Any:
        raise error

    return raise_it


@pytest.mark.neo4j
@pytest.mark.parametrize("error", DRIVER_ERRORS, ids=lambda e: type(e).__name__)
def test_driver_exceptions_never_leak(neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    monkeypatch.setattr(neo.driver, "execute_query", _raiser(error))
    for read in READS:
        with pytest.raises(StoreError) as caught:
            read(neo)
        assert caught.value.__cause__ is error and "\n" not in str(caught.value) and neo.url in str(caught.value)
    monkeypatch.setattr(neo4j.Transaction, "run", _raiser(error))
    with pytest.raises(StoreError) as caught:
        neo.upsert([org("org:a", "A")], source="test")
    assert caught.value.__cause__ is error and "\n" not in str(caught.value) and neo.url in str(caught.value)


@pytest.mark.neo4j
def test_a_write_too_large_for_the_server_says_what_to_do(neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    error = nx.Neo4jError._hydrate_neo4j(
        code="Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        message="The allocation of an extra 2.0 MiB would use more than the limit 2.1 GiB.",
    )
    monkeypatch.setattr(neo4j.Transaction, "run", _raiser(error))
    with pytest.raises(StoreError) as caught:
        neo.upsert([org("org:a", "A")], source="test")
    assert str(caught.value) == (
        f"zapis nie mieści się w pamięci transakcji serwera {neo.url} (The allocation of an extra 2.0 MiB "
        "would use more than the limit 2.1 GiB.) (podziel import na części albo zwiększ na serwerze "
        "pamięć JVM i dbms.memory.transaction.total.max)"
    )


@pytest.mark.neo4j
def test_a_lost_connection_during_a_write_says_nothing_was_stored(
    neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    neo.upsert([org("org:a", "A")], source="first")
    calls = 0
    original = neo4j.Transaction.run

    def flaky(self: neo4j.Transaction, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise nx.ServiceUnavailable("Failed to read from defunct connection")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(neo4j.Transaction, "run", flaky)
    with pytest.raises(
        StoreUnavailableError, match=r"zerwało się w trakcie zapisu .* nic z tego zapisu nie zostało zapisane"
    ):
        neo.upsert([org("org:b", "B")], [Tie("SUPPORTS", "org:a", "org:b")], source="second")
    monkeypatch.undo()
    assert neo.get_node("org:b") is None and neo.version() == 1


@pytest.mark.neo4j
def test_a_write_larger_than_the_node_cache(neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("partnergraph.graph.neo4j_write.CACHE", 7)
    nodes = [org(f"org:o{i:02d}", f"Organizacja {i}") for i in range(40)]
    ties = [
        Tie("COOPERATES_WITH", f"org:o{i:02d}", f"org:o{j:02d}") for i in range(40) for j in (i + 1, i + 7) if j < 40
    ]
    neo.upsert(nodes, source="nodes")
    summary = neo.upsert(
        [org(n.key, f"{n.props['name']} bis") for n in nodes[:5]], ties, source="some nodes again, then ties"
    )
    assert (summary.get("node", "updated"), summary.get("tie", "created")) == (5, len(ties))
    assert neo.upsert(nodes, ties, source="again").get("tie", "unchanged") == len(ties)


@pytest.mark.neo4j
def test_concurrent_writers_are_serialised(neo: Neo4jStore, server: dict[str, Any]) -> None:
    other = Neo4jStore(server["url"], user=server["user"], password=server["password"], database=server["database"])
    inside, versions = threading.Event(), {}

    def second() -> None:
        inside.wait(10)
        versions["second"] = other.upsert([org("org:b", "B")], source="second").version

    thread = threading.Thread(target=second)
    thread.start()
    with neo.write(source="first") as writer:
        writer.upsert_nodes([org("org:a", "A")])
        inside.set()
        time.sleep(0.5)  # the second writer now waits for the store's version lock
        assert "second" not in versions
    thread.join(30)
    other.close()
    assert (writer.summary.version, versions["second"]) == (1, 2)
    assert neo.version() == 2 and [c.source for c in neo.changes()] == ["second", "first"]


@pytest.mark.neo4j
def test_check_reports_what_is_wrong_in_the_graph(neo: Neo4jStore, server: dict[str, Any]) -> None:
    neo.upsert([org("org:a", "A"), org("org:b", "B")], [Tie("SUPPORTS", "org:a", "org:b")], source="seed")
    assert neo.check() == []
    for query in (
        "MATCH ()-[t:SUPPORTS]->() REMOVE t.id",
        "CREATE (:PGNode:Organisation {name: 'bez klucza'})",
        "DROP INDEX pg_changes_keys",
    ):
        neo.driver.execute_query(query, database_=neo.database)
    problems = [str(p) for p in neo.check()]
    assert "neo4j: indeks lub ograniczenie pg_changes_keys: brak" in problems
    assert "neo4j: 1 powiązanie nie ma identyfikatora" in problems
    assert "neo4j: 1 węzeł z etykietą PGNode nie ma klucza" in problems
    with use_language("en"):
        assert "neo4j: 1 tie has no id" in [str(p) for p in neo.check()]
    with Neo4jStore(
        server["url"], user=server["user"], password=server["password"], database=server["database"]
    ) as reopened:
        assert "neo4j: indeks lub ograniczenie pg_changes_keys: brak" not in [str(p) for p in reopened.check()]


def test_the_servers_heap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    tool = server_tool()
    monkeypatch.delenv("PARTNERGRAPH_NEO4J_HEAP", raising=False)
    assert tool.heap_options() == ["-Xms3g", "-Xmx3g"]
    monkeypatch.setenv("PARTNERGRAPH_NEO4J_HEAP", "6g")
    assert tool.heap_options() == ["-Xms6g", "-Xmx6g"]
    monkeypatch.setenv("PARTNERGRAPH_NEO4J_HEAP", "6 GB")
    with pytest.raises(tool.Neo4jServerError) as caught:
        tool.heap_options()
    assert str(caught.value) == "PARTNERGRAPH_NEO4J_HEAP='6 GB' is not a heap size; give e.g. 3g or 512m"
