"""The application factory: configuration, secret key, security headers, language, error pages."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from partnergraph.errors import ConfigError
from partnergraph.web import create_app
from partnergraph.web.config import SECRET_FILE


def test_no_app_exists_at_import_time() -> None:
    import partnergraph.web as web

    assert not any(isinstance(value, Flask) for value in vars(web).values())


def test_generated_secret_key_is_kept_in_the_instance_folder_readable_by_the_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARTNERGRAPH_SECRET_KEY", raising=False)
    first = create_app({"STORE": "sqlite:///:memory:", "INSTANCE_PATH": str(tmp_path / "inst")})
    second = create_app({"STORE": "sqlite:///:memory:", "INSTANCE_PATH": str(tmp_path / "inst")})
    path = tmp_path / "inst" / SECRET_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == path.read_text().strip()
    assert len(first.config["SECRET_KEY"]) == 64


def test_secret_key_from_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERGRAPH_SECRET_KEY", "z-otoczenia")
    app = create_app({"STORE": "sqlite:///:memory:", "INSTANCE_PATH": str(tmp_path / "inst")})
    assert app.config["SECRET_KEY"] == "z-otoczenia"
    assert not (tmp_path / "inst" / SECRET_FILE).exists()


def test_bad_public_setting_is_refused_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERGRAPH_PUBLIC", "może")
    with pytest.raises(ConfigError) as caught:
        create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    assert "PARTNERGRAPH_PUBLIC" in str(caught.value)


def test_every_response_carries_the_security_headers(viewer: FlaskClient) -> None:
    for url in ("/", "/login", "/organisations", "/static/style.css", "/no-such-page"):
        response = viewer.get(url)
        response.close()  # a static file is streamed: close it
        headers = response.headers
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_load_no_inline_script_and_nothing_from_other_sites(viewer: FlaskClient) -> None:
    for url in ("/", "/organisations", "/organisations/org:ces-kwilcz", "/analyses/metrics", "/map/", "/changes/"):
        page = viewer.get(url).get_data(as_text=True)
        assert "<script" not in page.replace("&lt;script", "")
        assert "http://" not in page and "https://" not in page


def test_polish_by_default_english_on_request_and_remembered(viewer: FlaskClient) -> None:
    assert "Organizacje według gminy" in viewer.get("/").get_data(as_text=True)
    english = viewer.get("/?lang=en").get_data(as_text=True)
    assert "Organisations by municipality" in english and '<html lang="en">' in english
    assert "Nodes by type" in viewer.get("/").get_data(as_text=True)  # kept in the session
    assert "Węzły według typu" in viewer.get("/?lang=pl").get_data(as_text=True)


def test_language_switch_link_keeps_the_page_and_its_query(viewer: FlaskClient) -> None:
    page = viewer.get("/organisations?q=kwilcz").get_data(as_text=True)
    assert 'href="/organisations?q=kwilcz&amp;lang=en"' in page


def test_unknown_page_is_a_readable_404(viewer: FlaskClient) -> None:
    response = viewer.get("/organisations/org:nie-ma-takiej")
    assert response.status_code == 404
    assert "Nie ma takiej strony." in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_without_details(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(PUBLIC=True)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("sekretny szczegół /etc/passwd")

    monkeypatch.setattr("partnergraph.web.dashboard.summary", broken)
    response = app.test_client().get("/")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "nieoczekiwany błąd serwera" in text and "sekretny" not in text and "Traceback" not in text


def test_store_errors_become_one_readable_message(make_app: Callable[..., Flask]) -> None:
    app = make_app(PUBLIC=True, STORE="mysql://nie/obsługiwany")
    response = app.test_client().get("/")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nieznany adres magazynu" in text and "sqlite:///ścieżka.db" in text


def test_the_store_is_closed_after_each_request(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from partnergraph.graph.sqlite import SqliteStore

    closed: list[str] = []
    original = SqliteStore.close

    def close(self: SqliteStore) -> None:
        closed.append(self.url)
        original(self)

    monkeypatch.setattr(SqliteStore, "close", close)
    client = app.test_client()
    client.post("/login", data={"name": "wiktor", "password": "hasło-testowe-1"})
    client.get("/")
    client.get("/organisations")
    assert len(closed) == 2
