"""Register updates: a register file's state date against the stored one, and what really changed.

A public register (GUS TERYT TERC, a KRS extract) says which state it gives: ``STAN_NA``,
``stanZDnia``. How a stored unit's validity is read (``register_date``, ``valid_from``,
``ended``) lives in :mod:`partnergraph.graph.validity`, shared with the queries and the maps;
here are the messages and the :class:`Changes` a register import reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from partnergraph.errors import Problem, ValidationError
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Notice

__all__ = ["EXAMPLES", "Changes", "older_state"]

EXAMPLES = 5
"""Examples named in each notice of changes."""

register_messages(
    {
        "reg.older": "the file gives the {register} register as of {given}, older than the one stored ({stored}); nothing was written",
        "reg.older.hint": "download a newer file or, to load the older state on purpose, add --allow-older",
        "reg.older_applied": "the older {register} register state ({given}) replaces the stored one ({stored}), as --allow-older was given",
        "reg.added": "{register}: units added: {count} (e.g. {examples})",
        "reg.renamed": "{register}: units renamed: {count} ({examples})",
        "reg.ended": "{register}: units ended (not in the state of {date}; kept as history): {count} (e.g. {examples})",
        "reg.reopened": "{register}: units back in the register: {count} (e.g. {examples})",
        "reg.date_only": "{register}: units changed only by the register date: {count}",
        "reg.no_date": "the file gives no register date (STAN_NA), so it was not compared with the stored one and no unit was ended",
        "reg.excerpt": "the file is an excerpt ({voivodeships} of 16 voivodeships): only gminas of the counties it lists were ended",
    }
)


def older_state(register: str, given: dt.date, stored: dt.date, where: str) -> ValidationError:
    """The one-line refusal of a register state older than the stored one."""
    msg = Msg("reg.older", register=register, given=given.isoformat(), stored=stored.isoformat())
    return ValidationError([Problem(msg, where, Msg("reg.older.hint"))])


@dataclass
class Changes:
    """What a register file really changes, by category, with a few examples each."""

    register: str
    added: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    date_only: int = 0
    ended_on: str = ""

    def notices(self, where: str) -> Iterable[Notice]:
        """One notice per category that has changes."""
        for name in ("added", "renamed", "reopened", "ended"):
            found: list[str] = getattr(self, name)
            if found:
                examples = ", ".join(found[:EXAMPLES]) + (" …" if len(found) > EXAMPLES else "")
                yield Notice(
                    Msg(f"reg.{name}", register=self.register, count=len(found), examples=examples, date=self.ended_on),
                    where,
                )
        if self.date_only:
            yield Notice(Msg("reg.date_only", register=self.register, count=self.date_only), where)
