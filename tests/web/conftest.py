"""Fixtures for the web application, after the Flask tutorial: ``app``, ``client``, ``runner``.

The ``app`` runs on an embedded store holding the example network plus two organisations the
tests look for: "Spółdzielnia Socjalna „Łącka”" (diacritics-insensitive search) and one named
``<script>alert(1)</script>`` (escaping). Three accounts exist: anna (admin), ewa (editor),
wiktor (viewer), each with the password :data:`PASSWORD`. The store and the accounts are built
once per session and copied for each test.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.records import Node, Tie
from partnergraph.web import create_app
from partnergraph.web.users import USERS_FILE, UserStore
from tests.conftest import load_example

PASSWORD = "hasło-testowe-1"
XSS = "<script>alert(1)</script>"
LACKA = "Spółdzielnia Socjalna „Łącka”"
ACCOUNTS = {"anna": "admin", "ewa": "editor", "wiktor": "viewer"}


def add_test_organisations(store: GraphStore) -> GraphStore:
    """The two organisations the web tests look for, tied into Kwilcz's network."""
    nodes = [
        Node("org:lacka", "Organisation", {"name": LACKA, "kind": "social_cooperative"}),
        Node("org:xss", "Organisation", {"name": XSS, "kind": "ngo", "description": XSS}),
    ]
    ties = [
        Tie("LOCATED_IN", "org:lacka", "teryt:3014022"),
        Tie("LOCATED_IN", "org:xss", "teryt:3014022"),
        Tie("COOPERATES_WITH", "org:xss", "org:ces-kwilcz", {"evidence": XSS}),
        Tie("COOPERATES_WITH", "org:lacka", "org:ces-kwilcz"),
    ]
    store.upsert(nodes, ties, source="test", user="test")
    return store


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with graph.db (example network + test organisations) and instance/users.db."""
    folder = tmp_path_factory.mktemp("web-template")
    with SqliteStore(folder / "graph.db") as store:
        add_test_organisations(load_example(store))
    users = UserStore(folder / "instance" / USERS_FILE)
    for name, role in ACCOUNTS.items():
        users.add(name, PASSWORD, role)
    return folder


@pytest.fixture
def make_app(template: Path, tmp_path: Path) -> Callable[..., Flask]:
    """Build an app over a fresh copy of the template, with config overrides."""

    def make(**config: Any) -> Flask:
        folder = tmp_path / "site"
        if not folder.exists():
            shutil.copytree(template, folder)
        settings = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "STORE": f"sqlite:///{folder / 'graph.db'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "WTF_CSRF_ENABLED": False,
            **config,
        }
        return create_app(settings)

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The app, CSRF checks off (one test turns them on), not public."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def login(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    """Log ``name`` in through the form."""
    return client.post("/login", data={"name": name, "password": password})


@pytest.fixture
def admin(client: FlaskClient) -> FlaskClient:
    login(client, "anna")
    return client


@pytest.fixture
def editor(client: FlaskClient) -> FlaskClient:
    login(client, "ewa")
    return client


@pytest.fixture
def viewer(client: FlaskClient) -> FlaskClient:
    login(client, "wiktor")
    return client


@pytest.fixture
def backend_app(example_store: GraphStore, tmp_path: Path) -> Callable[..., Flask]:
    """Make an app over the backend's example store (SQLite, Neo4j; plus the test organisations) with the three accounts."""
    add_test_organisations(example_store)
    users = UserStore(tmp_path / USERS_FILE)
    for name, role in ACCOUNTS.items():
        users.add(name, PASSWORD, role)

    def make(**config: Any) -> Flask:
        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "WTF_CSRF_ENABLED": False,
                "INSTANCE_PATH": str(tmp_path),
                "STORE_FACTORY": lambda: example_store,
                **config,
            }
        )

    return make


@pytest.fixture
def backend_editor(backend_app: Callable[..., Flask]) -> FlaskClient:
    """An editor's client (ewa) on the backend's example store."""
    client = backend_app().test_client()
    login(client, "ewa")
    return client
