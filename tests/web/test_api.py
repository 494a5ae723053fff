"""Reading through the JSON API (organisations, nodes, analyses), its errors as JSON, and its OpenAPI document.

Writing and tokens: test_api_write.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

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
    assert missing.status_code == 404 and missing.mimetype == "application/json"
    assert missing.json == {"error": {"status": 404, "message": "Nie ma węzła o kluczu org:nie-ma.", "problems": []}}


def test_analyses_list_and_a_result(viewer: FlaskClient) -> None:
    listed = {a["name"]: a for a in viewer.get("/api/analyses").json}  # type: ignore[union-attr]
    assert listed["metrics"]["params"][0] == {
        "name": "top",
        "kind": "int",
        "default": 50,
        "choices": [],
        "required": False,
        "help": "Ile organizacji pokazać (0 = wszystkie).",
    }
    result = viewer.get("/api/analyses/metrics?top=3&run=1").json
    assert result["columns"][:3] == ["key", "name", "kind"] and result["labels"]["betweenness"] == "pośrednictwo"  # type: ignore[index]
    assert len(result["rows"]) == 3 and result["notes"] == ["Pokazano 3 z 30 organizacji (--top 0 pokazuje wszystkie)."]  # type: ignore[index]
    english = viewer.get("/api/analyses/metrics?top=3&run=1&lang=en").json
    assert english["labels"]["betweenness"] == "betweenness"  # type: ignore[index]


def test_errors_are_json(viewer: FlaskClient) -> None:
    bad = viewer.get("/api/analyses/metrics?top=dużo&run=1")
    assert bad.status_code == 400 and bad.json["error"]["message"] == "Parametrów zapytania nie da się odczytać."  # type: ignore[index]
    [problem] = bad.json["error"]["problems"]  # type: ignore[index]
    assert problem == {
        "where": "",
        "message": "top: 'dużo' nie jest liczbą całkowitą",
        "hint": None,
    }  # the field is in the text
    unknown = viewer.get("/api/analyses/metrics?kinds=zzz")
    problems = unknown.json["error"]["problems"]  # type: ignore[index]
    assert unknown.status_code == 400 and "nieznany rodzaj organizacji 'zzz'" in problems[0]["message"]
    missing = viewer.get("/api/analyses/nie-ma")
    assert missing.status_code == 404 and missing.json["error"]["message"] == "Nie ma analizy 'nie-ma'."  # type: ignore[index]
    assert viewer.get("/api/nope").json["error"]["status"] == 404  # type: ignore[index]


def test_names_stay_data_in_json(viewer: FlaskClient) -> None:
    read = viewer.get("/api/nodes/org:xss")
    assert read.mimetype == "application/json" and read.json["node"]["props"]["name"] == XSS  # type: ignore[index]


def test_api_needs_a_login_unless_public(client: FlaskClient, make_app: Callable[..., Flask]) -> None:
    refused = client.get("/api/organisations")
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    message = refused.json["error"]["message"]  # type: ignore[index]
    assert message == "Potrzebne jest zalogowanie albo token API (nagłówek Authorization: Bearer …)."
    assert make_app(PUBLIC=True).test_client().get("/api/organisations").status_code == 200


def _api_rules(app: Flask) -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every rule of the API blueprint itself (not the HTML token page inside it)."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.rpartition(".")[0] == "api":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            found |= {(path, method.lower()) for method in rule.methods or () if method not in ("HEAD", "OPTIONS")}
    return found


def test_the_openapi_document_describes_every_route(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")  # no login needed
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.json
    validate(document)  # type: ignore[arg-type]  # a valid OpenAPI 3.1 document
    described = {(path, method) for path, item in document["paths"].items() for method in item}  # type: ignore[index]
    assert described == _api_rules(app) and ("/api/nodes/{key}", "patch") in described
    assert "/api/tokens" not in document["paths"]  # type: ignore[index]  # an HTML page, not the API


def test_the_openapi_document_names_security_errors_and_types(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").json
    assert document["openapi"] == "3.1.0"  # type: ignore[index]
    assert document["components"]["securitySchemes"]["bearer"] == {  # type: ignore[index]
        "type": "http",
        "scheme": "bearer",
        "description": "Token API (utwórz na /api/tokens); konto i rola tokenu.",
    }
    create = document["paths"]["/api/nodes"]["post"]  # type: ignore[index]
    assert create["security"] == [{"bearer": []}] and set(create["responses"]) == {
        "201",
        "400",
        "401",
        "403",
        "409",
        "413",
        "422",
        "500",
    }
    assert create["responses"]["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    schemas = document["components"]["schemas"]  # type: ignore[index]
    assert schemas["Error"]["properties"]["error"]["required"] == ["status", "message", "problems"]
    assert "Organisation" in schemas["NodeInput"]["properties"]["type"]["enum"]  # from models.ttl
    assert "COOPERATES_WITH" in schemas["TieInput"]["properties"]["type"]["enum"]
    read = document["paths"]["/api/nodes/{key}"]["get"]  # type: ignore[index]
    assert read["security"] == [{"bearer": []}, {"session": []}] and read["parameters"][0]["name"] == "key"
    english = client.get("/api/openapi.json?lang=en").json
    assert english["paths"]["/api/ties"]["post"]["summary"] == "Create (or update an existing) tie (editors, token)"  # type: ignore[index]
