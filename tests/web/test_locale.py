"""Flask-Babel: the request's language and the Polish clock on the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient

from partnergraph.graph import open_store
from partnergraph.i18n import use_language
from partnergraph.web import formatting
from tests.web.conftest import login


def test_the_change_log_shows_times_on_the_warsaw_clock(viewer: FlaskClient, app: Flask) -> None:
    with open_store(app.config["STORE"]) as store:
        at = store.changes(limit=1)[0].at
    moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Warsaw"))
    html = viewer.get("/changes/").get_data(as_text=True)
    assert moment.strftime("%d.%m.%Y %H:%M") in html
    english = viewer.get("/changes/?lang=en").get_data(as_text=True)
    assert moment.strftime("%Y-%m-%d %H:%M") in english


def test_the_time_zone_comes_from_the_app_and_summer_time_is_kept(make_app: Callable[..., Flask]) -> None:
    warsaw, utc = make_app(), make_app(BABEL_DEFAULT_TIMEZONE="UTC")
    for app, winter, summer in (
        (warsaw, "02.12.2026 14:53", "02.07.2026 15:53"),
        (utc, "02.12.2026 13:53", "02.07.2026 13:53"),
    ):
        with app.test_request_context("/"), use_language("pl"):
            assert formatting.timestamp("2026-12-02T13:53:00Z") == winter
            assert formatting.timestamp("2026-07-02T13:53:00+00:00") == summer
    with warsaw.test_request_context("/"), use_language("en"):
        assert formatting.timestamp("2026-12-02T13:53:00Z") == "2026-12-02 14:53"


def test_flask_babel_follows_the_language_of_the_request(client: FlaskClient, app: Flask) -> None:
    import flask_babel

    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert str(flask_babel.get_locale()) == "en"
    with app.test_request_context("/"):
        app.preprocess_request()
        assert str(flask_babel.get_locale()) == "pl"
    assert login(client, "wiktor").status_code in (200, 302)
