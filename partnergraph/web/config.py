"""The web application's settings: the ``create_app`` config mapping first, then the environment.

Until these settings join :data:`partnergraph.config.SETTINGS`, they are read here, with the
same names and defaults as :data:`WEB_SETTINGS` declares.

    >>> cfg = web_config({"PUBLIC": "1", "SECRET_KEY": "x" * 32}, environ={})
    >>> cfg["PUBLIC"], cfg["PAGE_SIZE"], cfg["INSTANCE_PATH"].endswith("partnergraph-instance")
    (True, 25, True)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from partnergraph.config import Setting, Settings, load_settings
from partnergraph.errors import ConfigError
from partnergraph.i18n import Msg
from partnergraph.values import parse_boolean
from partnergraph.web import messages  # noqa: F401  (registers the web.* texts)

__all__ = ["SECRET_FILE", "WEB_SETTINGS", "instance_secret", "web_config"]

WEB_SETTINGS: tuple[Setting, ...] = (
    Setting("secret_key", "PARTNERGRAPH_SECRET_KEY", "",
            "Secret key of the web application (signs sessions); default: generated once into the instance folder.", secret=True),
    Setting("public", "PARTNERGRAPH_PUBLIC", "0", "1: anyone may read the web pages without logging in (editing still needs a login)."),
    Setting("instance", "PARTNERGRAPH_INSTANCE", "partnergraph-instance",
            "Folder of the web application's own files: users.db (accounts) and secret_key."),
)  # fmt: skip
"""The settings to add to :data:`partnergraph.config.SETTINGS`."""

SECRET_FILE = "secret_key"
_ENV = {s.name: s for s in WEB_SETTINGS}


def _env(environ: Mapping[str, str], name: str, settings: Settings | None = None) -> str:
    """The setting from ``settings`` once config.py declares it, else from ``environ``."""
    if settings is not None and hasattr(settings, name):
        return str(getattr(settings, name))
    setting = _ENV[name]
    return environ.get(setting.env, setting.default)


def web_config(config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The Flask config: defaults, the environment's settings, then ``config`` on top.

    ``config["SETTINGS"]`` (a :class:`~partnergraph.config.Settings`, e.g. with the CLI's
    ``--store``) replaces the settings read from the environment.
    """
    env = os.environ if environ is None else environ
    given = dict(config or {})
    settings = given.pop("SETTINGS", None) or load_settings(env)
    public = given.pop("PUBLIC", _env(env, "public", settings))
    try:
        public = parse_boolean(public)
    except ValueError as exc:
        raise ConfigError(Msg("web.bad_public", value=public), where="PARTNERGRAPH_PUBLIC") from exc
    result: dict[str, Any] = {
        "STORE": settings.store,
        "SETTINGS": settings,
        "LANGUAGE": settings.language,
        "SECRET_KEY": _env(env, "secret_key", settings) or None,
        "INSTANCE_PATH": str(Path(given.pop("INSTANCE_PATH", _env(env, "instance", settings))).resolve()),
        "PAGE_SIZE": 25,
        "STORE_FACTORY": None,
        "STORE_POOL": "request",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    }
    result.update(given)
    result["PUBLIC"] = public
    return result


def instance_secret(folder: Path) -> str:
    """The secret key kept in ``folder/secret_key`` (created with mode 0600 on first use)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as stream:
        stream.write(key + "\n")
    return key
