"""The web application: ``create_app(config)`` builds a Flask app over the configured store.

Blueprints per area (:mod:`~partnergraph.web.auth`, :mod:`~partnergraph.web.dashboard`,
:mod:`~partnergraph.web.organisations`, :mod:`~partnergraph.web.places` (municipalities,
partnerships), :mod:`~partnergraph.web.analyses`,
:mod:`~partnergraph.web.maps`, :mod:`~partnergraph.web.changes`, :mod:`~partnergraph.web.accounts`,
:mod:`~partnergraph.web.editing`,
the JSON :mod:`~partnergraph.web.api`, read for readers and written by editors with a token);
one store per request
(:mod:`~partnergraph.web.store`); roles, CSRF and the public mode in
:mod:`~partnergraph.web.access`; errors, language and security headers in
:mod:`~partnergraph.web.handlers`. No app exists at import time.

    >>> app = create_app({"TESTING": True, "STORE": "sqlite:///:memory:", "SECRET_KEY": "test"})
    >>> app.name, "analyses.index" in app.view_functions
    ('partnergraph.web', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request, url_for
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel

from partnergraph.i18n import current_language, t
from partnergraph.web import access, formatting, handlers, store
from partnergraph.web.config import instance_secret, web_config

__all__ = ["create_app"]


def _lang_url(language: str) -> str:
    values: dict[str, Any] = {**request.args.to_dict(flat=True), **(request.view_args or {}), "lang": language}
    return url_for(request.endpoint or "dashboard.index", **values)


def _templates(app: Flask) -> None:
    app.jinja_env.globals.update(_=t, lang=current_language, lang_url=_lang_url)
    app.jinja_env.filters.update(
        number=formatting.number, date=formatting.date_text, cell=formatting.cell, timestamp=formatting.timestamp
    )
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True


def _blueprints(app: Flask) -> None:
    from partnergraph.web import (
        accounts,
        analyses,
        api,
        auth,
        changes,
        dashboard,
        editing,
        exports_page,
        imports,
        maps,
        organisations,
        places,
    )

    for module in (
        auth,
        dashboard,
        editing,
        organisations,
        places,
        analyses,
        maps,
        changes,
        accounts,
        imports,
        exports_page,
        api,
    ):
        app.register_blueprint(module.bp)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A new app; ``config`` overrides the settings (``STORE``, ``SECRET_KEY``, ``PUBLIC``, ``TESTING`` …).

    Without a secret key (``SECRET_KEY`` or ``PARTNERGRAPH_SECRET_KEY``) one is generated once
    into ``INSTANCE_PATH/secret_key`` (mode 0600) and reused, so sessions survive restarts.
    """
    settings = web_config(config)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=True)
    app.config.update(settings)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))
    if isinstance(app.json, DefaultJSONProvider):  # Polish letters as they are, fields in their order
        app.json.ensure_ascii = False
        app.json.sort_keys = False
    Babel(app, locale_selector=current_language)  # the request's language (handlers.py) for Babel's formatting
    handlers.init_app(app)
    access.init_app(app)
    store.init_app(app)
    _templates(app)
    _blueprints(app)
    return app
