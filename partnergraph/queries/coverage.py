"""Support coverage and referral flows: the Social Economy Centre model.

* ``coverage`` — per municipality and service (the Services scheme of models.ttl, or
  ``--services``): offered by a support body (:data:`SUPPORT_KINDS`, ``--support-kinds``)
  located in the gmina, only elsewhere in the same county, or nowhere. A body offers a service
  when it has an OFFERS tie to a Service of that category or gives it (SUPPORTS with
  ``service``). Every current Municipality in the store is listed, with no organisation too
  (units a newer TERC register ended are left out).
* ``referrals`` — REFERS counts from welfare centres and labour offices to CES and on to
  cooperatives, summed over periods per (source, target); with ``--from``/``--to`` only the
  periods lying wholly inside the window count (an aggregate cannot be split by day, so a
  period that only overlaps the window, or has an open end there, is left out and counted in
  a note). Every count from 1 to 4 is ``<5`` (:func:`~partnergraph.queries.privacy.suppress`);
  the total per target is ``≥N`` when one of its flows is hidden. (Publishing two overlapping
  windows can still give a hidden count away by difference: publish one window per period.)

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> referrals(SqliteStore(":memory:")).rows
    []
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, Plural, current_language, register_messages
from partnergraph.queries.base import Analysis, Param, Result, check_kinds
from partnergraph.queries.domain import Places
from partnergraph.queries.privacy import Count, suppress_group
from partnergraph.viz.sankey import Flow, sankey

__all__ = ["ANALYSES", "SUPPORT_KINDS", "CoverageRow", "ReferralRow", "coverage", "referrals", "referrals_chart"]

SUPPORT_KINDS = ("ces", "owes", "welfare_centre", "labour_office", "integration_centre")
"""Support bodies whose services count for coverage. NGOs are left out by default: many offer
some counselling, but they are not part of the public support system the model maps."""

register_messages(
    {
        "q.coverage.municipality": "in the gmina",
        "q.coverage.county": "in the county",
        "q.coverage.missing": "missing",
        "q.coverage.unknown_service": "--services: unknown service {value!r}",
        "q.coverage.total": "total",
        "q.coverage.left_out": Plural(
            "Left out {n} referral period that does not lie wholly inside the date window.",
            "Left out {n} referral periods that do not lie wholly inside the date window.",
            n="n",
        ),
        "q.coverage.suppressed": "Counts from 1 to 4 are shown as <5; totals with a hidden count as ≥N.",
        "q.coverage.chart": "Referrals",
    }
)


@dataclass(frozen=True)
class CoverageRow:
    """Whether one service is available to one municipality, and from whom."""

    key: str
    municipality: str
    municipality_name: str
    county: str | None
    service: str
    service_label: str
    status: str
    status_text: str
    providers: list[str]
    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "municipality": "municipality",
        "municipality_name": "name",
        "county": "county",
        "service": "service",
        "service_label": "service name",
        "status": "code",
        "status_text": "availability",
        "providers": "provided by",
    }


@dataclass(frozen=True)
class ReferralRow:
    """A referral flow (source → target), or the total into a target (``level`` = total)."""

    key: str
    level: str
    source: str
    source_name: str
    source_kind: str
    target: str
    target_name: str
    target_kind: str
    periods: int
    count: Count
    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "level": "level",
        "source": "source",
        "source_name": "name",
        "source_kind": "kind",
        "target": "target",
        "target_name": "target name",
        "target_kind": "target kind",
        "periods": "periods",
        "count": "people",
    }


def _check_services(store: GraphStore, services: Sequence[str] | None) -> list[str]:
    known = store.schema.vocabularies["Services"].concepts
    bad = [s for s in services or () if s not in known]
    if bad:
        hint = Msg("val.types_hint", allowed=", ".join(known))
        raise ValidationError([Problem(Msg("q.coverage.unknown_service", value=s), "", hint) for s in bad])
    return list(services) if services else list(known)


def _offered(places: Places, kinds: set[str]) -> dict[str, set[str]]:
    """Service category → support bodies (of ``kinds``) that offer or give it."""
    offered: dict[str, set[str]] = {}
    graph = places.graph
    for start, end, data in graph.edges(data=True):
        if places.kind(start) not in kinds or graph.nodes[start].get("type") != "Organisation":
            continue
        category = None
        if data["type"] == "OFFERS" and graph.nodes[end].get("type") == "Service":
            category = graph.nodes[end].get("category")
        elif data["type"] == "SUPPORTS":
            category = data.get("service")
        if category:
            offered.setdefault(str(category), set()).add(start)
    return offered


_Where = tuple[dict[str, list[str]], dict[str, list[str]]]


def _where(places: Places, providers: set[str]) -> _Where:
    """Provider names by municipality and by county (sorted)."""
    by_municipality: dict[str, list[str]] = {}
    by_county: dict[str, list[str]] = {}
    for provider in providers:
        municipality = places.municipality(provider)
        county = places.county(municipality)
        if municipality is not None:
            by_municipality.setdefault(municipality, []).append(places.name(provider))
        if county is not None:
            by_county.setdefault(county, []).append(places.name(provider))
    return {k: sorted(v) for k, v in by_municipality.items()}, {k: sorted(v) for k, v in by_county.items()}


def _status(municipality: str, county: str | None, where: _Where) -> tuple[str, list[str]]:
    if municipality in where[0]:
        return "municipality", where[0][municipality]
    if county is not None and county in where[1]:
        return "county", where[1][county]
    return "missing", []


def coverage(
    store: GraphStore,
    *,
    services: Sequence[str] | None = None,
    support_kinds: Sequence[str] | None = None,
    missing_only: bool = False,
) -> Result:
    """Per municipality and service: offered in the gmina, in the county, or missing."""
    wanted = _check_services(store, services)
    kinds = tuple(support_kinds) if support_kinds else SUPPORT_KINDS
    check_kinds(store, kinds, "--support-kinds")
    places = Places.of(store)
    where = {service: _where(places, providers) for service, providers in _offered(places, set(kinds)).items()}
    vocabulary = store.schema.vocabularies["Services"].concepts
    language = current_language()
    rows = []
    municipalities = sorted(places.current("Municipality"), key=lambda m: (places.name(m), m))  # ended units left out
    for municipality in municipalities:
        county = places.county(municipality)
        for service in wanted:
            status, providers = _status(municipality, county, where.get(service, ({}, {})))
            if missing_only and status != "missing":
                continue
            rows.append(
                CoverageRow(
                    f"{municipality}/{service}",
                    municipality,
                    places.name(municipality),
                    places.name(county) if county else None,
                    service,
                    vocabulary[service].label(language),
                    status,
                    str(Msg(f"q.coverage.{status}")),
                    providers,
                )
            )
    algorithm = (
        f"coverage: OFFERS → Service.category or SUPPORTS.service by kinds {', '.join(kinds)}; located by LOCATED_IN; "
        "county by PART_OF or TERYT prefix"
    )
    params = {"services": wanted, "support_kinds": list(kinds), "missing_only": missing_only}
    return Result("coverage", algorithm, params, rows, CoverageRow)


def _inside(props: dict[str, Any], date_from: dt.date | None, date_to: dt.date | None) -> bool:
    since, until = props.get("since"), props.get("until")
    if date_from is not None and not (isinstance(since, dt.date) and since >= date_from):
        return False
    return date_to is None or (isinstance(until, dt.date) and until <= date_to)


def _flows(
    places: Places, date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dict[tuple[str, str], list[int]], int]:
    """(source, target) → counts of the periods inside the window; how many periods were left out."""
    flows: dict[tuple[str, str], list[int]] = {}
    left_out = 0
    for start, end, data in places.graph.edges(data=True):
        if data["type"] != "REFERS":
            continue
        if not _inside(data, date_from, date_to):
            left_out += 1
            continue
        flows.setdefault((start, end), []).append(int(data.get("count") or 0))
    return flows, left_out


def _row(places: Places, level: str, source: str, target: str, periods: int, count: Count) -> ReferralRow:
    name = places.name(source) if source else str(Msg("q.coverage.total"))
    return ReferralRow(
        f"{source or '*'}->{target}",
        level,
        source,
        name,
        places.kind(source) if source else "",
        target,
        places.name(target),
        places.kind(target),
        periods,
        count,
    )


def referrals(store: GraphStore, *, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Result:
    """REFERS counts per (source, target) and per target, small counts suppressed."""
    places = Places.of(store)
    flows, left_out = _flows(places, date_from, date_to)
    rows: list[ReferralRow] = []
    for target in sorted({t for _, t in flows}, key=lambda t: (places.name(t), t)):
        sources = sorted((s for s, t in flows if t == target), key=lambda s: (places.name(s), s))
        shown, total = suppress_group({s: sum(flows[s, target]) for s in sources})
        rows += [_row(places, "flow", s, target, len(flows[s, target]), shown[s]) for s in sources]
        rows.append(_row(places, "total", "", target, sum(len(flows[s, target]) for s in sources), total))
    notes = [str(Msg("q.coverage.suppressed"))]
    if left_out and (date_from or date_to):
        notes.append(str(Msg("q.coverage.left_out", n=left_out)))
    algorithm = (
        "REFERS count summed per (source, target) over periods wholly inside the window; counts 1–4 suppressed (<5), "
        "totals per target ≥N when a flow is hidden"
    )
    params = {"from": date_from.isoformat() if date_from else None, "to": date_to.isoformat() if date_to else None}
    return Result("referrals", algorithm, params, rows, ReferralRow, notes, {"left_out_periods": left_out})


def _run_referrals(store: GraphStore, **params: Any) -> Result:
    return referrals(store, date_from=params.get("from"), date_to=params.get("to"))


def referrals_chart(result: Result) -> str:
    """The flows as a Sankey diagram (suppressed flows drawn thin and labelled <5)."""
    flows = [Flow(r.source_name, r.target_name, r.count) for r in result.rows if r.level == "flow"]
    return sankey(flows, title=str(Msg("q.coverage.chart")))


ANALYSES = (
    Analysis(
        "coverage",
        "Support coverage",
        "For each municipality and service: offered in the gmina, in the county, or missing — and by whom.",
        (
            Param(
                "services",
                "list",
                "Only these services (e.g. admission,job_placement).",
            ),
            Param(
                "support_kinds",
                "list",
                f"Kinds of support bodies (default {','.join(SUPPORT_KINDS)}).",
            ),
            Param("missing_only", "bool", "Only the gaps."),
        ),
        coverage,
    ),
    Analysis(
        "referrals",
        "Referral flows",
        "Referrals welfare centre/labour office → CES → cooperative as aggregate counts; counts 1–4 hidden as <5.",
        (
            Param(
                "from",
                "date",
                "Only periods starting on or after this date.",
            ),
            Param(
                "to",
                "date",
                "Only periods ending on or before this date.",
            ),
        ),
        _run_referrals,
        referrals_chart,
    ),
)
