"""Gmina indicators for the geographic map, its option checks and its messages (``geo.*``).

An indicator gives each gmina a shown value and a colour class:

* ``kind:CODE`` — organisations of that kind located there;
* ``referrals`` — the sum of REFERS ``count`` received by organisations there, through
  :func:`partnergraph.queries.privacy.suppress` (1–4 shown as ``<5``);
* ``services`` — how many services of the Services scheme are available there or in the county,
  from the support-coverage analysis (:func:`partnergraph.queries.coverage.coverage`);
* ``service:CATEGORY`` — that service (a category such as ``admission``, or a Service key) offered
  in the gmina, only in the county, or missing — the coverage statuses.

    >>> classes([0, 1, 2, 2, 9])
    [(1, 1), (2, 2), (9, 9)]
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import Structure
from partnergraph.i18n import Msg, Plural, current_language, register_messages
from partnergraph.queries.privacy import SUPPRESSED, Count, lower_bound, suppress_sum
from partnergraph.records import Tie
from partnergraph.viz.charts import PALETTE

__all__ = [
    "AGGREGATES",
    "COLORS",
    "RAMP",
    "ZERO",
    "Indicator",
    "IndicatorView",
    "check_options",
    "classes",
    "indicator_values",
]

AGGREGATES = ("auto", "municipality", "none")
COLORS = ("kind", "sector")
RAMP = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
"""Sequential colours for counts (ColorBrewer YlGnBu, colour-blind safe); PALETTE is for categories."""
ZERO = "#d9d9d9"

register_messages(
    {
        "geo.title": "Partnership network map",
        "geo.legend.kind": "Organisation kind",
        "geo.legend.sector": "Sector",
        "geo.tip.gmina": "{name} — organisations: {count} ({detail})",
        "geo.note.counts": "On the map: {orgs} organisations in {places} gminas; ties between them: {ties}.",
        "geo.note.aggregated": "Organisations aggregated per gmina: a circle's area is the number of organisations, its colour the most "
        "numerous group, a line the ties between two gminas.",
        "geo.note.auto": "There are {n} organisations on the map, more than {limit}, so they are aggregated per gmina.",
        "geo.note.lines": Plural(
            "The {shown} pair of gminas with most ties is drawn, of {total}.",
            "The {shown} pairs of gminas with most ties are drawn, of {total}.",
            n="shown",
        ),
        "geo.note.unplaced": "Organisations not on the map (no gmina, or a TERYT code without a point): {n} — {names}",
        "geo.note.source": "Gmina points and voivodeship boundaries: GUGiK PRG (see docs/geo.md); equirectangular projection.",
        "geo.note.gminas": "Gminas of the store on the map: {n}.",
        "geo.note.suppressed": "Referral counts from 1 to 4 are shown as “<5”, as small numbers can identify people; in all: {total}.",
        "geo.note.services": "Service availability as in the coverage analysis: offered by a support body in the gmina or the same county.",
        "geo.tip.services": "in the gmina {here}, in the county {county}, missing {missing} (of {n})",
        "geo.ind.kind": "Organisations of kind: {kind}",
        "geo.ind.referrals": "Referrals received (REFERS)",
        "geo.ind.services": "Services available in the gmina or county",
        "geo.ind.service": "Service: {service}",
        "geo.no_folder": "--out: the folder of {path!r} does not exist",
        "geo.no_folder.hint": "create the folder or give another path",
        "geo.bad_indicator": "--indicator: unknown indicator {value!r}",
        "geo.bad_indicator.hint": "available: kind:KIND (e.g. kind:social_cooperative), referrals, services, service:SERVICE",
        "geo.unknown_service": "--indicator: no service {value!r}",
        "geo.bad_choice": "{param}: unknown value {value!r}",
    }
)


@dataclass(frozen=True)
class Indicator:
    name: str
    arg: str = ""
    title: str = ""


@dataclass
class IndicatorView:
    title: str
    values: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Shipped gmina code → (value shown, colour)."""
    legend: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _choice(param: str, value: str | None, allowed: Sequence[str]) -> None:
    if value is not None and value not in allowed:
        hint = Msg("val.types_hint", allowed=", ".join(allowed))
        raise ValidationError([Problem(Msg("geo.bad_choice", param=param, value=value), "", hint)])


def _service(store: GraphStore, arg: str) -> str | None:
    """The Services category meant by ``arg``: the category itself, or a Service node's key (with or without ``service:``)."""
    if arg in store.schema.vocabularies["Services"].concepts:
        return arg
    for key in (arg, f"service:{arg}"):
        node = store.get_node(key)
        if node is not None and node.type == "Service":
            return str(node.props.get("category"))
    return None


def check_options(store: GraphStore, *, indicator: str | None, aggregate: str | None, color: str) -> Indicator | None:
    """The parsed indicator (None for the organisation view); a bad option raises ValidationError naming it."""
    _choice("--aggregate", aggregate, AGGREGATES)
    _choice("--color", color, COLORS)
    if indicator is None:
        return None
    name, _, arg = indicator.partition(":")
    kinds = store.schema.vocabularies["OrganisationKinds"].concepts
    if name == "kind" and arg in kinds:
        return Indicator(name, arg, str(Msg("geo.ind.kind", kind=kinds[arg].label(current_language()))))
    if name in ("referrals", "services") and not arg:
        return Indicator(name, "", str(Msg(f"geo.ind.{name}")))
    if name == "service" and arg:
        category = _service(store, arg)
        concepts = store.schema.vocabularies["Services"].concepts
        if category not in concepts:
            hint = Msg("val.types_hint", allowed=", ".join(sorted(concepts)))
            raise ValidationError([Problem(Msg("geo.unknown_service", value=arg), "", hint)])
        return Indicator(
            name, category, str(Msg("geo.ind.service", service=concepts[category].label(current_language())))
        )
    raise ValidationError([Problem(Msg("geo.bad_indicator", value=indicator), "", Msg("geo.bad_indicator.hint"))])


def classes(values: Sequence[int]) -> list[tuple[int, int]]:
    """Up to five (low, high) classes of the positive values: each value its own class when few, else quintiles."""
    positive = sorted(v for v in values if v > 0)
    distinct = sorted(set(positive))
    if len(distinct) <= len(RAMP):
        return [(v, v) for v in distinct]
    edges = sorted({positive[len(positive) * q // len(RAMP)] for q in range(1, len(RAMP))} | {distinct[-1]})
    bounds, low = [], distinct[0]
    for high in edges:
        if high >= low:
            bounds.append((low, high))
            low = min((v for v in distinct if v > high), default=high + 1)
    return bounds


def _numeric(
    view: IndicatorView,
    counts: Mapping[str, int],
    codes: Sequence[str],
    ramp: Sequence[str] = RAMP,
    shown: Mapping[str, Count] | None = None,
) -> None:
    """Colour each gmina by its class; ``shown`` (suppressed values) puts ``<5`` in a class of its own."""
    hidden = [c for c in codes if shown is not None and shown[c] == SUPPRESSED]
    bounds = classes([counts[c] for c in codes if c not in hidden])
    tally: Counter[int] = Counter()
    for code in codes:
        n = counts[code]
        index = (
            -2 if code in hidden else -1 if n == 0 else next(j for j, (lo, hi) in enumerate(bounds) if lo <= n <= hi)
        )
        colour = ZERO if index == -1 else RAMP[0] if index == -2 else ramp[index]
        tally[index] += 1
        view.values[code] = (str(shown[code] if shown is not None else n), colour)
    labels = {-1: ("0", ZERO), -2: (SUPPRESSED, RAMP[0])}
    labels |= {j: (f"{lo}" if lo == hi else f"{lo}–{hi}", ramp[j]) for j, (lo, hi) in enumerate(bounds)}
    view.legend = [(labels[j][0], labels[j][1], str(tally[j])) for j in sorted(tally, key=lambda j: (j >= 0, j))]


def _valid(tie: Tie, as_of: dt.date | None) -> bool:
    since, until = tie.props.get("since"), tie.props.get("until")
    return as_of is None or not (
        (isinstance(since, dt.date) and since > as_of) or (isinstance(until, dt.date) and until < as_of)
    )


def _located(s: Structure, code_of: Mapping[str, str]) -> dict[int, str]:
    return {i: code_of[m] for i, m in enumerate(s.municipality) if m is not None and m in code_of}


def _ties(
    store: GraphStore, s: Structure, tie_type: str, tie_types: Sequence[str] | None, as_of: dt.date | None
) -> list[Tie]:
    if tie_types is not None and tie_type not in tie_types:
        return []
    return [t for t in store.iter_ties(tie_type) if _valid(t, as_of)]


def indicator_values(
    store: GraphStore,
    s: Structure,
    ind: Indicator,
    code_of: Mapping[str, str],
    codes: Sequence[str],
    *,
    tie_types: Sequence[str] | None = None,
    as_of: dt.date | None = None,
) -> IndicatorView:
    """The value and colour of each gmina in ``codes`` (``code_of``: municipality key → shipped code)."""
    view = IndicatorView(ind.title)
    where = _located(s, code_of)
    counts: Counter[str] = Counter({c: 0 for c in codes})
    if ind.name == "kind":
        counts.update(where[i] for i in where if s.kind[i] == ind.arg and where[i] in counts)
        _numeric(view, counts, codes)
    elif ind.name == "referrals":
        cells: dict[str, list[int]] = {c: [] for c in codes}
        for tie in _ties(store, s, "REFERS", tie_types, as_of):
            i, n = s.index.get(tie.end, -1), tie.props.get("count")
            if i in where and where[i] in cells and isinstance(n, int) and not isinstance(n, bool):
                cells[where[i]].append(n)
        # each gmina's sum as the referrals analysis would show it (≥N when a flow of it is 1–4): colours and
        # the legend see only what is shown, never the raw sum
        shown = {c: suppress_sum(cells[c]) for c in codes}
        counts.update({c: lower_bound(v) or 0 for c, v in shown.items()})
        _numeric(view, counts, codes, shown=shown)
        view.notes.append(str(Msg("geo.note.suppressed", total=suppress_sum(n for c in codes for n in cells[c]))))
    else:
        _services(store, ind, view, code_of, codes)
    view.notes.insert(0, str(Msg("geo.note.gminas", n=len(codes))))
    return view


STATUS_ORDER = ("municipality", "county", "missing")
STATUS_COLOURS = {"municipality": PALETTE[0], "county": PALETTE[5], "missing": PALETTE[1]}


def _services(
    store: GraphStore, ind: Indicator, view: IndicatorView, code_of: Mapping[str, str], codes: Sequence[str]
) -> None:
    """From :func:`partnergraph.queries.coverage.coverage`: the best status of each service per shipped gmina code."""
    from partnergraph.queries.coverage import coverage  # the analysis imports the charts; import it only when asked

    result = coverage(store, services=[ind.arg] if ind.name == "service" else None)
    best: dict[tuple[str, str], str] = {}
    texts: dict[str, str] = {}
    for row in result.rows:
        code = code_of.get(row.municipality)
        if code is not None:
            old = best.get((code, row.service), "missing")
            best[(code, row.service)] = min(old, row.status, key=STATUS_ORDER.index)
            texts[row.status] = row.status_text
    services = sorted({service for _, service in best} | set(result.params["services"]))
    if ind.name == "service":
        tally: Counter[str] = Counter()
        for code in codes:
            status = best.get((code, ind.arg), "missing")
            tally[status] += 1
            view.values[code] = (texts.get(status, status), STATUS_COLOURS[status])
        view.legend = [(texts.get(st, st), STATUS_COLOURS[st], str(tally[st])) for st in STATUS_ORDER if tally[st]]
    else:
        per = {c: Counter(best.get((c, sv), "missing") for sv in services) for c in codes}
        _numeric(view, {c: per[c]["municipality"] + per[c]["county"] for c in codes}, codes)
        for code in codes:
            n = per[code]
            tip = str(
                Msg(
                    "geo.tip.services",
                    here=n["municipality"],
                    county=n["county"],
                    missing=n["missing"],
                    n=len(services),
                )
            )
            view.values[code] = (tip, view.values[code][1])
    view.notes.append(str(Msg("geo.note.services")))
