"""Partner matching: who needs what a cooperative offers (and who can supply a buyer), and why.

For an organisation, its ``OFFERS`` ties (→ Service or Activity) are matched against the
others' ``NEEDS`` ties (or, for a buyer, its ``NEEDS`` against cooperatives' ``OFFERS``). Each
candidate gets a score, a documented weighted sum of three parts in [0, 1]:

* **need** — the best match of an offer with a need: the same Activity subclass or the same
  Service node 1.0, the same PKD class (56.29) or the same service category 0.75, the same PKD
  group (56.2) 0.5, the same division (56) 0.25. PKD levels come from the code string (and from
  Activity ``PART_OF`` ties for codes that do not parse); PKD 2007 and PKD 2025 never mix;
* **place** — the same municipality 1.0, county 0.6, voivodeship 0.3 (see :mod:`.places`);
* **trust** — the resource-allocation index (Zhou, Lü & Zhang 2009) over :data:`TRUST_TIES`,
  ``Σ 1/deg(z)`` over common neighbours ``z``, capped at 1. Resource allocation rather than
  Adamic–Adar because it discounts hubs harder (an OWES that supports 2,000 organisations is
  not a warm introduction).

``score = 0.5·need + 0.3·place + 0.2·trust``. Organisations already tied to the subject by
:data:`PARTNER_TIES` (either way, any date) are left out. The index (needs and offers by PKD
level and by service, the trust adjacency, places) is built once per store write version.

    >>> pkd_levels("56.29.Z")
    [(4, 'PKD2007:56.29.Z'), (3, 'PKD2007:56.29'), (2, 'PKD2007:56.2'), (1, 'PKD2007:56')]
    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> from partnergraph.records import Node
    >>> store = SqliteStore(":memory:")
    >>> _ = store.upsert([Node("org:a", "Organisation", {"name": "A", "kind": "social_cooperative"})], source="doc")
    >>> matching(store, "org:a").rows
    []
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import Analysis, Param, Result, check_kinds, check_node
from partnergraph.queries.places import Place, Places, cached_per_version, no_cyclic_gc, places

__all__ = [
    "ANALYSES",
    "PARTNER_TIES",
    "SUPPLIER_KINDS",
    "TRUST_TIES",
    "MatchIndex",
    "MatchRow",
    "match_index",
    "matching",
    "pkd_levels",
]

TRUST_TIES = ("COOPERATES_WITH", "TRADES_WITH", "SUBCONTRACTS", "SUPPORTS", "FUNDS", "FOUNDED", "REFERS")
"""Ties between two organisations that make one a warm introduction to the other's contacts.
Co-membership of a partnership (MEMBER_OF) and taking part in one event do not count: a
partnership of 30 members would make every member a 'common neighbour' of every other."""
PARTNER_TIES = ("TRADES_WITH", "SUBCONTRACTS", "COOPERATES_WITH")
"""Ties that make two organisations partners already (such candidates are left out)."""
SUPPLIER_KINDS = ("social_cooperative",)
"""Kinds suggested to a buyer (the reverse direction), unless --kinds says otherwise."""
LEVEL_NAMES = {4: "subclass", 3: "class", 2: "group", 1: "division"}
LEVEL_WEIGHT = {4: 1.0, 3: 0.75, 2: 0.5, 1: 0.25}
SERVICE_WEIGHT = {"service": 1.0, "category": 0.75}
PLACE_WEIGHT = {"municipality": 1.0, "county": 0.6, "voivodeship": 0.3}
W_NEED, W_PLACE, W_TRUST = 0.5, 0.3, 0.2
OFFERS, NEEDS = "OFFERS", "NEEDS"
_PKD = re.compile(r"^(\d{2})(?:\.(\d)(\d)?)?(?:\.([A-Z]))?$")

register_messages(
    {
        "q.matching.needs": "needs {item}",
        "q.matching.offers": "offers {item}",
        "q.matching.level.class": "{text} — same PKD class {code}",
        "q.matching.level.group": "{text} — same PKD group {code}",
        "q.matching.level.division": "{text} — same PKD division {code}",
        "q.matching.level.category": "{text} — same service category ({code})",
        "q.matching.place.municipality": "same municipality ({name})",
        "q.matching.place.county": "same county ({name})",
        "q.matching.place.voivodeship": "same voivodeship ({name})",
        "q.matching.via": "reachable through {name}",
        "q.matching.nothing": "{key} has no {tie} ties, so there is nothing to match; add them, e.g. "
        "partnergraph add tie {key} {tie} pkd:56.29.Z",
        "q.matching.partners": "existing partners left out ({n}): {names}",
        "q.matching.direction": "--direction: {value!r} is not one of: auto, offers, needs",
        "q.matching.shown": "showing {shown} of {total} matches",
    }
)


def pkd_levels(code: str, classification: str = "PKD2007") -> list[tuple[int, str]]:
    """The PKD groupings of ``code``, deepest first, as (level rank, classification:code)."""
    found = _PKD.match(code)
    if found is None:
        return []
    division, group, klass, subclass = found.groups()
    levels = [(1, division)]
    if group:
        levels.append((2, f"{division}.{group}"))
    if group and klass:
        levels.append((3, f"{division}.{group}{klass}"))
        if subclass:
            levels.append((4, f"{division}.{group}{klass}.{subclass}"))
    return [(rank, f"{classification}:{text}") for rank, text in reversed(levels)]


@dataclass(frozen=True)
class Item:
    """An Activity or Service that organisations offer or need."""

    key: str
    label: str
    """``Name (56.29.Z)`` for an activity, the name for a service."""
    ancestors: tuple[tuple[int, str], ...] = ()
    category: str | None = None


@dataclass
class MatchIndex:
    """Everything one matching query needs, by dictionary look-up."""

    orgs: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Organisation key → (name shown, kind)."""
    items: dict[str, Item] = field(default_factory=dict)
    own: dict[str, dict[str, list[str]]] = field(default_factory=lambda: {OFFERS: {}, NEEDS: {}})
    """OFFERS/NEEDS → organisation → item keys (sorted)."""
    postings: dict[str, dict[Any, list[tuple[str, str]]]] = field(default_factory=lambda: {OFFERS: {}, NEEDS: {}})
    """OFFERS/NEEDS → (rank, ancestor) | ("service", key) | ("category", code) → [(organisation, item)]."""
    trust: dict[str, set[str]] = field(default_factory=dict)
    partners: dict[str, set[str]] = field(default_factory=dict)


def _items(store: GraphStore) -> dict[str, Item]:
    parents = {t.start: t.end for t in store.iter_ties("PART_OF")}
    activities = {n.key: n for n in store.iter_nodes("Activity")}

    def ancestors(key: str, depth: int = 0) -> tuple[tuple[int, str], ...]:
        node = activities.get(key)
        if node is None or depth > 5:
            return ()
        own = pkd_levels(str(node.props.get("code", "")), str(node.props.get("classification") or "PKD2007"))
        ranks = {rank for rank, _ in own}
        inherited = [a for a in ancestors(parents.get(key, ""), depth + 1) if a[0] not in ranks]
        return tuple(sorted([*own, *inherited], reverse=True))

    items = {
        k: Item(k, f"{n.props.get('name', k)} ({n.props.get('code', k)})", ancestors(k)) for k, n in activities.items()
    }
    for node in store.iter_nodes("Service"):
        items[node.key] = Item(
            node.key, str(node.props.get("name", node.key)), (), str(node.props.get("category") or "") or None
        )
    return items


def _build(store: GraphStore) -> MatchIndex:
    index = MatchIndex(items=_items(store))
    canon: dict[str, str] = {}
    for node in store.iter_nodes("Organisation"):
        canon[node.key] = node.key
        index.orgs[node.key] = (
            str(node.props.get("short_name") or node.props.get("name", node.key)),
            str(node.props.get("kind", "")),
        )
    for tie_type in (OFFERS, NEEDS):
        for tie in store.iter_ties(tie_type):
            if tie.start in canon and tie.end in index.items:
                index.own[tie_type].setdefault(canon[tie.start], []).append(index.items[tie.end].key)
    for tie_type in (OFFERS, NEEDS):
        postings: dict[Any, list[tuple[str, str]]] = defaultdict(list)
        for org in sorted(index.own[tie_type]):
            for key in sorted(set(index.own[tie_type][org])):
                item = index.items[key]
                for ancestor in item.ancestors:
                    postings[ancestor].append((org, key))
                if item.ancestors == ():
                    postings[("service", key)].append((org, key))
                    if item.category:
                        postings[("category", item.category)].append((org, key))
            index.own[tie_type][org] = sorted(set(index.own[tie_type][org]))
        index.postings[tie_type] = dict(postings)
    for tie_type in TRUST_TIES:
        for tie in store.iter_ties(tie_type):
            start, end = canon.get(tie.start), canon.get(tie.end)
            if start is None or end is None or start == end:
                continue
            for a, b in ((start, end), (end, start)):
                index.trust.setdefault(a, set()).add(b)
                if tie_type in PARTNER_TIES:
                    index.partners.setdefault(a, set()).add(b)
    return index


def match_index(store: GraphStore) -> MatchIndex:
    """The matching index of ``store``, built once per write version (one per store, cached)."""
    return cached_per_version(store, "matching", _build)


@dataclass(frozen=True)
class MatchRow:
    """One suggested partner."""

    rank: int
    key: str
    name: str
    kind: str
    score: float
    offered: str
    """The offered item (Activity or Service key): the subject's in the forward direction."""
    needed: str
    level: str
    """subclass | class | group | division (PKD) or service | category."""
    proximity: str | None
    trust: float
    via: str | None
    """The common neighbour with the largest resource-allocation share (1/degree)."""
    reason: str

    LABELS: ClassVar[dict[str, str]] = {
        "rank": "rank",
        "key": "key",
        "name": "name",
        "kind": "kind",
        "score": "score",
        "offered": "offered",
        "needed": "needed",
        "level": "match level",
        "proximity": "proximity",
        "trust": "trust (RA)",
        "via": "via",
        "reason": "reason",
    }


@dataclass
class _Match:
    weight: float
    level: str
    code: str
    own: str
    their: str


def _best_matches(index: MatchIndex, items: Sequence[str], other: str) -> dict[str, _Match]:
    """For each organisation with an ``other`` tie matching one of ``items``: its best match."""
    best: dict[str, _Match] = {}
    postings = index.postings[other]
    for key in items:
        item = index.items[key]
        lookups: list[tuple[Any, float, str, str]] = [
            (a, LEVEL_WEIGHT[a[0]], LEVEL_NAMES[a[0]], a[1].split(":", 1)[1]) for a in item.ancestors
        ]
        if not item.ancestors:
            lookups.append((("service", key), SERVICE_WEIGHT["service"], "service", key))
            if item.category:
                lookups.append((("category", item.category), SERVICE_WEIGHT["category"], "category", item.category))
        for lookup, weight, level, code in lookups:
            for org, their in postings.get(lookup, ()):
                found = best.get(org)
                if found is None or weight > found.weight:
                    best[org] = _Match(weight, level, code, key, their)
    return best


def _nearest(mine: Place, theirs: Place) -> tuple[str | None, str]:
    """The nearest shared area: (municipality | county | voivodeship | None, its key)."""
    if mine.municipality is not None and mine.municipality == theirs.municipality:
        return "municipality", mine.municipality
    if mine.county is not None and mine.county == theirs.county:
        return "county", mine.county
    if mine.voivodeship is not None and mine.voivodeship == theirs.voivodeship:
        return "voivodeship", mine.voivodeship
    return None, ""


def _resource_allocation(index: MatchIndex, subject: str) -> dict[str, tuple[float, str, float]]:
    """For every organisation two trust ties away: (Σ 1/deg(z) over common neighbours z, the z with the
    largest share — the first key among equals —, that share). One walk from ``subject``, not one per candidate."""
    found: dict[str, tuple[float, str, float]] = {}
    for z in sorted(index.trust.get(subject, ())):
        share = 1 / len(index.trust[z])
        for w in index.trust[z]:
            if w != subject:
                total, via, best = found.get(w, (0.0, z, share))
                found[w] = (total + share, *((z, share) if share > best else (via, best)))
    return found


def _reason(
    index: MatchIndex, place_index: Places, match: _Match, forward: bool, place: tuple[str | None, str], via: str | None
) -> str:
    text = str(Msg("q.matching.needs" if forward else "q.matching.offers", item=index.items[match.their].label))
    if match.level not in ("subclass", "service"):
        text = str(Msg(f"q.matching.level.{match.level}", text=text, code=match.code))
    parts = [text]
    if place[0] is not None:
        parts.append(str(Msg(f"q.matching.place.{place[0]}", name=place_index.name(place[1]).removeprefix("powiat "))))
    if via is not None:
        parts.append(str(Msg("q.matching.via", name=index.orgs[via][0])))
    return "; ".join(parts)


@dataclass(frozen=True)
class _Scored:
    score: float
    ra: float
    via: str | None
    place: tuple[str | None, str]


def _score(
    place_index: Places, reach: dict[str, tuple[float, str, float]], subject: str, org: str, match: _Match
) -> _Scored:
    place = _nearest(place_index.of(subject), place_index.of(org))
    ra, via, _ = reach.get(org, (0.0, None, 0.0))
    score = W_NEED * match.weight + W_PLACE * PLACE_WEIGHT.get(place[0] or "", 0.0) + W_TRUST * min(1.0, ra)
    return _Scored(round(score, 4), round(ra, 4), via, place)


def _ranked(
    place_index: Places,
    reach: dict[str, tuple[float, str, float]],
    subject: str,
    candidates: list[tuple[str, _Match]],
    min_score: float,
) -> list[tuple[float, float, str]]:
    """(−score, −trust, key) of every candidate scoring at least ``min_score``: the hot loop, kept lean
    (the same arithmetic as :func:`_score`, without building its record)."""
    mine, of, nothing = place_index.of(subject), place_index.of, (0.0, "", 0.0)
    rows = []
    for org, match in candidates:
        place = PLACE_WEIGHT.get(_nearest(mine, of(org))[0] or "", 0.0)
        ra = reach.get(org, nothing)[0]
        score = round(W_NEED * match.weight + W_PLACE * place + W_TRUST * min(1.0, ra), 4)
        if score >= min_score:
            rows.append((-score, -round(ra, 4), org))
    return rows


def _row(
    index: MatchIndex, place_index: Places, rank: int, org: str, match: _Match, scored: _Scored, forward: bool
) -> MatchRow:
    """The row of a candidate (the reason text is built only for the rows shown)."""
    offered, needed = (match.own, match.their) if forward else (match.their, match.own)
    name, kind = index.orgs[org]
    reason = _reason(index, place_index, match, forward, scored.place, scored.via)
    return MatchRow(
        rank,
        org,
        name,
        kind,
        scored.score,
        offered,
        needed,
        match.level,
        scored.place[0],
        scored.ra,
        scored.via,
        reason,
    )


def matching(
    store: GraphStore,
    subject: str,
    *,
    limit: int = 10,
    min_score: float = 0.0,
    direction: str = "auto",
    kinds: Sequence[str] | None = None,
) -> Result:
    """Ranked partners for organisation ``subject`` (see the module docs for the score).

    ``direction``: ``offers`` — who needs what ``subject`` offers; ``needs`` — who offers what
    it needs (by default only :data:`SUPPLIER_KINDS`); ``auto`` — ``offers`` for a social
    cooperative, ``needs`` for anyone else. ``kinds`` narrows the candidates' kinds.
    """
    with no_cyclic_gc():  # tens of thousands of short-lived objects at 100k organisations (see places.no_cyclic_gc)
        return _matching(store, subject, limit, min_score, direction, kinds)


def _matching(
    store: GraphStore, subject: str, limit: int, min_score: float, direction: str, kinds: Sequence[str] | None
) -> Result:
    check_node(store, subject, "--for", "Organisation")
    check_kinds(store, kinds)
    if direction not in ("auto", "offers", "needs"):
        raise ValidationError([Problem(Msg("q.matching.direction", value=direction))])
    index, place_index = match_index(store), places(store)
    forward = direction == "offers" or (direction == "auto" and index.orgs[subject][1] in SUPPLIER_KINDS)
    own_tie, other_tie = (OFFERS, NEEDS) if forward else (NEEDS, OFFERS)
    allowed = set(kinds) if kinds else (None if forward else set(SUPPLIER_KINDS))
    params = {
        "for": subject,
        "limit": limit,
        "min_score": min_score,
        "direction": direction,
        "kinds": list(kinds or []),
    }
    result = Result("matching", _algorithm(forward), params, [], MatchRow)
    items = index.own[own_tie].get(subject, [])
    if not items:
        result.notes.append(str(Msg("q.matching.nothing", key=subject, tie=own_tie)))
        return result
    partners = index.partners.get(subject, set())
    found = _best_matches(index, items, other_tie)
    left_out = sorted(org for org in found if org in partners)
    candidates = [
        (org, m)
        for org, m in found.items()
        if org != subject and org not in partners and (allowed is None or index.orgs[org][1] in allowed)
    ]
    reach = _resource_allocation(index, subject)
    rows = _ranked(place_index, reach, subject, candidates, min_score)
    top = heapq.nsmallest(max(limit, 0), rows)
    shown = [(org, found[org], _score(place_index, reach, subject, org, found[org])) for _, _, org in top]
    result.rows = [_row(index, place_index, i, org, match, s, forward) for i, (org, match, s) in enumerate(shown, 1)]
    if left_out:
        result.notes.append(
            str(Msg("q.matching.partners", n=len(left_out), names=", ".join(index.orgs[k][0] for k in left_out)))
        )
    if len(rows) > len(top):
        result.notes.append(str(Msg("q.matching.shown", shown=len(top), total=len(rows))))
    result.meta = {"direction": "offers" if forward else "needs", "matches": len(rows), "partners_left_out": left_out}
    return result


def _algorithm(forward: bool) -> str:
    sides = "OFFERS → NEEDS" if forward else "NEEDS → OFFERS"
    return (
        f"{sides} matching: PKD level (subclass 1, class 0.75, group 0.5, division 0.25; codes and Activity PART_OF) or "
        "Service (same node 1, same category 0.75); proximity via LOCATED_IN/PART_OF with TERYT-prefix fallback "
        "(municipality 1, county 0.6, voivodeship 0.3); trust = resource-allocation index Σ1/deg(z) over "
        f"{', '.join(TRUST_TIES)} (undirected, capped at 1); score = {W_NEED}·need + {W_PLACE}·place + {W_TRUST}·trust; "
        f"existing partners ({', '.join(PARTNER_TIES)}) left out; ties of every date count"
    )


def _run(store: GraphStore, **params: Any) -> Result:
    return matching(
        store,
        params["for"],
        limit=params.get("limit", 10),
        min_score=params.get("min_score", 0.0),
        direction=params.get("direction", "auto"),
        kinds=params.get("kinds"),
    )


ANALYSES = (
    Analysis(
        "matching",
        "Partner matching",
        "For a cooperative: businesses and public bodies that need what it offers (PKD, services), near it and reachable "
        "through trusted ties, without existing partners — each with a reason. For a buyer: cooperatives that can supply it.",
        (
            Param(
                "for",
                "key",
                "The organisation to find partners for (key, e.g. org:ss-kwilecka-kuchnia).",
                required=True,
            ),
            Param("limit", "int", "At most this many candidates.", default=10),
            Param(
                "min_score",
                "float",
                "Only candidates scoring at least this (0–1).",
                default=0.0,
            ),
            Param(
                "direction",
                "choice",
                "offers: who needs what it offers; needs: who offers what it needs; auto: offers for a social cooperative, "
                "needs for others.",
                default="auto",
                choices=("auto", "offers", "needs"),
            ),
            Param(
                "kinds",
                "list",
                "Only candidates of these kinds (default: all; for a buyer: social cooperatives).",
            ),
        ),
        _run,
    ),
)
