"""The read-only JSON API: organisations, nodes, analyses; 401 without a login; errors as JSON."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import LACKA, XSS


def test_organisations_search_and_pages(viewer: FlaskClient) -> None:
    found = viewer.get("/api/organisations?q=lacka")
    assert found.mimetype == "application/json"
    assert [item["props"]["name"] for item in found.json["items"]] == [LACKA]  # type: ignore[index]
    assert "Łącka" in found.get_data(as_text=True)  # Polish letters as they are
    first, second = viewer.get("/api/organisations").json, viewer.get("/api/organisations?page=2").json
    assert first["more"] is True and second["more"] is False  # type: ignore[index]
    assert len(first["items"]) + len(second["items"]) == 30  # type: ignore[index]


def test_node_with_its_ties(viewer: FlaskClient) -> None:
    body = viewer.get("/api/nodes/org:ss-kwilecka-kuchnia").json
    assert body["node"]["props"]["kind"] == "social_cooperative"  # type: ignore[index]
    founders = {t["other"]["key"] for t in body["ties"] if t["tie"]["type"] == "FOUNDED"}  # type: ignore[index]
    assert founders == {"org:kgw-kwilcz", "org:urzad-gminy-kwilcz"}
    missing = viewer.get("/api/nodes/org:nie-ma")
    assert missing.status_code == 404 and missing.json == {"error": "Nie ma węzła o kluczu org:nie-ma.", "problems": []}


def test_analyses_list_and_a_result(viewer: FlaskClient) -> None:
    listed = {a["name"]: a for a in viewer.get("/api/analyses").json}  # type: ignore[union-attr]
    assert listed["metrics"]["params"][0] == {"name": "top", "kind": "int", "default": 50, "choices": [], "required": False,
                                              "help": "Ile organizacji pokazać (0 = wszystkie)."}  # fmt: skip
    result = viewer.get("/api/analyses/metrics?top=3&run=1").json
    assert result["columns"][:3] == ["key", "name", "kind"] and result["labels"]["betweenness"] == "pośrednictwo"  # type: ignore[index]
    assert len(result["rows"]) == 3 and result["notes"] == ["Pokazano 3 z 30 organizacji (--top 0 pokazuje wszystkie)."]  # type: ignore[index]
    english = viewer.get("/api/analyses/metrics?top=3&run=1&lang=en").json
    assert english["labels"]["betweenness"] == "betweenness"  # type: ignore[index]


def test_errors_are_json(viewer: FlaskClient) -> None:
    bad = viewer.get("/api/analyses/metrics?top=dużo&run=1")
    assert bad.status_code == 400 and bad.json["problems"] == ["top: 'dużo' nie jest liczbą całkowitą"]  # type: ignore[index]
    unknown = viewer.get("/api/analyses/metrics?kinds=zzz")
    assert unknown.status_code == 400 and "nieznany rodzaj organizacji 'zzz'" in unknown.json["error"]  # type: ignore[index]
    assert viewer.get("/api/analyses/nie-ma").status_code == 404


def test_names_stay_data_in_json(viewer: FlaskClient) -> None:
    body = viewer.get("/api/nodes/org:xss").json
    assert body["node"]["props"]["name"] == XSS  # type: ignore[index]


def test_api_needs_a_login_unless_public(client: FlaskClient, make_app: Callable[..., Flask]) -> None:
    refused = client.get("/api/organisations")
    assert refused.status_code == 401 and refused.json["error"] == "Zaloguj się, aby zobaczyć tę stronę."  # type: ignore[index]
    assert make_app(PUBLIC=True).test_client().get("/api/organisations").status_code == 200
