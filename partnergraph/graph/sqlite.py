"""The embedded default store: one SQLite file, standard library ``sqlite3``.

WAL journal and a busy timeout let several processes share the file; every write is one
``BEGIN IMMEDIATE`` transaction, so a killed process leaves the store as it was. Foreign keys
keep ties from pointing at missing nodes. Names are searched through an FTS5 index of their
folded form (case and Polish diacritics removed, so "spoldzielnia" finds "Spółdzielnia").
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from partnergraph.errors import Problem, StoreError
from partnergraph.graph.base import Change, Direction, GraphStore, Transaction
from partnergraph.i18n import Msg, register_messages
from partnergraph.records import Node, Tie
from partnergraph.schema import Schema, load_schema
from partnergraph.text import fold, search_terms
from partnergraph.values import Value, to_json

__all__ = ["SCHEMA_VERSION", "SqliteStore"]

SCHEMA_VERSION = 1
DDL = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    rowid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
    sort TEXT NOT NULL, search TEXT NOT NULL, props TEXT NOT NULL,
    origin TEXT, updated TEXT, version INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS nodes_type ON nodes (type, key);
CREATE INDEX IF NOT EXISTS nodes_sort ON nodes (sort, key);
CREATE TABLE IF NOT EXISTS ties (
    id TEXT PRIMARY KEY, type TEXT NOT NULL,
    start TEXT NOT NULL REFERENCES nodes (key), "end" TEXT NOT NULL REFERENCES nodes (key),
    props TEXT NOT NULL, origin TEXT, updated TEXT, version INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ties_start ON ties (start, type);
CREATE INDEX IF NOT EXISTS ties_end ON ties ("end", type);
CREATE INDEX IF NOT EXISTS ties_type ON ties (type, id);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER IF NOT EXISTS nodes_search_insert AFTER INSERT ON nodes BEGIN
    INSERT INTO search (rowid, text) VALUES (new.rowid, new.search); END;
CREATE TRIGGER IF NOT EXISTS nodes_search_update AFTER UPDATE OF search ON nodes BEGIN
    UPDATE search SET text = new.search WHERE rowid = new.rowid; END;
CREATE TRIGGER IF NOT EXISTS nodes_search_delete AFTER DELETE ON nodes BEGIN
    DELETE FROM search WHERE rowid = old.rowid; END;
CREATE TABLE IF NOT EXISTS changes (
    version INTEGER NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, user TEXT NOT NULL,
    source TEXT NOT NULL, op TEXT NOT NULL, entity TEXT NOT NULL, key TEXT NOT NULL,
    before TEXT, after TEXT, PRIMARY KEY (version, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS changes_key ON changes (key, version);
"""
NODE_COLUMNS = "key, type, props, origin, updated, version"
TIE_COLUMNS = 'id, type, start, "end", props, origin, updated, version'
# SQLite's primary result codes (https://sqlite.org/rescode.html) that say what went wrong with the file
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
_SIDE_FILES = ("-wal", "-shm", "-journal")

register_messages(
    {
        "store.check.damaged": "SQLite finds the file damaged: {detail}",
        "store.check.foreign_key": "{table}: row {row} points at a missing row of {parent}",
        "store.check.search": "the search index is damaged: {detail}",
        "store.readonly": "store {path} is read-only: it can be read but not changed; nothing was written",
        "store.readonly.hint": "writing needs write permission on the file and on its folder (SQLite creates {name}-wal and {name}-shm "
        "beside it); change the permissions or copy the store to a place you can write to",
        "store.full": "no space left on the disk of store {path}; the write was rolled back as a whole",
        "store.full.hint": "free some disk space and try again; the data from before the write is intact",
        "store.corrupt": "the store file {path} is damaged ({detail})",
        "store.corrupt.hint": "restore a backup; `sqlite3 {path} .recover` recovers what it can, and `partnergraph db check` on the copy "
        "tells whether it is whole",
        "store.cantopen": "cannot open or create store {path}",
        "store.cantopen.hint": "check that the folder exists and that you can write to it (SQLite creates -wal and -shm files "
        "beside the store)",
        "store.ioerr": "disk error on store {path} ({detail}); nothing was half-written",
        "store.ioerr.hint": "check the free disk space, file size limits and the disk itself, then try again",
        "store.sqlite": "store {path} failed: {detail}",
    }
)

SEARCHED, SORTED = load_schema().searched_by, load_schema().sorted_by  # models.ttl: pg:searchedBy, pg:sortedBy


def _search_text(props: Mapping[str, Value]) -> str:
    return " ".join(fold(str(props[name])) for name in SEARCHED if name in props)


def _sort_text(props: Mapping[str, Value]) -> str:
    return fold(str(props.get(SORTED, "")))


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(value)


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=_iso
)  # dates through default: the C encoder does the rest


def _dumps(props: Mapping[str, Value]) -> str:
    return _ENCODER.encode(props)


class _SqliteTransaction(Transaction):
    def __init__(self, store: SqliteStore, db: sqlite3.Connection) -> None:
        self.store, self.db = store, db

    def next_version(self) -> int:
        return self.store.version() + 1

    def set_version(self, version: int) -> None:
        self.db.execute("UPDATE meta SET value = ? WHERE name = 'write_version'", (str(version),))

    def get_nodes(self, keys: Sequence[str]) -> dict[str, Node]:
        sql = f"SELECT {NODE_COLUMNS} FROM nodes WHERE key IN (SELECT value FROM json_each(?))"
        return {row[0]: self.store.node_row(row) for row in self.db.execute(sql, (json.dumps(list(keys)),))}

    def get_endpoints(self, keys: Sequence[str], props: Sequence[str]) -> dict[str, Node]:
        extracts = "".join(", json_extract(props, ?)" for _ in props)
        sql = f"SELECT key, type{extracts} FROM nodes WHERE key IN (SELECT value FROM json_each(?))"
        rows = self.db.execute(sql, [*(f'$."{p}"' for p in props), json.dumps(list(keys))])
        return {
            row[0]: Node(row[0], row[1], {p: v for p, v in zip(props, row[2:], strict=True) if v is not None})
            for row in rows
        }

    def get_ties(self, ids: Sequence[str]) -> dict[str, Tie]:
        sql = f"SELECT {TIE_COLUMNS} FROM ties WHERE id IN (SELECT value FROM json_each(?))"
        return {row[0]: self.store.tie_row(row) for row in self.db.execute(sql, (json.dumps(list(ids)),))}

    def put_nodes(self, created: Sequence[Node], updated: Sequence[Node]) -> None:
        rows = [
            (_sort_text(n.props), _search_text(n.props), _dumps(n.props), n.origin, n.updated, n.version, n.type, n.key)
            for n in (*created, *updated)
        ]
        self.db.executemany(
            "INSERT INTO nodes (sort, search, props, origin, updated, version, type, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows[: len(created)],
        )
        self.db.executemany(
            "UPDATE nodes SET sort = ?, search = ?, props = ?, origin = ?, updated = ?, version = ? WHERE type = ? AND key = ?",
            rows[len(created) :],
        )

    def put_ties(self, created: Sequence[Tie], updated: Sequence[Tie]) -> None:
        rows = [
            (t.type, t.start, t.end, _dumps(t.props), t.origin, t.updated, t.version, t.id)
            for t in (*created, *updated)
        ]
        self.db.executemany(
            'INSERT INTO ties (type, start, "end", props, origin, updated, version, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            rows[: len(created)],
        )
        self.db.executemany(
            'UPDATE ties SET type = ?, start = ?, "end" = ?, props = ?, origin = ?, updated = ?, version = ? WHERE id = ?',
            rows[len(created) :],
        )

    def ties_touching(self, keys: Sequence[str]) -> list[Tie]:
        sql = (
            f"SELECT {TIE_COLUMNS} FROM ties WHERE start IN (SELECT value FROM json_each(?1))"
            ' OR "end" IN (SELECT value FROM json_each(?1)) ORDER BY id'
        )
        return [self.store.tie_row(row) for row in self.db.execute(sql, (json.dumps(list(keys)),))]

    def tie_ends_from(self, keys: Sequence[str], tie_type: str) -> list[tuple[str, str]]:
        sql = 'SELECT start, "end" FROM ties WHERE start IN (SELECT value FROM json_each(?)) AND type = ?'
        return [(row[0], row[1]) for row in self.db.execute(sql, (json.dumps(list(keys)), tie_type))]

    def remove(self, node_keys: Sequence[str], tie_ids: Sequence[str]) -> None:
        self.db.executemany("DELETE FROM ties WHERE id = ?", [(i,) for i in tie_ids])
        self.db.executemany("DELETE FROM nodes WHERE key = ?", [(k,) for k in node_keys])

    def log(self, changes: Sequence[Change]) -> None:
        self.db.executemany(
            "INSERT INTO changes (version, seq, at, user, source, op, entity, key, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.version,
                    c.seq,
                    c.at,
                    c.user,
                    c.source,
                    c.op,
                    c.entity,
                    c.key,
                    json.dumps(c.before, ensure_ascii=False) if c.before else None,
                    json.dumps(c.after, ensure_ascii=False) if c.after else None,
                )
                for c in changes
            ],
        )


class SqliteStore(GraphStore):
    """A :class:`GraphStore` in one SQLite file (``sqlite:///path.db``)."""

    def __init__(
        self, path: str | Path, *, url: str | None = None, schema: Schema | None = None, busy_timeout: float = 30.0
    ) -> None:
        super().__init__(url or f"sqlite:///{path}", schema)
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        new = not self.path.exists()
        try:
            self.db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._explained(exc) from exc
        try:
            self._setup()
        except (sqlite3.Error, StoreError) as exc:
            self.db.close()
            if new:  # a store that could not be created (a full disk, no rights) leaves no empty file behind
                for name in ("", *_SIDE_FILES):
                    Path(f"{self.path}{name}").unlink(missing_ok=True)
            if isinstance(exc, StoreError):
                raise
            raise self._explained(exc) from exc

    def _setup(self) -> None:
        self.db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        self.db.execute("PRAGMA foreign_keys = ON")
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            raise StoreError(Msg("store.not_store", path=self.path), hint=Msg("store.open.hint"))
        if "meta" in tables:
            found = int(self._meta("schema_version") or 0)
            if found > SCHEMA_VERSION:
                raise StoreError(
                    Msg("store.newer", url=self.url, found=found, known=SCHEMA_VERSION), hint=Msg("store.newer.hint")
                )
            if found == SCHEMA_VERSION:
                return
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for statement in DDL.split(";\n"):
                self.db.execute(statement)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('write_version', '0'), ('app', 'partnergraph')")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def _busy(self) -> StoreError:
        return StoreError(Msg("store.busy", url=self.url, seconds=self.busy_timeout), hint=Msg("store.busy.hint"))

    def explain(self, exc: BaseException) -> StoreError | None:
        return self._explained(exc) if isinstance(exc, sqlite3.Error) else None

    def _explained(self, exc: sqlite3.Error) -> StoreError:
        """What a failure of the SQLite file means for the user, by SQLite's result code."""
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        path, detail = self.path, str(exc)
        if code in (_BUSY, _LOCKED):
            return self._busy()
        if code == _READONLY:
            return StoreError(Msg("store.readonly", path=path), hint=Msg("store.readonly.hint", name=path.name))
        if code == _FULL:
            return StoreError(Msg("store.full", path=path), hint=Msg("store.full.hint"))
        if code == _CORRUPT:
            return StoreError(Msg("store.corrupt", path=path, detail=detail), hint=Msg("store.corrupt.hint", path=path))
        if code == _NOTADB:
            return StoreError(Msg("store.not_store", path=path), hint=Msg("store.open.hint"))
        if code == _CANTOPEN:
            return StoreError(Msg("store.cantopen", path=path), hint=Msg("store.cantopen.hint"))
        if code == _IOERR:
            return StoreError(Msg("store.ioerr", path=path, detail=detail), hint=Msg("store.ioerr.hint"))
        return StoreError(Msg("store.sqlite", path=path, detail=detail))

    @contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._explained(exc) from exc
        try:
            yield _SqliteTransaction(self, self.db)
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:  # SQLite rolls back by itself on some errors (a full disk)
                with suppress(sqlite3.Error):  # the original failure is what the user must hear about
                    self.db.execute("ROLLBACK")
            explained = self.explain(exc)
            if explained is not None:
                raise explained from exc
            raise

    # -- rows ----------------------------------------------------------------------------------
    def node_row(self, row: Sequence[Any]) -> Node:
        key, type_, props, origin, updated, version = row
        return Node(key, type_, self.decode_props(json.loads(props)), origin, updated, version)

    def tie_row(self, row: Sequence[Any]) -> Tie:
        id_, type_, start, end, props, origin, updated, version = row
        return Tie(type_, start, end, self.decode_props(json.loads(props)), id_, origin, updated, version)

    # -- reading -------------------------------------------------------------------------------
    def get_node(self, key: str) -> Node | None:
        row = self.db.execute(f"SELECT {NODE_COLUMNS} FROM nodes WHERE key = ?", (key,)).fetchone()
        return self.node_row(row) if row else None

    def get_tie(self, tie_id: str) -> Tie | None:
        row = self.db.execute(f"SELECT {TIE_COLUMNS} FROM ties WHERE id = ?", (tie_id,)).fetchone()
        return self.tie_row(row) if row else None

    def find_nodes(
        self,
        *,
        type: str | None = None,
        text: str | None = None,
        where: Mapping[str, Value] | None = None,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[Node]:
        sql = [f"SELECT {', '.join('n.' + c for c in NODE_COLUMNS.split(', '))} FROM nodes n"]
        conditions: list[str] = []
        params: list[Any] = []
        if text is not None:
            terms = search_terms(text)
            if not terms:
                return []
            sql.append("JOIN search s ON s.rowid = n.rowid")
            conditions.append("s.text MATCH ?")
            params.append(" AND ".join(f'"{term}"*' for term in terms))
        if type is not None:
            conditions.append("n.type = ?")
            params.append(type)
        for name, value in (where or {}).items():
            conditions.append("json_extract(n.props, ?) = ?")
            params += [f'$."{name}"', int(value) if isinstance(value, bool) else to_json(value)]
        if conditions:
            sql.append("WHERE " + " AND ".join(conditions))
        sql.append("ORDER BY n.sort, n.key LIMIT ? OFFSET ?")
        params += [-1 if limit is None else limit, offset]
        return [self.node_row(row) for row in self.db.execute(" ".join(sql), params)]

    def neighbours(
        self, key: str, *, tie_types: Sequence[str] | None = None, direction: Direction = "both"
    ) -> list[tuple[Tie, Node]]:
        columns = ", ".join(f"t.{c}" for c in TIE_COLUMNS.replace('"end"', "end").split(", "))
        node_columns = ", ".join(f"n.{c}" for c in NODE_COLUMNS.split(", "))
        only = " AND t.type IN (SELECT value FROM json_each(?))" if tie_types is not None else ""
        found: list[tuple[Tie, Node]] = []
        for here, there, outward in (("start", '"end"', True), ('"end"', "start", False)):
            sql = f"SELECT {columns}, {node_columns} FROM ties t JOIN nodes n ON n.key = t.{there} WHERE t.{here} = ?{only}"
            params: list[Any] = [key] + ([json.dumps(list(tie_types))] if tie_types is not None else [])
            for row in self.db.execute(sql, params):
                tie = self.tie_row(row[:8])
                if direction == "both" or self.schema.tie_types[tie.type].symmetric or outward == (direction == "out"):
                    found.append((tie, self.node_row(row[8:])))
        return sorted(found, key=lambda pair: (pair[0].type, pair[1].key, pair[0].id))

    def iter_nodes(self, type: str | None = None) -> Iterator[Node]:
        if type is None:
            cursor = self.db.execute(f"SELECT {NODE_COLUMNS} FROM nodes ORDER BY key")
        else:
            cursor = self.db.execute(f"SELECT {NODE_COLUMNS} FROM nodes WHERE type = ? ORDER BY key", (type,))
        for row in cursor:
            yield self.node_row(row)

    def iter_ties(self, type: str | None = None) -> Iterator[Tie]:
        if type is None:
            cursor = self.db.execute(f"SELECT {TIE_COLUMNS} FROM ties ORDER BY id")
        else:
            cursor = self.db.execute(f"SELECT {TIE_COLUMNS} FROM ties WHERE type = ? ORDER BY id", (type,))
        for row in cursor:
            yield self.tie_row(row)

    def count_nodes(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT type, count(*) FROM nodes GROUP BY type ORDER BY type").fetchall())

    def count_ties(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT type, count(*) FROM ties GROUP BY type ORDER BY type").fetchall())

    def version(self) -> int:
        return int(self._meta("write_version") or 0)

    def changes(self, *, version: int | None = None, key: str | None = None, limit: int | None = 100) -> list[Change]:
        sql = "SELECT version, seq, at, user, source, op, entity, key, before, after FROM changes"
        conditions: list[str] = []
        params: list[Any] = []
        if version is not None:
            conditions.append("version = ?")
            params.append(version)
        if key is not None:
            conditions.append("key = ?")
            params.append(key)
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        sql += " ORDER BY version DESC, seq DESC LIMIT ?"
        rows = self.db.execute(sql, [*params, -1 if limit is None else limit])
        return [
            Change(
                version=row[0],
                seq=row[1],
                at=row[2],
                user=row[3],
                source=row[4],
                op=row[5],
                entity=row[6],
                key=row[7],
                before=json.loads(row[8]) if row[8] else None,
                after=json.loads(row[9]) if row[9] else None,
            )
            for row in rows
        ]

    def _check_storage(self) -> list[Problem]:
        try:
            return self._check_file()
        except sqlite3.DatabaseError as exc:  # too damaged to be checked at all
            explained = self._explained(exc)
            return [Problem(explained.message, "sqlite", explained.hint)]

    def _check_file(self) -> list[Problem]:
        damaged = [str(r[0]) for r in self.db.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems = [
            Problem(Msg("store.check.damaged", detail=d), "sqlite", Msg("store.corrupt.hint", path=self.path))
            for d in damaged
        ]
        dangling = self.db.execute(
            'SELECT t.id, CASE WHEN s.key IS NULL THEN t.start ELSE t."end" END FROM ties t '
            'LEFT JOIN nodes s ON s.key = t.start LEFT JOIN nodes e ON e.key = t."end" '
            "WHERE s.key IS NULL OR e.key IS NULL ORDER BY t.id"
        )  # ties has no rowid, so PRAGMA foreign_key_check could not name the tie
        problems += [Problem(Msg("store.endpoint_missing", tie=tie, key=key), tie) for tie, key in dangling]
        for table, rowid, parent, _ in self.db.execute("PRAGMA foreign_key_check"):
            if table != "ties":
                problems.append(
                    Problem(Msg("store.check.foreign_key", table=table, row=rowid, parent=parent), "sqlite")
                )
        try:
            self.db.execute("INSERT INTO search (search) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            problems.append(
                Problem(Msg("store.check.search", detail=exc), "sqlite", Msg("store.corrupt.hint", path=self.path))
            )
        return problems

    def close(self) -> None:
        self.db.close()
