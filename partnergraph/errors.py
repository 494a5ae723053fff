"""One exception hierarchy for the whole package.

Library code raises these and never prints or exits; the CLI and the web application turn
each into one clear message: what went wrong, where (file:line:column or the field), and
how to fix it. Messages are :class:`~partnergraph.i18n.Msg` objects, rendered in the user's
language when shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partnergraph.i18n import Msg

__all__ = [
    "ConfigError",
    "ConflictError",
    "IntegrityError",
    "NotFoundError",
    "PartnergraphError",
    "Problem",
    "SchemaError",
    "StoreError",
    "StoreUnavailableError",
    "ValidationError",
]

Text = Msg | str


@dataclass(frozen=True)
class Problem:
    """One problem with input data: where it is, what is wrong, how to fix it."""

    message: Text
    where: str = ""
    hint: Text | None = None

    def located(self, where: str) -> Problem:
        """The same problem at a more precise place (``file:line:column``, ``field``)."""
        place = f"{where}: {self.where}" if self.where and where else (where or self.where)
        return Problem(self.message, place, self.hint)

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else str(self.message)
        return f"{text} ({self.hint})" if self.hint else text


class PartnergraphError(Exception):
    """Base of every error partnergraph reports to a user."""

    def __init__(self, message: Text, *, where: str = "", hint: Text | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        return str(Problem(self.message, self.where, self.hint))


class ConfigError(PartnergraphError):
    """A setting, flag or store URL is wrong."""


class SchemaError(PartnergraphError):
    """models.ttl is broken: the message names the term."""


class StoreError(PartnergraphError):
    """The store could not do what was asked."""


class StoreUnavailableError(StoreError):
    """The store cannot be reached, or refused the login."""


class NotFoundError(StoreError):
    """A node, tie or version does not exist."""


class IntegrityError(StoreError):
    """The change would break the graph: a tie to a missing node, a node with ties deleted."""


class ConflictError(StoreError):
    """The change collides with a later one (for example reverting an overwritten change)."""


class ValidationError(PartnergraphError):
    """Input data does not fit models.ttl; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else Problem("?")
        super().__init__(first.message, where=first.where, hint=first.hint)

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        if len(lines) > 1:
            lines.insert(0, str(Msg("val.summary", count=len(lines))) + ":")
        return "\n".join(lines)
