"""Validity of register units: which stored territorial units are current.

A register import (GUS TERYT TERC) keeps the register's state date once, as ``register_date``
on each Voivodeship the file lists, and on each unit ``valid_from`` (the register state from
which it is, again, listed; absent for the units of the first file) and ``ended`` (the first
register state that no longer lists it). Nothing is deleted: ties still point at ended units,
and importing an older state only moves the register date back. A unit is current on a date
when the later of the two dates not after it is ``valid_from`` (or neither is):

    >>> import datetime as dt
    >>> is_current({"ended": dt.date(2023, 1, 1)}, dt.date(2023, 1, 1))
    False
    >>> is_current({"ended": dt.date(2023, 1, 1)}, dt.date(2022, 1, 1))  # an older state: it was there
    True
    >>> is_current({"valid_from": dt.date(2023, 1, 1)}, dt.date(2022, 1, 1))
    False
    >>> is_current({"ended": dt.date(2023, 1, 1), "valid_from": dt.date(2025, 1, 1)}, dt.date(2025, 1, 1))
    True

Queries, maps and the web list only current units (:func:`current_units`); importers match
seats against them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from partnergraph.records import Node

if TYPE_CHECKING:
    from partnergraph.graph.base import GraphStore

__all__ = [
    "ENDED",
    "REGISTER_DATE",
    "VALID_FROM",
    "as_date",
    "current_nodes",
    "current_units",
    "is_current",
    "register_dates",
]

REGISTER_DATE = "register_date"
VALID_FROM = "valid_from"
ENDED = "ended"


def as_date(value: object) -> dt.date | None:
    """A stored date (``datetime.date`` or ISO text) as a date, None when there is none."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def is_current(props: Mapping[str, object], on: dt.date | None) -> bool:
    """Whether a unit with ``props`` is in the register as of ``on`` (None: the latest state)."""
    opened, ended = as_date(props.get(VALID_FROM)), as_date(props.get(ENDED))
    if on is not None:
        if opened is not None and opened > on:  # opened later: not yet there
            return False
        ended = ended if ended is None or ended <= on else None  # ended later: still there
    return ended is None or (opened is not None and opened > ended)


def register_dates(voivodeships: Iterable[Mapping[str, object]]) -> dict[str, dt.date | None]:
    """Voivodeship code → its stored register date, from the voivodeships' properties."""
    return {str(props.get("teryt", "")): as_date(props.get(REGISTER_DATE)) for props in voivodeships}


def current_nodes(nodes: Iterable[Node], dates: Mapping[str, dt.date | None]) -> list[Node]:
    """The ``nodes`` current as of their voivodeship's register date (``dates`` from :func:`register_dates`)."""
    return [n for n in nodes if is_current(n.props, dates.get(str(n.props.get("teryt", ""))[:2]))]


def current_units(store: GraphStore, node_type: str) -> list[Node]:
    """The stored nodes of ``node_type`` current as of their voivodeship's register date, by key."""
    dates = register_dates(n.props for n in store.iter_nodes("Voivodeship"))
    return current_nodes(store.iter_nodes(node_type), dates)
