"""Web accounts: names, hashed passwords and roles in a small SQLite file (``users.db``).

The file lives in the instance folder, apart from the graph store, so accounts work the same
on the embedded store and on Neo4j. Passwords are hashed with werkzeug (scrypt); the file
never holds a password in clear.

    >>> import tempfile, pathlib
    >>> users = UserStore(pathlib.Path(tempfile.mkdtemp()) / "users.db")
    >>> users.add("anna", "tajne-hasło-1", "admin").role
    'admin'
    >>> users.check("anna", "tajne-hasło-1").can("editor"), users.check("anna", "złe")
    (True, None)
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from werkzeug.security import check_password_hash, generate_password_hash

from partnergraph.errors import ConflictError, NotFoundError, Problem, ValidationError
from partnergraph.graph.base import now_utc
from partnergraph.i18n import Msg
from partnergraph.web import messages  # noqa: F401  (registers the web.* texts)

__all__ = ["MIN_PASSWORD", "ROLES", "USERS_FILE", "User", "UserStore"]

ROLES = ("viewer", "editor", "admin")
"""Roles from the least to the most allowed: viewer reads, editor writes, admin also manages users and imports."""
MIN_PASSWORD = 8
USERS_FILE = "users.db"
_NAME = re.compile(r"^[\w.-]{1,64}$")
_DUMMY = generate_password_hash("timing-equaliser")  # compared against when the user does not exist


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


class UserStore:
    """The accounts file; each call opens and closes its own connection (safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            self.path.touch(mode=0o600)  # password hashes: readable by the owner only
        connection = sqlite3.connect(self.path)
        connection.execute("CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, password TEXT NOT NULL, "
                           "role TEXT NOT NULL, created TEXT NOT NULL)")  # fmt: skip
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

    def all(self) -> list[User]:
        """Every account, by name."""
        with closing(self._connect()) as db:
            return [User(n, r) for n, r in db.execute("SELECT name, role FROM users ORDER BY name")]
