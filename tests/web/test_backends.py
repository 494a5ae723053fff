"""The main pages on every backend: the app is handed the ``example_store`` fixture's store (SQLite, Neo4j)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from partnergraph.graph.base import GraphStore
from partnergraph.web import create_app
from partnergraph.web.users import USERS_FILE, UserStore
from tests.web.conftest import LACKA, PASSWORD, XSS, add_test_organisations, login


@pytest.fixture
def site(example_store: GraphStore, tmp_path: Path) -> FlaskClient:
    add_test_organisations(example_store)
    UserStore(tmp_path / USERS_FILE).add("ewa", PASSWORD, "editor")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "INSTANCE_PATH": str(tmp_path),
            "STORE_FACTORY": lambda: example_store,
        }
    )
    client = app.test_client()
    login(client, "ewa")
    return client


def test_dashboard(site: FlaskClient) -> None:
    page = site.get("/").get_data(as_text=True)
    assert "Kwilcz (3014022)" in page and "Lokalne partnerstwo ekonomii społecznej – Kwilcz" in page


def test_search_with_and_without_diacritics(site: FlaskClient) -> None:
    for query in ("lacka", "Łącka"):
        assert LACKA in site.get("/organisations", query_string={"q": query}).get_data(as_text=True)
    filtered = site.get("/organisations?municipality=teryt:0806023&kind=social_cooperative").get_data(as_text=True)
    assert "Noteckie Usługi" in filtered and "Tartak" not in filtered


def test_organisation_page(site: FlaskClient) -> None:
    page = site.get("/organisations/org:ss-kwilecka-kuchnia").get_data(as_text=True)
    assert "Koło Gospodyń Wiejskich w Kwilczu" in page and "Hotel nad Wartą" in page
    assert XSS not in site.get("/organisations/org:xss").get_data(as_text=True)


def test_analysis_table_csv_and_map(site: FlaskClient) -> None:
    assert "Spółdzielnia Socjalna „Noteckie Usługi”" in site.get("/analyses/metrics?top=5&run=1").get_data(as_text=True)
    assert site.get("/analyses/metrics.csv?top=5&run=1").get_data(as_text=True).count("\n") == 6
    assert "vis.Network" in site.get("/map/frame").get_data(as_text=True)


def test_change_log_and_revert(site: FlaskClient, example_store: GraphStore) -> None:
    version = example_store.version()
    assert f'href="/changes/{version}/revert"' in site.get("/changes/").get_data(as_text=True)
    done = site.post(f"/changes/{version}/revert", follow_redirects=True).get_data(as_text=True)
    assert f"Cofnięto wersję {version}" in done
    assert example_store.get_node("org:lacka") is None  # the test organisations' write is undone


def test_create_and_edit_an_organisation(site: FlaskClient, example_store: GraphStore) -> None:
    created = site.post("/organisations/new", data={"name": "Spółdzielnia „Żuraw”", "kind": "social_cooperative"})
    assert created.headers["Location"] == "/organisations/org:spoldzielnia-zuraw"
    site.post(
        "/organisations/org:spoldzielnia-zuraw/edit",
        data={"name": "Spółdzielnia „Żuraw”", "kind": "social_cooperative", "city": "Łęgi"},
    )
    node = example_store.get_node("org:spoldzielnia-zuraw")
    assert node is not None and node.props["city"] == "Łęgi" and node.props["sector"] == "social"
    assert [c.user for c in example_store.changes(key="org:spoldzielnia-zuraw")] == ["ewa", "ewa"]
