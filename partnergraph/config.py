"""Settings: one typed object, from the environment and command-line flags.

Every setting is declared once in :data:`SETTINGS` with its environment variable, default
and help text; the CLI and the README list them from here, and a test fails when the README
misses one.
"""

from __future__ import annotations

import getpass
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from partnergraph.errors import ConfigError
from partnergraph.i18n import LANGUAGES, Msg

__all__ = ["DEBUG", "SETTINGS", "Setting", "Settings", "load_settings"]


@dataclass(frozen=True)
class Setting:
    """One setting: its field name, environment variable, default and help text.

    ``default_text`` says what the default means when the default itself says nothing
    (an empty value that stands for "your login name", "generated once"); the README shows it.
    """

    name: str
    env: str
    default: str
    help: str
    secret: bool = False
    default_text: str = ""


DEBUG = Setting(
    "debug",
    "PARTNERGRAPH_DEBUG",
    "0",
    "1: an unexpected error shows its traceback (for a bug report) instead of one line; "
    "read before any other setting, so it works even when they are wrong.",
)
"""Read straight from the environment by :mod:`partnergraph.cli.support`, which must work even
when the other settings fail to load; declared here so that it is documented like the others."""


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "store",
        "PARTNERGRAPH_STORE",
        "sqlite:///partnergraph.db",
        "Store URL: sqlite:///path.db (embedded default) or neo4j://host:7687, bolt://host:7687, neo4j+s://… (Neo4j).",
    ),
    Setting("neo4j_user", "PARTNERGRAPH_NEO4J_USER", "neo4j", "Neo4j user name."),
    Setting("neo4j_password", "PARTNERGRAPH_NEO4J_PASSWORD", "", "Neo4j password.", secret=True),
    Setting("neo4j_database", "PARTNERGRAPH_NEO4J_DATABASE", "neo4j", "Neo4j database name."),
    Setting(
        "user",
        "PARTNERGRAPH_USER",
        "",
        "Who makes changes, for the change log (default: your login name).",
        default_text="your login name",
    ),
    Setting("language", "PARTNERGRAPH_LANG", "pl", "Language of messages: pl (default) or en."),
    Setting(
        "busy_timeout",
        "PARTNERGRAPH_BUSY_TIMEOUT",
        "30",
        "Seconds a write waits for another process's write to finish (embedded store); a decimal comma is fine (2,5).",
    ),
    Setting(
        "runs",
        "PARTNERGRAPH_RUNS",
        "partnergraph-runs",
        "Folder where 'analyze … --save' keeps analysis runs (one JSON file per run, never overwritten).",
    ),
    Setting(
        "secret_key",
        "PARTNERGRAPH_SECRET_KEY",
        "",
        "Secret key of the web application (signs its sessions); unset, a key is generated once into the instance folder "
        "(file secret_key, mode 0600).",
        secret=True,
        default_text="(generated)",
    ),
    Setting(
        "public",
        "PARTNERGRAPH_PUBLIC",
        "0",
        "1: anyone may read the web pages without logging in (editing still needs a login).",
    ),
    Setting(
        "instance",
        "PARTNERGRAPH_INSTANCE",
        "partnergraph-instance",
        "Folder of the web application's own files: users.db (accounts) and secret_key.",
    ),
    DEBUG,
)


@dataclass(frozen=True)
class Settings:
    """The settings in force; build it with :func:`load_settings`."""

    store: str
    neo4j_user: str
    neo4j_password: str
    neo4j_database: str
    user: str
    language: str
    busy_timeout: float
    runs: str
    secret_key: str
    public: str
    instance: str
    debug: str

    def with_(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (flags given on the command line), None values ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def load_settings(environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
    """Settings from ``environ`` (default: the process environment), overridden by ``flags``."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {s.name: env.get(s.env, s.default) for s in SETTINGS}
    raw.update({k: v for k, v in flags.items() if v is not None})
    if raw["language"] not in LANGUAGES:
        raise ConfigError(Msg("config.bad_language", value=raw["language"]), where="PARTNERGRAPH_LANG")
    try:
        raw["busy_timeout"] = float(str(raw["busy_timeout"]).replace(",", "."))  # 2,5 as Polish users write it
    except ValueError as exc:
        raise ConfigError(Msg("val.bad_decimal", value=raw["busy_timeout"]), where="PARTNERGRAPH_BUSY_TIMEOUT") from exc
    if not math.isfinite(raw["busy_timeout"]) or raw["busy_timeout"] < 0:  # float() takes "nan", "inf" and "-5"
        raise ConfigError(
            Msg("config.bad_timeout", value=env.get("PARTNERGRAPH_BUSY_TIMEOUT", "")), where="PARTNERGRAPH_BUSY_TIMEOUT"
        )
    raw["user"] = raw["user"] or _login()
    assert {f.name for f in fields(Settings)} == set(raw)
    return Settings(**raw)
