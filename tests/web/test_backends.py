"""The main pages on every backend: the app is handed the ``example_store`` fixture's store (SQLite, Neo4j)."""

from __future__ import annotations

from flask.testing import FlaskClient

from partnergraph.graph.base import GraphStore
from tests.web.conftest import LACKA, XSS


def test_dashboard(backend_editor: FlaskClient) -> None:
    page = backend_editor.get("/").get_data(as_text=True)
    assert "Kwilcz (3014022)" in page and "Lokalne partnerstwo ekonomii społecznej – Kwilcz" in page


def test_search_with_and_without_diacritics(backend_editor: FlaskClient) -> None:
    for query in ("lacka", "Łącka"):
        assert LACKA in backend_editor.get("/organisations", query_string={"q": query}).get_data(as_text=True)
    filtered = backend_editor.get("/organisations?municipality=teryt:0806023&kind=social_cooperative").get_data(
        as_text=True
    )
    assert "Noteckie Usługi" in filtered and "Tartak" not in filtered


def test_organisation_page(backend_editor: FlaskClient) -> None:
    page = backend_editor.get("/organisations/org:ss-kwilecka-kuchnia").get_data(as_text=True)
    assert "Koło Gospodyń Wiejskich w Kwilczu" in page and "Hotel nad Wartą" in page
    assert XSS not in backend_editor.get("/organisations/org:xss").get_data(as_text=True)


def test_analysis_table_csv_and_map(backend_editor: FlaskClient) -> None:
    assert "Spółdzielnia Socjalna „Noteckie Usługi”" in backend_editor.get("/analyses/metrics?top=5&run=1").get_data(
        as_text=True
    )
    assert backend_editor.get("/analyses/metrics.csv?top=5&run=1").get_data(as_text=True).count("\n") == 6
    assert "vis.Network" in backend_editor.get("/map/frame").get_data(as_text=True)


def test_change_log_and_revert(backend_editor: FlaskClient, example_store: GraphStore) -> None:
    version = example_store.version()
    assert f'href="/changes/{version}/revert"' in backend_editor.get("/changes/").get_data(as_text=True)
    done = backend_editor.post(f"/changes/{version}/revert", follow_redirects=True).get_data(as_text=True)
    assert f"Cofnięto wersję {version}" in done
    assert example_store.get_node("org:lacka") is None  # the test organisations' write is undone


def test_create_and_edit_an_organisation(backend_editor: FlaskClient, example_store: GraphStore) -> None:
    created = backend_editor.post(
        "/organisations/new", data={"name": "Spółdzielnia „Żuraw”", "kind": "social_cooperative"}
    )
    assert created.headers["Location"] == "/organisations/org:spoldzielnia-zuraw"
    backend_editor.post(
        "/organisations/org:spoldzielnia-zuraw/edit",
        data={"name": "Spółdzielnia „Żuraw”", "kind": "social_cooperative", "city": "Łęgi"},
    )
    node = example_store.get_node("org:spoldzielnia-zuraw")
    assert node is not None and node.props["city"] == "Łęgi" and node.props["sector"] == "social"
    assert [c.user for c in example_store.changes(key="org:spoldzielnia-zuraw")] == ["ewa", "ewa"]
