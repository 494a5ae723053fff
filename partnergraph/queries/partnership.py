"""Partnership composition: sectors present, key actors missing, candidate members and KPIs.

The local partnership-building model asks a coordinator to bring the three sectors (public,
private, social) and the key actors of a gmina to one table. Three analyses:

* ``partnership`` — per partnership (MEMBER_OF; a member gmina counts as public) or, with
  ``--by municipality``, per municipality (the organisations located there): sector counts and
  the key kinds (:data:`KEY_KINDS`, ``--key-kinds``) no member has;
* ``candidates`` — organisations in a partnership's area (the municipalities its members are
  in) that are not members but are tied to members, ranked by the number of members they are
  tied to, then the number and summed strength of those ties (a tie without ``strength``
  counts 1), each with a reason;
* ``kpi`` — the indicators of :data:`KPIS` per partnership, against ``--target name=value``.

"Tied" means any tie but the structural ones (LOCATED_IN, MEMBER_OF, PART_OF), either way.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> partnership(SqliteStore(":memory:")).rows
    []
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import Analysis, Param, Result, check_kinds, check_node
from partnergraph.queries.domain import SECTORS, Places, kind_label, org_ties, sector_label
from partnergraph.schema import load_schema
from partnergraph.viz.charts import bar_chart

__all__ = [
    "ANALYSES",
    "KEY_KINDS",
    "KPIS",
    "LOCAL_GOVERNMENT_KINDS",
    "SOCIAL_ENTERPRISE_KINDS",
    "CandidateRow",
    "CompositionRow",
    "KpiRow",
    "candidates",
    "kpi",
    "partnership",
    "sector_chart",
]

KEY_KINDS = ("labour_office", "business", "welfare_centre", "ces")
"""The key actors a local partnership should have (``--key-kinds`` changes them)."""
SOCIAL_ENTERPRISE_KINDS = frozenset({"social_cooperative"})
"""Social enterprises for the KPIs: social cooperatives. Integration centres and clubs (CIS/KIS)
are reintegration units that do not sell on a market, so they are left out."""
LOCAL_GOVERNMENT_KINDS = frozenset({"municipality_office", "welfare_centre"})
"""Local government for the KPIs: these kinds, and a Municipality node itself."""
KPIS: tuple[str, ...] = ("social_with_business", "cross_sector_ties", "sectors_present", "members_connected")
"""The KPI names (labels: messages ``q.kpi.NAME``); every KPI is "at least the target"."""

register_messages(
    {
        "q.kpi.social_with_business": "share of social enterprises tied to a business and to local government",
        "q.kpi.cross_sector_ties": "cross-sector ties per member",
        "q.kpi.sectors_present": "share of the three sectors present",
        "q.kpi.members_connected": "share of members tied to another member",
    }
)

register_messages(
    {
        "q.partnership.unknown_kpi": "--target: unknown KPI {name!r}",
        "q.partnership.bad_target": "--target: {item!r} is not KPI=number",
        "q.partnership.bad_by": "--by: unknown grouping {value!r}",
        "q.partnership.kpis": "available KPIs: {names}",
        "q.partnership.reason": "tied to {n} {members}: {names}",
        "q.partnership.fills": "fills a gap: {what}",
        "q.partnership.member1": "member",
        "q.partnership.members": "members",
        "q.partnership.pass": "met",
        "q.partnership.fail": "not met",
        "q.partnership.no_target": "no target",
        "q.partnership.no_value": "cannot be computed",
        "q.partnership.chart": "Sectors in partnerships",
        "q.partnership.chart_y": "members",
        "q.partnership.note_municipality": "A municipality that is a member counts as the public sector.",
    }
)

_BY = ("partnership", "municipality")


@dataclass(frozen=True)
class CompositionRow:
    """The sectors and key actors of one partnership or municipality."""

    key: str
    name: str
    members: int
    public: int
    private: int
    social: int
    missing_sectors: list[str]
    missing_kinds: list[str]
    missing: str
    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "name": "name",
        "members": "members",
        "public": "public",
        "private": "private",
        "social": "social",
        "missing_sectors": "missing sectors",
        "missing_kinds": "missing kinds",
        "missing": "what is missing",
    }


@dataclass(frozen=True)
class CandidateRow:
    """An organisation of a partnership's area that could join it."""

    key: str
    partnership: str
    rank: int
    candidate: str
    name: str
    kind: str
    sector: str | None
    members_tied: int
    ties: int
    strength: int
    reason: str
    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "partnership": "partnership",
        "rank": "rank",
        "candidate": "candidate",
        "name": "name",
        "kind": "kind",
        "sector": "sector",
        "members_tied": "members tied",
        "ties": "ties",
        "strength": "total strength",
        "reason": "reason",
    }


@dataclass(frozen=True)
class KpiRow:
    """One KPI of one partnership, against its target if one was set."""

    key: str
    partnership: str
    partnership_name: str
    kpi: str
    label: str
    value: float | None
    detail: str
    target: float | None
    passed: bool | None
    status: str
    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "partnership": "partnership",
        "partnership_name": "name",
        "kpi": "KPI",
        "label": "description",
        "value": "value",
        "detail": "from",
        "target": "target",
        "passed": "passed",
        "status": "status",
    }


def _members(places: Places, partnership_key: str) -> list[str]:
    graph = places.graph
    found = {start for start, _, data in graph.in_edges(partnership_key, data=True) if data["type"] == "MEMBER_OF"}
    return sorted(k for k in found if graph.nodes[k].get("type") in ("Organisation", "Municipality"))


def _groups(places: Places, by: str) -> list[tuple[str, str, list[str]]]:
    """(key, name, members) of each partnership or municipality."""
    if by == "municipality":
        return [(m, places.name(m), places.located([m])) for m in places.shown("Municipality")]
    return [(p, places.name(p), _members(places, p)) for p in places.nodes("Partnership")]


def _composition(places: Places, key: str, name: str, members: list[str], key_kinds: Sequence[str]) -> CompositionRow:
    counts = dict.fromkeys(SECTORS, 0)
    for member in members:
        sector = places.sector(member)
        if sector in counts:
            counts[sector] += 1
    kinds = {places.kind(m) for m in members}
    missing_sectors = [s for s in SECTORS if not counts[s]]
    missing_kinds = [k for k in key_kinds if k not in kinds]
    schema = places.store.schema
    texts = [sector_label(schema, s) for s in missing_sectors] + [kind_label(places.store, k) for k in missing_kinds]
    return CompositionRow(
        key,
        name,
        len(members),
        counts["public"],
        counts["private"],
        counts["social"],
        missing_sectors,
        missing_kinds,
        "; ".join(texts) or "—",
    )


def partnership(store: GraphStore, *, by: str = "partnership", key_kinds: Sequence[str] | None = None) -> Result:
    """Sectors present and key kinds missing, per partnership (or per municipality)."""
    if by not in _BY:
        raise ValidationError(
            [Problem(Msg("q.partnership.bad_by", value=by), "", Msg("val.types_hint", allowed=", ".join(_BY)))]
        )
    kinds = tuple(key_kinds) if key_kinds else KEY_KINDS
    check_kinds(store, kinds, "--key-kinds")
    places = Places.of(store)
    rows = [_composition(places, key, name, members, kinds) for key, name, members in _groups(places, by)]
    notes = [str(Msg("q.partnership.note_municipality"))] if by == "partnership" else []
    algorithm = f"composition by {by}: sector = property, else the kind's default sector; key kinds {', '.join(kinds)}"
    return Result("partnership", algorithm, {"by": by, "key_kinds": list(kinds)}, rows, CompositionRow, notes)


def _candidate(
    places: Places, partnership_key: str, key: str, members: set[str], gaps: set[str]
) -> CandidateRow | None:
    tied: dict[str, int] = {}
    strength = 0
    for other, _, data in org_ties(places.graph, key):
        if other in members:
            tied[other] = tied.get(other, 0) + 1
            strength += int(data.get("strength") or 1)
    if not tied:
        return None
    names = sorted(places.name(m) for m in tied)
    word = Msg("q.partnership.member1" if len(tied) == 1 else "q.partnership.members")
    shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
    reason = str(Msg("q.partnership.reason", n=len(tied), members=word, names=shown))
    fills = [kind_label(places.store, places.kind(key))] if places.kind(key) in gaps else []
    fills += [sector_label(places.store.schema, s) for s in [places.sector(key)] if s in gaps]
    if fills:
        reason += "; " + str(Msg("q.partnership.fills", what=", ".join(fills)))
    return CandidateRow(
        f"{partnership_key}/{key}",
        partnership_key,
        0,
        key,
        places.name(key),
        places.kind(key),
        places.sector(key),
        len(tied),
        sum(tied.values()),
        strength,
        reason,
    )


def _candidates_of(places: Places, partnership_key: str, limit: int) -> list[CandidateRow]:
    members = _members(places, partnership_key)
    area = _area(places, members)
    row = _composition(places, partnership_key, "", members, KEY_KINDS)
    gaps = set(row.missing_kinds) | set(row.missing_sectors)
    found = [
        _candidate(places, partnership_key, key, set(members), gaps)
        for key in places.located(area)
        if key not in members
    ]
    ranked = sorted(
        (c for c in found if c is not None), key=lambda c: (-c.members_tied, -c.ties, -c.strength, c.name, c.candidate)
    )
    return [replace(c, rank=i) for i, c in enumerate(ranked[:limit], start=1)]


def candidates(store: GraphStore, *, partnership: str | None = None, limit: int = 10) -> Result:
    """Organisations of each partnership's area tied to members but not members, ranked."""
    if partnership is not None:
        check_node(store, partnership, "--partnership", "Partnership")
    places = Places.of(store)
    keys = [partnership] if partnership is not None else places.nodes("Partnership")
    rows = [row for key in keys for row in _candidates_of(places, key, limit)]
    algorithm = (
        "candidates: organisations located in the members' municipalities, not members, tied to members (any tie "
        "but LOCATED_IN/MEMBER_OF/PART_OF, either way); ranked by members tied, ties, summed strength (missing = 1)"
    )
    return Result("candidates", algorithm, {"partnership": partnership, "limit": limit}, rows, CandidateRow)


def _parse_targets(items: Sequence[str] | None) -> dict[str, float]:
    targets: dict[str, float] = {}
    problems: list[Problem] = []
    hint = Msg("q.partnership.kpis", names=", ".join(KPIS))
    for item in items or ():
        name, sep, raw = (part.strip() for part in item.partition("="))
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            value = None
        if name not in KPIS:
            problems.append(Problem(Msg("q.partnership.unknown_kpi", name=name), "", hint))
        elif not sep or value is None or value != value:
            problems.append(Problem(Msg("q.partnership.bad_target", item=item), "", hint))
        else:
            targets[name] = value
    if problems:
        raise ValidationError(problems)
    return targets


def _share(part: int, whole: int) -> tuple[float | None, str]:
    return (part / whole if whole else None), f"{part}/{whole}"


def _area(places: Places, members: Sequence[str]) -> set[str]:
    """The municipalities the members are located in (a member gmina is in itself)."""
    return {m for m in (places.municipality(k) for k in members) if m is not None}


def _social_with_business(places: Places, members: list[str]) -> tuple[float | None, str]:
    graph = places.graph
    pool = set(members) | set(places.located(_area(places, members)))
    enterprises = sorted(k for k in pool if places.kind(k) in SOCIAL_ENTERPRISE_KINDS)
    ok = 0
    for enterprise in enterprises:
        others = [other for other, _, _ in org_ties(graph, enterprise)]
        business = any(places.kind(o) == "business" for o in others)
        local = any(
            places.kind(o) in LOCAL_GOVERNMENT_KINDS or graph.nodes[o].get("type") == "Municipality" for o in others
        )
        ok += business and local
    return _share(ok, len(enterprises))


def _kpi_values(places: Places, members: list[str]) -> dict[str, tuple[float | None, str]]:
    member_set = set(members)
    cross: set[frozenset[str]] = set()
    connected = 0
    for member in members:
        others = {other for other, _, _ in org_ties(places.graph, member)}
        mine = places.sector(member)
        cross |= {frozenset((member, o)) for o in others if mine and places.sector(o) not in (None, mine)}
        connected += bool(others & member_set)
    present = {places.sector(m) for m in members} & set(SECTORS)
    per_member = (len(cross) / len(members) if members else None), f"{len(cross)}/{len(members)}"
    return {
        "social_with_business": _social_with_business(places, members),
        "cross_sector_ties": per_member,
        "sectors_present": _share(len(present), len(SECTORS)),
        "members_connected": _share(connected, len(members)),
    }


def _kpi_row(key: str, name: str, kpi_name: str, value: float | None, detail: str, target: float | None) -> KpiRow:
    passed = None if target is None or value is None else value >= target
    if target is None:
        status = Msg("q.partnership.no_target")
    elif value is None:
        status = Msg("q.partnership.no_value")
    else:
        status = Msg("q.partnership.pass" if passed else "q.partnership.fail")
    label = str(Msg(f"q.kpi.{kpi_name}"))
    rounded = None if value is None else round(value, 4)
    return KpiRow(f"{key}/{kpi_name}", key, name, kpi_name, label, rounded, detail, target, passed, str(status))


def kpi(store: GraphStore, *, target: Sequence[str] | None = None, partnership: str | None = None) -> Result:
    """The KPIs of :data:`KPIS` per partnership, pass or fail against the targets given."""
    targets = _parse_targets(target)
    if partnership is not None:
        check_node(store, partnership, "--partnership", "Partnership")
    places = Places.of(store)
    rows = []
    for key in [partnership] if partnership is not None else places.nodes("Partnership"):
        values = _kpi_values(places, _members(places, key))
        rows += [_kpi_row(key, places.name(key), k, *values[k], targets.get(k)) for k in KPIS]
    algorithm = (
        "KPIs over MEMBER_OF members; social enterprises = social_cooperative members or in the members' municipalities; "
        "local government = municipality_office, welfare_centre or a Municipality; cross-sector ties = distinct pairs "
        "(member, other) of different sectors with any non-structural tie, per member; passed = value ≥ target"
    )
    return Result("kpi", algorithm, {"target": targets, "partnership": partnership}, rows, KpiRow)


def sector_chart(result: Result) -> str:
    """Stacked bars: members per sector in each partnership (or municipality)."""
    rows: list[CompositionRow] = list(result.rows)
    series = {sector_label(load_schema(), s): [float(getattr(r, s)) for r in rows] for s in SECTORS}
    return bar_chart(
        [r.name for r in rows],
        series,
        title=str(Msg("q.partnership.chart")),
        ylabel=str(Msg("q.partnership.chart_y")),
        stacked=True,
        horizontal=True,
    )


_KEY_KINDS_PARAM = Param(
    "key_kinds",
    "list",
    f"Key organisation kinds (default {','.join(KEY_KINDS)}).",
)
_PARTNERSHIP_PARAM = Param(
    "partnership",
    "key",
    "Only this partnership (key, e.g. partnership:lokalne-kwilcz).",
)

ANALYSES = (
    Analysis(
        "partnership",
        "Partnership composition",
        "Sectors present in each partnership (or municipality) and the key actors missing.",
        (
            Param(
                "by",
                "choice",
                "By partnership or by municipality.",
                default="partnership",
                choices=_BY,
            ),
            _KEY_KINDS_PARAM,
        ),
        partnership,
        sector_chart,
    ),
    Analysis(
        "candidates",
        "Candidate members",
        "Organisations in a partnership's area tied to members but not members, with the reason.",
        (
            _PARTNERSHIP_PARAM,
            Param(
                "limit",
                "int",
                "At most this many candidates per partnership.",
                default=10,
            ),
        ),
        candidates,
    ),
    Analysis(
        "kpi",
        "Partnership KPIs",
        "Partnership KPIs against the coordinator's targets, e.g. --target social_with_business=0.5,cross_sector_ties=1.5.",
        (
            Param(
                "target",
                "list",
                f"Targets KPI=number, comma-separated; KPIs: {', '.join(KPIS)}.",
            ),
            _PARTNERSHIP_PARAM,
        ),
        kpi,
    ),
)
