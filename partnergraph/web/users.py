"""Web accounts: names, hashed passwords, roles and API tokens in a small SQLite file (``users.db``).

The file lives in the instance folder, apart from the graph store, so accounts work the same
on the embedded store and on Neo4j. Passwords are hashed with werkzeug (scrypt); the file
never holds a password in clear. An API token is 32 random bytes (``pgt_`` + URL-safe base64),
shown once when created; the file keeps only its SHA-256 (a fast hash is enough for a random
secret: there is nothing to guess from a dictionary). A token acts as its account, with the
account's current role; removing the account revokes its tokens.

    >>> import tempfile, pathlib
    >>> users = UserStore(pathlib.Path(tempfile.mkdtemp()) / "users.db")
    >>> users.add("anna", "tajne-hasło-1", "admin").role
    'admin'
    >>> users.check("anna", "tajne-hasło-1").can("editor"), users.check("anna", "złe")
    (True, None)
    >>> record, token = users.create_token("anna", "skrypt")
    >>> users.token_user(token), users.token_user(token + "x")
    (User(name='anna', role='admin'), None)
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from werkzeug.security import check_password_hash, generate_password_hash

from partnergraph.errors import ConflictError, NotFoundError, Problem, ValidationError
from partnergraph.graph.base import now_utc
from partnergraph.i18n import Msg, Plural, register_messages
from partnergraph.web import messages  # noqa: F401  (registers the web.* texts)

__all__ = ["MIN_PASSWORD", "ROLES", "TOKEN_PREFIX", "USERS_FILE", "ApiToken", "User", "UserStore", "token_hash"]

register_messages(
    {
        "web.api.token.bad_label": Plural(
            "the token's label: at most {n} character, no control characters",
            "the token's label: at most {n} characters, no control characters",
            n="n",
        ),
        "web.api.token.missing": "there is no API token number {number}",
    }
)

ROLES = ("viewer", "editor", "admin")
"""Roles from the least to the most allowed: viewer reads, editor writes, admin also manages users and imports."""
MIN_PASSWORD = 8
USERS_FILE = "users.db"
_NAME = re.compile(r"^[\w.-]{1,64}$")
_DUMMY = generate_password_hash("timing-equaliser")  # compared against when the user does not exist
TOKEN_PREFIX = "pgt_"
"""How every API token starts (so that a leaked one is easy to recognise in a log or a repository)."""
MAX_LABEL = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, password TEXT NOT NULL, role TEXT NOT NULL, created TEXT NOT NULL)",
    # added with the API tokens; CREATE … IF NOT EXISTS migrates a users.db made before them
    "CREATE TABLE IF NOT EXISTS api_tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, "
    "hash TEXT NOT NULL UNIQUE, label TEXT NOT NULL, created TEXT NOT NULL, last_used TEXT)",
    "CREATE INDEX IF NOT EXISTS api_tokens_name ON api_tokens (name)",
)


def token_hash(token: str) -> str:
    """What the accounts file keeps of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class User:
    """A signed-in person: their name and role (what Flask-Login needs of a user object)."""

    name: str
    role: str
    is_authenticated: ClassVar[bool] = True
    is_active: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    def get_id(self) -> str:
        return self.name

    def can(self, role: str) -> bool:
        """Whether this user's role includes ``role`` (an admin can everything an editor can)."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class ApiToken:
    """An API token as listed (never the token itself): its number, account, label and dates."""

    id: int
    name: str
    label: str
    created: str
    last_used: str | None


class UserStore:
    """The accounts file; each call opens and closes its own connection (safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            self.path.touch(mode=0o600)  # password hashes: readable by the owner only
        connection = sqlite3.connect(self.path)
        for statement in _SCHEMA:
            connection.execute(statement)
        return connection

    def add(self, name: str, password: str, role: str, *, update: bool = False) -> User:
        """Create the account (or, with ``update``, change an existing one's password and role)."""
        problems = []
        if not _NAME.match(name):
            problems.append(Problem(Msg("web.user.bad_name", value=name), "NAME"))
        if role not in ROLES:
            problems.append(Problem(Msg("web.user.bad_role", value=role), "--role"))
        if len(password) < MIN_PASSWORD:
            problems.append(Problem(Msg("web.user.short_password", n=MIN_PASSWORD), "PASSWORD"))
        if problems:
            raise ValidationError(problems)
        hashed = generate_password_hash(password)
        with closing(self._connect()) as db, db:
            exists = db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None
            if exists and not update:
                raise ConflictError(Msg("web.user.exists", name=name), hint=Msg("web.user.exists.hint"))
            if exists:
                db.execute("UPDATE users SET password = ?, role = ? WHERE name = ?", (hashed, role, name))
            else:
                db.execute("INSERT INTO users VALUES (?, ?, ?, ?)", (name, hashed, role, now_utc()))
        return User(name, role)

    def get(self, name: str) -> User | None:
        """The account ``name``, or None."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
        return User(row[0], row[1]) if row else None

    def check(self, name: str, password: str) -> User | None:
        """The account if ``password`` is right, else None (the same work either way)."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT name, role, password FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            check_password_hash(_DUMMY, password)
            return None
        return User(row[0], row[1]) if check_password_hash(row[2], password) else None

    def remove(self, name: str) -> None:
        """Delete the account ``name`` (NotFoundError if there is none)."""
        with closing(self._connect()) as db, db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise NotFoundError(Msg("web.user.missing", name=name))
            db.execute("DELETE FROM api_tokens WHERE name = ?", (name,))

    def all(self) -> list[User]:
        """Every account, by name."""
        with closing(self._connect()) as db:
            return [User(n, r) for n, r in db.execute("SELECT name, role FROM users ORDER BY name")]

    # -- API tokens ----------------------------------------------------------------------------
    def create_token(self, name: str, label: str = "") -> tuple[ApiToken, str]:
        """A new token for the account ``name``: its record and the token itself (shown once, never stored)."""
        label = label.strip()
        if len(label) > MAX_LABEL or _CONTROL.search(label):
            raise ValidationError([Problem(Msg("web.api.token.bad_label", n=MAX_LABEL), "label")])
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        created = now_utc()
        with closing(self._connect()) as db, db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is None:
                raise NotFoundError(Msg("web.user.missing", name=name))
            cursor = db.execute(
                "INSERT INTO api_tokens (name, hash, label, created) VALUES (?, ?, ?, ?)",
                (name, token_hash(token), label, created),
            )
        return ApiToken(int(cursor.lastrowid or 0), name, label, created, None), token

    def tokens(self, name: str | None = None) -> list[ApiToken]:
        """The tokens of the account ``name`` (of every account when None), newest first."""
        with closing(self._connect()) as db:
            if name is None:
                rows = db.execute("SELECT id, name, label, created, last_used FROM api_tokens ORDER BY id DESC")
            else:
                rows = db.execute(
                    "SELECT id, name, label, created, last_used FROM api_tokens WHERE name = ? ORDER BY id DESC",
                    (name,),
                )
            return [ApiToken(*row) for row in rows]

    def revoke_token(self, token_id: int, name: str | None = None) -> None:
        """Delete token ``token_id`` (only if it is ``name``'s, when given); NotFoundError if there is none."""
        with closing(self._connect()) as db, db:
            if name is None:
                deleted = db.execute("DELETE FROM api_tokens WHERE id = ?", (token_id,)).rowcount
            else:
                deleted = db.execute("DELETE FROM api_tokens WHERE id = ? AND name = ?", (token_id, name)).rowcount
            if deleted == 0:
                raise NotFoundError(Msg("web.api.token.missing", number=token_id))

    def token_user(self, token: str) -> User | None:
        """The account the token belongs to, with its current role (None for an unknown or revoked token)."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        with closing(self._connect()) as db, db:
            row = db.execute(
                "SELECT t.id, u.name, u.role FROM api_tokens t JOIN users u ON u.name = t.name WHERE t.hash = ?",
                (token_hash(token),),
            ).fetchone()
            if row is None:
                return None
            db.execute("UPDATE api_tokens SET last_used = ? WHERE id = ?", (now_utc(), row[0]))
        return User(row[1], row[2])
