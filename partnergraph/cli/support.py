"""What every CLI command shares: the context object, error handling and output formats.

Library code raises :mod:`partnergraph.errors` exceptions; :class:`GuardedGroup` turns each
into one line ``Błąd: …`` (``Error: …`` in English) on stderr with exit status 1, never a
traceback. Unexpected exceptions are reported the same way, asking for a bug report; set
``PARTNERGRAPH_DEBUG=1`` to see the traceback.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from partnergraph.cli.help import language_of, localize
from partnergraph.config import DEBUG, Settings
from partnergraph.errors import ConfigError, PartnergraphError
from partnergraph.graph import open_store
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.values import csv_safe, text

__all__ = ["Cli", "GuardedGroup", "UserError", "emit_rows", "output_option", "pass_cli", "printable", "refuse_existing"]

_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = {  # what may not reach a terminal raw: C0/C1 controls, DEL, bidirectional overrides, lone surrogates
    "lines": re.compile(f"[{_UNSAFE}]"),  # tab and new line kept (messages of several lines, CSV cells)
    "all": re.compile(f"[\t\n{_UNSAFE}]"),  # one table cell is one line
    "json": re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"),  # json.dump escapes the C0 ones itself
}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, lines: bool = True) -> str:
    """``text`` with every control character written as an escape (``\\x1b``), so that a stored
    value can never recolour the terminal or pass for another one (``lines``: keep tab and new line).

        >>> print(printable("Fundacja\\x1b[31m Łąka\\b"))
        Fundacja\\x1b[31m Łąka\\x08
    """
    return _CONTROL["lines" if lines else "all"].sub(_escape, text)


F = TypeVar("F", bound=Callable[..., Any])

register_messages(
    {
        "cli.error": "Error",
        "cli.internal": "unexpected error ({kind}: {detail}); this is a partnergraph bug — please report it; "
        "PARTNERGRAPH_DEBUG=1 shows the details",
        "cli.interrupted": "interrupted; the store was left unchanged",
        "cli.exists": "{path} already exists",
        "cli.exists.hint": "give another name or add --force",
        "cli.wrote": "Wrote {path}: {nodes}, {ties}",
        "cli.wrote_tables": "Wrote {path}: {counts}",
    }
)


def refuse_existing(path: Path, force: bool) -> None:
    """Refuse to write over ``path`` (a file, or a folder that is not empty) unless ``--force`` was given."""
    if path.exists() and not force and (not path.is_dir() or any(path.iterdir())):
        raise ConfigError(Msg("cli.exists", path=path), hint=Msg("cli.exists.hint"))


class UserError(click.ClickException):
    """A ClickException whose prefix follows the language (``Błąd:`` / ``Error:``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.prefix = str(Msg("cli.error"))  # rendered now, while the command's language is in force

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(printable(f"{self.prefix}: {self.format_message()}"), err=True, file=file)


def _quiet_unraisable(unraisable: Any) -> None:
    """Errors Python can only report as "Exception ignored in …" (a library's half-written zip
    closing itself after a full disk) stay quiet: the error that caused them was reported already."""


def _usage_error(exc: click.UsageError) -> click.ClickException:
    """A usage error (unknown command, missing argument …) as one line in the user's language, exit 1;
    a group called without a command still shows its help."""
    from partnergraph.cli.usage import usage_message

    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        return exc
    return UserError(usage_message(exc))


class GuardedGroup(click.Group):
    """A click group that reports every error as one clear line, never a traceback."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        if parent is None:  # help is printed while the arguments are read: put it in their language first
            localize(self, language_of(args, self))
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # the group's own options (partnergraph --bogus)
            raise _usage_error(exc) from exc

    def invoke(self, ctx: click.Context) -> Any:
        if ctx.parent is None and os.environ.get(DEBUG.env) != "1":
            sys.unraisablehook = _quiet_unraisable
        try:
            return super().invoke(ctx)
        except PartnergraphError as exc:
            raise UserError(str(exc)) from exc
        except click.UsageError as exc:
            raise _usage_error(exc) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # the reader of our output went away (| head): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(141) from None
        except KeyboardInterrupt as exc:
            raise UserError(str(Msg("cli.interrupted"))) from exc
        except Exception as exc:
            cli = ctx.find_object(Cli)
            explained = cli.explain(exc) if cli is not None else None
            if explained is not None:  # the storage failed (a damaged file, a full disk): not a bug
                raise UserError(str(explained)) from exc
            if os.environ.get(DEBUG.env) == "1":
                raise
            raise UserError(str(Msg("cli.internal", kind=type(exc).__name__, detail=exc))) from exc


class Cli:
    """The object every command receives: settings and a lazily opened store."""

    def __init__(self, settings: Settings, ctx: click.Context) -> None:
        self.settings = settings
        self._ctx = ctx
        self._store: GraphStore | None = None

    @property
    def user(self) -> str:
        """Who is making changes (for the change log)."""
        return self.settings.user

    def store(self) -> GraphStore:
        """The configured store, opened on first use and closed when the command ends."""
        if self._store is None:
            self._store = open_store(settings=self.settings)
            self._ctx.call_on_close(self._store.close)
        return self._store

    def explain(self, exc: BaseException) -> PartnergraphError | None:
        """The store's own account of a failure underneath it, if a store was opened."""
        return self._store.explain(exc) if self._store is not None else None


pass_cli = click.make_pass_decorator(Cli)

FORMATS = ("table", "csv", "json")


def output_option(function: F) -> F:
    """Add ``--format table|csv|json`` to a command that prints rows."""
    option = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format: an aligned table, CSV (; separated, for Polish Excel) or JSON.",
    )
    return option(function)


def _cell(value: Any) -> str:
    """A value as table or CSV text (:func:`partnergraph.values.text`: yes/no and decimal commas in
    Polish), lists joined, control characters escaped."""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(item) for item in value)  # not ", ": decimal commas
    return printable(text(value), lines=False)


def emit_rows(
    rows: Sequence[Mapping[str, Any]], fmt: str, columns: Sequence[str] | None = None, *, header: bool = True
) -> None:
    """Print ``rows`` as an aligned table (``header=False``: without the header row), CSV or JSON."""
    stream = io.StringIO()
    _write_rows(stream, rows, fmt, list(columns or (rows[0].keys() if rows else [])), header)
    click.echo(stream.getvalue(), nl=False)


def _write_rows(stream: IO[str], rows: Sequence[Mapping[str, Any]], fmt: str, columns: list[str], header: bool) -> None:
    if fmt == "json":
        text = json.dumps([{c: row.get(c) for c in columns} for row in rows], ensure_ascii=False, indent=2, default=str)
        stream.write(_CONTROL["json"].sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[csv_safe(row.get(c), _cell) for c in columns] for row in rows])
        stream.write(buffer.getvalue())
        return
    table = ([[str(c) for c in columns]] if header else []) + [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(columns))]
    for index, line in enumerate(table):
        stream.write("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() + "\n")
        if index == 0 and header:
            stream.write("  ".join("-" * width for width in widths) + "\n")


def key_values(pairs: Iterable[str]) -> dict[str, str]:
    """``name=value`` arguments as a dict (raises UserError on a malformed one)."""
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(str(Msg("cli.bad_assignment", text=pair)))
        result[name.strip()] = value
    return result
