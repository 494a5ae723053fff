"""The web application's settings: the ``create_app`` config mapping first, then the settings.

The web's own settings (``PARTNERGRAPH_SECRET_KEY``, ``PARTNERGRAPH_PUBLIC``,
``PARTNERGRAPH_INSTANCE``) are declared with every other in :data:`partnergraph.config.SETTINGS`.

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

from partnergraph.config import load_settings
from partnergraph.errors import ConfigError
from partnergraph.i18n import Msg
from partnergraph.values import parse_boolean
from partnergraph.web import messages  # noqa: F401  (registers the web.* texts)

__all__ = ["SECRET_FILE", "instance_secret", "web_config"]

SECRET_FILE = "secret_key"


def web_config(config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The Flask config: defaults, the environment's settings, then ``config`` on top.

    ``config["SETTINGS"]`` (a :class:`~partnergraph.config.Settings`, e.g. with the CLI's
    ``--store``) replaces the settings read from the environment.
    """
    env = os.environ if environ is None else environ
    given = dict(config or {})
    settings = given.pop("SETTINGS", None) or load_settings(env)
    public = given.pop("PUBLIC", settings.public)
    try:
        public = parse_boolean(public)
    except ValueError as exc:
        raise ConfigError(Msg("web.bad_public", value=public), where="PARTNERGRAPH_PUBLIC") from exc
    result: dict[str, Any] = {
        "STORE": settings.store,
        "SETTINGS": settings,
        "LANGUAGE": settings.language,
        "SECRET_KEY": settings.secret_key or None,
        "INSTANCE_PATH": str(Path(given.pop("INSTANCE_PATH", settings.instance)).resolve()),
        "PAGE_SIZE": 25,
        "STORE_FACTORY": None,
        "STORE_POOL": "request",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "BABEL_DEFAULT_TIMEZONE": "Europe/Warsaw",  # times on the pages (the change log) as Polish clocks show them
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
