"""Dependency: how concentrated a cooperative's buyers and funders are.

For each social cooperative (``--kinds`` widens it): its buyers — TRADES_WITH where it is the
seller, and SUBCONTRACTS where it is the subcontractor (the contractor buys its work) — and
its funders (FUNDS to it). Shares are by ``amount`` when every one of its trade and funding
ties has an amount, else by tie count (mixing money and counts would mean nothing); the row
says which (``basis``). Indicators:

* ``largest_share`` — the largest buyer's share of what buyers bought;
* ``hhi`` — the Herfindahl–Hirschman index over buyers' shares in per cent, 0–10,000
  (Σ (100·sᵢ)²; one buyer = 10,000);
* ``public_share`` — the share of buyers' and funders' money (or ties) from the public sector
  (sector property, else the kind's default; a Municipality is public);
* ``social_clause`` — contracts (TRADES_WITH) with ``social_clause`` set.

Flagged when HHI ≥ ``--hhi-threshold`` (default 2,500: the US DoJ/FTC "highly concentrated"
line) or the largest share ≥ ``--max-share`` (default 0.5).

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> dependency(SqliteStore(":memory:")).rows
    []
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import Analysis, Param, Result, check_kinds
from partnergraph.queries.domain import Places

__all__ = ["ANALYSES", "DEFAULT_KINDS", "HHI_THRESHOLD", "MAX_SHARE", "DependencyRow", "dependency", "hhi"]

DEFAULT_KINDS = ("social_cooperative",)
HHI_THRESHOLD = 2500.0
"""US DoJ/FTC Horizontal Merger Guidelines (2010): above 2,500 a market is highly concentrated."""
MAX_SHARE = 0.5

register_messages(
    {
        "q.dependency.amount": "amounts",
        "q.dependency.ties": "tie count",
        "q.dependency.no_buyers": "no buyers",
        "q.dependency.hhi": "HHI {hhi:.0f} ≥ {limit:.0f}",
        "q.dependency.share": "largest buyer {name}: {share:.0%} ≥ {limit:.0%}",
        "q.dependency.ok": "below the thresholds",
        "q.dependency.bad_share": "--max-share: {value} is not a share from 0 to 1",
        "q.dependency.bad_hhi": "--hhi-threshold: {value} is not within 0–10000",
    }
)


@dataclass(frozen=True)
class DependencyRow:
    """How one cooperative depends on its buyers and funders."""

    key: str
    name: str
    kind: str
    basis: str
    basis_text: str
    buyers: int
    funders: int
    largest_buyer: str | None
    largest_share: float | None
    hhi: float | None
    public_share: float | None
    social_clause: int
    flagged: bool
    reason: str
    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "name": "name",
        "kind": "kind",
        "basis": "basis",
        "basis_text": "counted by",
        "buyers": "buyers",
        "funders": "funders",
        "largest_buyer": "largest buyer",
        "largest_share": "its share",
        "hhi": "HHI (0–10000)",
        "public_share": "public share",
        "social_clause": "social-clause contracts",
        "flagged": "flagged",
        "reason": "reason",
    }


def hhi(values: Sequence[float]) -> float:
    """The Herfindahl–Hirschman index of ``values`` (shares in per cent, squared, summed: 0–10,000).

    >>> hhi([60, 30, 10])   # shares 60 %, 30 %, 10 %: 60² + 30² + 10² = 3600 + 900 + 100
    4600.0
    """
    total = sum(values)
    return sum((100.0 * v / total) ** 2 for v in values) if total else 0.0


def _income(places: Places, key: str) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
    """(buyer, tie data) and (funder, tie data) pairs of ``key``."""
    graph = places.graph
    buyers = [(end, d) for _, end, d in graph.out_edges(key, data=True) if d["type"] == "TRADES_WITH"]
    buyers += [(start, d) for start, _, d in graph.in_edges(key, data=True) if d["type"] == "SUBCONTRACTS"]
    funders = [(start, d) for start, _, d in graph.in_edges(key, data=True) if d["type"] == "FUNDS"]
    return buyers, funders


def _totals(pairs: list[tuple[str, dict[str, Any]]], by_amount: bool) -> dict[str, float]:
    totals: dict[str, float] = {}
    for other, data in pairs:
        totals[other] = totals.get(other, 0.0) + (float(data["amount"]) if by_amount else 1.0)
    return totals


def _reason(
    places: Places, hhi_value: float | None, top: str | None, share: float | None, limits: tuple[float, float]
) -> list[str]:
    if hhi_value is None:
        return []
    found = [str(Msg("q.dependency.hhi", hhi=hhi_value, limit=limits[0]))] if hhi_value >= limits[0] else []
    if share is not None and share >= limits[1]:
        found.append(str(Msg("q.dependency.share", name=places.name(top or ""), share=share, limit=limits[1])))
    return found


def _row(places: Places, key: str, limits: tuple[float, float]) -> DependencyRow:
    buyers, funders = _income(places, key)
    by_amount = bool(buyers or funders) and all(d.get("amount") not in (None, 0) for _, d in buyers + funders)
    bought, funded = _totals(buyers, by_amount), _totals(funders, by_amount)
    total = sum(bought.values())
    top = min(bought, key=lambda b: (-bought[b], b)) if bought else None
    share = bought[top] / total if top is not None and total else None
    hhi_value = round(hhi(list(bought.values())), 1) if bought else None
    income = {**{f"b:{k}": v for k, v in bought.items()}, **{f"f:{k}": v for k, v in funded.items()}}
    public = sum(v for k, v in income.items() if places.sector(k[2:]) == "public")
    public_share = round(public / sum(income.values()), 4) if income else None
    reasons = _reason(places, hhi_value, top, share, limits)
    text = "; ".join(reasons) or str(Msg("q.dependency.ok" if bought else "q.dependency.no_buyers"))
    basis = "amount" if by_amount else "ties"
    clause = sum(1 for _, d in buyers if d["type"] == "TRADES_WITH" and d.get("social_clause"))
    return DependencyRow(
        key,
        places.name(key),
        places.kind(key),
        basis,
        str(Msg(f"q.dependency.{basis}")),
        len(bought),
        len(funded),
        places.name(top) if top else None,
        round(share, 4) if share is not None else None,
        hhi_value,
        public_share,
        clause,
        bool(reasons),
        text,
    )


def _check_limits(hhi_threshold: float, max_share: float) -> None:
    problems = []
    if not 0 <= hhi_threshold <= 10000:
        problems.append(Problem(Msg("q.dependency.bad_hhi", value=hhi_threshold)))
    if not 0 <= max_share <= 1:
        problems.append(Problem(Msg("q.dependency.bad_share", value=max_share)))
    if problems:
        raise ValidationError(problems)


def dependency(
    store: GraphStore,
    *,
    kinds: Sequence[str] | None = None,
    hhi_threshold: float = HHI_THRESHOLD,
    max_share: float = MAX_SHARE,
) -> Result:
    """Buyer concentration (largest share, HHI) and public share of each cooperative, flagged."""
    wanted = tuple(kinds) if kinds else DEFAULT_KINDS
    check_kinds(store, wanted)
    _check_limits(hhi_threshold, max_share)
    places = Places.of(store)
    keys = [k for k in places.nodes("Organisation") if places.kind(k) in wanted]
    rows = sorted(
        (_row(places, k, (hhi_threshold, max_share)) for k in keys),
        key=lambda r: (not r.flagged, -(r.hhi or 0), r.name, r.key),
    )
    algorithm = (
        "buyers = TRADES_WITH (seller→buyer) + SUBCONTRACTS (contractor→subcontractor); funders = FUNDS; by amount when "
        "every tie has one, else tie count; HHI = Σ(100·share)², 0–10000; flagged: HHI ≥ limit or top share ≥ max"
    )
    params = {"kinds": list(wanted), "hhi_threshold": hhi_threshold, "max_share": max_share}
    return Result("dependency", algorithm, params, rows, DependencyRow)


ANALYSES = (
    Analysis(
        "dependency",
        "Dependency",
        "Concentration of each cooperative's buyers and funders: largest buyer's share, HHI, share of public money.",
        (
            Param(
                "kinds",
                "list",
                "Organisation kinds (default social_cooperative).",
            ),
            Param(
                "hhi_threshold",
                "float",
                "HHI threshold (0–10000; 2500 = highly concentrated per the US DoJ).",
                default=HHI_THRESHOLD,
            ),
            Param(
                "max_share",
                "float",
                "Threshold of the largest buyer's share (0–1).",
                default=MAX_SHARE,
            ),
        ),
        dependency,
    ),
)
