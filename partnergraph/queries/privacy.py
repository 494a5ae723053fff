"""Small-count suppression: counts of people from 1 to 4 are never shown.

Referral counts (REFERS ``count``) are aggregates of people — homeless people, people leaving
prison or care. A count from 1 to 4 can identify someone in a small gmina, so every output
path (CLI tables, CSV, JSON, charts, maps, the web) shows it as ``<5``. Suppression happens
when an analysis builds its rows, with these functions only, so no face can forget it.

A total is the other way small counts leak: a shown total minus the shown cells gives the
hidden ones back. :func:`suppress_group` therefore replaces the total of a group with a lower
bound (``≥N``, where N is the shown cells plus one for each hidden cell — which a reader can
work out from the cells already) whenever a cell of the group is hidden. Zero is not
suppressed: "nobody was referred" identifies no one.

    >>> suppress(3), suppress(0), suppress(12)
    ('<5', 0, 12)
    >>> suppress_group({"GOPS": 3, "PUP": 7})
    ({'GOPS': '<5', 'PUP': 7}, '≥8')
    >>> suppress_group({"GOPS": 6, "PUP": 7})
    ({'GOPS': 6, 'PUP': 7}, 13)

A sum of counts shown where its parts are shown elsewhere (a gmina's referrals, while the
``referrals`` analysis shows each flow) follows the same rule, with :func:`suppress_sum`:

    >>> suppress_sum([6, 4, 3, 2]), suppress_sum([2, 1]), suppress_sum([6, 9])
    ('≥9', '<5', 15)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias, TypeVar

__all__ = [
    "SMALL_MAX",
    "SMALL_MIN",
    "SUPPRESSED",
    "Count",
    "is_suppressed",
    "lower_bound",
    "suppress",
    "suppress_group",
    "suppress_sum",
]

SMALL_MIN, SMALL_MAX = 1, 4
SUPPRESSED = "<5"
Count: TypeAlias = int | str
"""A shown count: the number, ``<5`` for a hidden one, or ``≥N`` for a total with hidden cells."""
K = TypeVar("K")


def suppress(count: int) -> Count:
    """``count``, or ``<5`` when it is from 1 to 4."""
    return SUPPRESSED if SMALL_MIN <= count <= SMALL_MAX else count


def is_suppressed(value: Count) -> bool:
    """Whether a shown count hides its number (``<5`` or ``≥N``)."""
    return isinstance(value, str)


def suppress_group(cells: Mapping[K, int]) -> tuple[dict[K, Count], Count]:
    """Each cell suppressed, and the group's total — a lower bound ``≥N`` if any cell is hidden."""
    shown = {key: suppress(n) for key, n in cells.items()}
    hidden = [key for key, value in shown.items() if is_suppressed(value)]
    visible = sum(n for key, n in cells.items() if key not in hidden)
    total: Count = f"≥{visible + len(hidden)}" if hidden else visible
    return shown, total


def suppress_sum(counts: Iterable[int]) -> Count:
    """The sum of ``counts`` as shown: ``<5`` when it is 1–4, ``≥N`` when one of the counts is 1–4."""
    cells = list(counts)
    total = sum(cells)
    if is_suppressed(suppress(total)):
        return SUPPRESSED
    return suppress_group(dict(enumerate(cells)))[1]


def lower_bound(value: Count) -> int | None:
    """What a shown count says for sure: the number, N for ``≥N``, None for ``<5``."""
    if isinstance(value, int):
        return value
    return int(value[1:]) if value.startswith("≥") else None
