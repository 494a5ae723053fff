"""Two-language user messages, Polish first, English available, through gettext catalogues.

Every text a user reads is a :class:`Msg`: a message id from :data:`MESSAGES` and its
parameters, rendered in the current language when it is turned into a string. The language
is chosen per context (:func:`use_language`), so a web request and a CLI call never leak
their choice into each other.

The code holds each message's English source text, registered under its id
(:func:`register_messages`); a message whose wording depends on a number is a :class:`Plural`.
The translations are gettext catalogues that translators know: ``locale/pl/LC_MESSAGES/
partnergraph.po`` holds the Polish text of every message (the message id is its ``msgctxt``)
with Polish plural forms (1 problem, 2 problemy, 5 problemów), and ``locale/partnergraph.pot``
is the template extracted from the code (``make messages``, :mod:`tools.messages`). Numbers in
a message are written for its language by Babel: ``0,2 s`` in Polish, ``0.2 s`` in English.

    >>> with use_language("en"):
    ...     str(Msg("store.node_missing", key="krs:0000000001"))
    'no node with key krs:0000000001'
    >>> str(Msg("store.node_missing", key="krs:0000000001"))
    'brak węzła o kluczu krs:0000000001'
"""

from __future__ import annotations

import contextvars
import functools
import gettext
import re
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "MESSAGES",
    "SOURCE_LANGUAGE",
    "Catalogue",
    "Msg",
    "Plural",
    "catalogue",
    "current_language",
    "format_number",
    "register_messages",
    "t",
    "translate",
    "use_language",
]

LANGUAGES = ("pl", "en")
SOURCE_LANGUAGE = "en"
"""The language of the texts in the code (gettext ``msgid``); the others come from catalogues."""
DOMAIN = "partnergraph"
LOCALE_DIR = Path(__file__).with_name("locale")
_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="pl")


@dataclass(frozen=True)
class Plural:
    """The English source of a message whose wording depends on the number in parameter ``n``.

    >>> Plural("{count} problem", "{count} problems").pick(2)
    '{count} problems'
    """

    one: str
    other: str
    n: str = "count"

    def pick(self, count: int) -> str:
        """The English form for ``count`` (English has two forms: 1 and the rest)."""
        return self.one if count == 1 else self.other


Source = str | Plural

# id: English source (a str, or a Plural). Placeholders use str.format syntax; the Polish texts are in
# locale/pl/LC_MESSAGES/partnergraph.po.
MESSAGES: dict[str, Source] = {
    # configuration
    "config.bad_url": "unknown store URL {url!r}",
    "config.bad_url.hint": "use sqlite:///path.db or neo4j://host:7687 (or bolt://…)",
    "config.bad_timeout": "{value!r} is not a number of seconds (expected a non-negative number, e.g. 30 or 2.5)",
    "config.bad_language": "unknown language {value!r}; available: pl, en",
    # schema (models.ttl)
    "schema.parse": "models.ttl cannot be read: {detail}",
    "schema.term": "models.ttl, term {term}: {detail}",
    # validation
    "val.unknown_node_type": "unknown node type {value!r}",
    "val.unknown_tie_type": "unknown tie type {value!r}",
    "val.types_hint": "allowed: {allowed}",
    "val.available_hint": "available: {allowed}",
    "val.unknown_property": "{owner} has no property {name!r}",
    "val.required": "required property {name!r} is missing",
    "val.bad_integer": "{value!r} is not a whole number",
    "val.bad_decimal": "{value!r} is not a number",
    "val.bad_boolean": "{value!r} is not a yes/no value (tak/nie, true/false, 1/0)",
    "val.bad_date": "{value!r} is not a date; write YYYY-MM-DD (2024-03-01) or DD.MM.YYYY (01.03.2024)",
    "val.bad_text": "{value!r} is not text",
    "val.empty": "value of {name!r} is empty",
    "val.pattern": "{name} {value!r} has the wrong format (expected: {expected})",
    "val.checksum": "{name} {value!r} fails its checksum",
    "val.checksum.hint": "check the number in the register; a typo in one digit changes the checksum",
    "val.vocabulary": "{value!r} is not an allowed value of {name!r}",
    "val.range": "{name} = {value} is out of range {low}…{high}",
    "val.order": "{first} ({a}) is later than {second} ({b})",
    "val.no_key": "a {type} node has no key and no identifier ({fields})",
    "val.no_key.hint": "give a key such as {example}, or one of the identifiers",
    "val.bad_key": "key {key!r} is malformed; expected prefix:value such as {example}",
    "val.what_key": "key",
    "val.what_tie_id": "tie id",
    "val.long_key": Plural(
        "the {what} has {length} character; at most {limit} are allowed: {start}…",
        "the {what} has {length} characters; at most {limit} are allowed: {start}…",
        n="length",
    ),
    "val.long_key.hint": "give a shorter key or id, or shorten the name it is made from",
    "val.key_prefix": "key {key!r} does not fit type {type}; allowed prefixes: {allowed}",
    "val.key_mismatch": "key {key!r} disagrees with property {name} = {value!r}",
    "val.endpoint": "{tie} cannot {end} at a {type} node; allowed: {allowed}",
    "val.endpoint_kind": "{tie} cannot {end} at an organisation of kind {kind!r}; allowed: {allowed}",
    "val.start": "start",
    "val.end": "end",
    "val.self_loop": "tie {tie} links {key} to itself",
    "val.summary": Plural("{count} problem in the data", "{count} problems in the data"),
    "val.digits": "{n} digits",
    # counted nouns, for messages with more than one number (each number gets its own plural form)
    "n.nodes": Plural("{count} node", "{count} nodes"),
    "n.edges": Plural("{count} edge", "{count} edges"),
    "n.ties": Plural("{count} tie", "{count} ties"),
    "n.organisations": Plural("{count} organisation", "{count} organisations"),
    "n.points": Plural("{count} point", "{count} points"),
    "n.lines": Plural("{count} line", "{count} lines"),
    # store
    "store.node_missing": "no node with key {key}",
    "store.tie_missing": "no tie {tie}",
    "store.endpoint_missing": "tie {tie} points at a missing node {key}",
    "store.endpoint_missing.hint": "add node {key} first (or correct the key)",
    "store.type_change": "node {key} is a {old}, not a {new}",
    "store.has_ties": Plural(
        "node {key} has {count} tie; delete it with the node (cascade) or first",
        "node {key} has {count} ties; delete them with it (cascade) or first",
    ),
    "store.has_ties.hint": "add --cascade",
    "store.busy": "store {url} has been locked by another writer for more than {seconds} s",
    "store.busy.hint": "try again in a moment",
    "store.open.hint": "check the path and the file permissions",
    "store.not_store": "{path} is not a partnergraph store (another application's SQLite file, or damaged)",
    "store.newer": "store {url} comes from a newer partnergraph (schema {found} > {known})",
    "store.newer.hint": "upgrade partnergraph",
    "store.no_version": "no write with version {version}",
    "store.revert_conflict": "cannot revert the change to {entity} {key}: it changed again later (version {later})",
    "store.revert_conflict.hint": "revert version {later} first",
    "store.bad_property_filter": "cannot filter on {name!r}",
    "store.unavailable": "store {url} is unavailable: {detail}",
    "store.auth": "store {url} rejected the login of user {user!r}",
    "store.auth.hint": "check PARTNERGRAPH_NEO4J_USER and PARTNERGRAPH_NEO4J_PASSWORD",
    "store.unreachable.hint": "check that the server is running and the host and port are right",
    "store.driver_missing": "{url} needs the package {package}",
    "store.driver_missing.hint": "install it: pip install {package}",
    # data files
    "data.bad_json": "invalid JSON: {detail}",
    "data.bad_field": "field {field} is missing or of the wrong type",
    "data.bad_record": 'a record needs a "node" or a "tie" field',
    "cli.bad_assignment": "{text!r} is not a property=value assignment",
}


def register_messages(messages: Mapping[str, Source]) -> None:
    """Add a module's own messages (id: English source); ids must be new."""
    clash = set(messages) & set(MESSAGES)
    if clash:
        raise ValueError(f"message ids already used: {sorted(clash)}")
    MESSAGES.update(messages)


@dataclass(frozen=True)
class Catalogue:
    """One language's translations, read from its ``.po`` file.

    ``texts`` maps (msgctxt, msgid) to the translated text, or to its plural forms in the
    order of the catalogue's ``Plural-Forms`` rule. Fuzzy entries are not translations.
    """

    language: str
    texts: Mapping[tuple[str | None, str], str | tuple[str, ...]]
    plural_rule: str

    @functools.cached_property
    def _plural_index(self) -> Any:
        return gettext.c2py(self.plural_rule)

    def lookup(self, context: str | None, source: Source, count: int | None = None) -> str | None:
        """The translation of ``source`` in ``context``, or None when the catalogue has none."""
        msgid = source.one if isinstance(source, Plural) else source
        found = self.texts.get((context, msgid))
        if found is None:
            return None
        if isinstance(found, tuple):
            index = self._plural_index(abs(int(count or 0)))
            return found[index] if index < len(found) and found[index] else None
        return found or None


@functools.cache
def catalogue(language: str) -> Catalogue | None:
    """The catalogue of ``language`` (None for the source language, English)."""
    if language == SOURCE_LANGUAGE:
        return None
    from babel.messages.pofile import read_po  # Babel reads the .po translators edit; no compiled .mo to keep

    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as file:
        catalog = read_po(file, locale=language, domain=DOMAIN)
    texts: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        value = message.string
        texts[(message.context, msgid)] = tuple(value) if isinstance(value, tuple | list) else str(value or "")
    return Catalogue(language, texts, catalog.plural_expr)


def translate(source: Source, context: str | None = None, language: str | None = None, count: int | None = None) -> str:
    """``source`` (English, as in the code) in ``language``; English when no translation is known."""
    language = language or _language.get()
    book = catalogue(language)
    found = book.lookup(context, source, count) if book else None
    if found is not None:
        return found
    return source.pick(int(count or 0)) if isinstance(source, Plural) else source


_SPEC = re.compile(r"(?P<align>[<>^]?\d*)(?P<group>[,_]?)(?:\.(?P<precision>\d+))?(?P<type>[f%]?)")


def format_number(value: float | Decimal | int, language: str | None = None, spec: str = "") -> str:
    """A number written for ``language``: a decimal comma in Polish, thousands grouped only when ``spec`` asks (``,``).

    Numbers in messages are codes, counts and thresholds a user compares with what they typed, so
    they are not grouped unless asked; a whole number written as a float loses its ``.0``.

    >>> format_number(0.2, "pl"), format_number(0.2, "en"), format_number(0.256, "pl", ".1%"), format_number(4600.0, "pl")
    ('0,2', '0.2', '25,6%', '4600')
    >>> format_number(12345.5, "pl", ",.1f"), format_number(12345.5, "en", ",.1f")
    ('12\xa0345,5', '12,345.5')
    """
    from babel.numbers import format_decimal, format_percent

    locale = language or _language.get()
    match = _SPEC.fullmatch(spec)
    if match is None:
        return format(value, spec)
    precision, grouped = match["precision"], bool(match["group"])
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * int(precision) if precision and int(precision) else "")
    if match["type"] == "%":
        text = format_percent(value, format=pattern + "%", locale=locale)
    elif precision is not None:
        text = format_decimal(value, format=pattern, locale=locale)
    else:
        number = Decimal(str(value)) if isinstance(value, float) else value
        text = format_decimal(number, locale=locale, decimal_quantization=False, group_separator=grouped)
    return format(text, match["align"]) if match["align"] else text


class _Formatter(string.Formatter):
    """str.format with numbers written for the language; whole numbers stay as they are."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, float | Decimal) and not isinstance(value, bool):
            return format_number(value, self.language, format_spec)
        return str(super().format_field(value, format_spec))


@dataclass(frozen=True)
class Msg:
    """A translatable message: an id from :data:`MESSAGES` and its parameters.

    >>> [str(Msg("store.has_ties", key="org:a", count=n)).split(";")[0] for n in (1, 2, 5, 22)]
    ['węzeł org:a ma 1 powiązanie', 'węzeł org:a ma 2 powiązania', 'węzeł org:a ma 5 powiązań', 'węzeł org:a ma 22 powiązania']
    """

    id: str
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, id: str, **params: Any) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "params", params)

    def render(self, language: str | None = None) -> str:
        """The message in ``language`` (default: the current one)."""
        language = language or _language.get()
        source = MESSAGES[self.id]
        count = self.params.get(source.n) if isinstance(source, Plural) else None
        template = translate(source, self.id, language, count if isinstance(count, int) else None)
        params = {k: (v.render(language) if isinstance(v, Msg) else v) for k, v in self.params.items()}
        return _Formatter(language).vformat(template, (), params)

    def __str__(self) -> str:
        return self.render()


def t(message_id: str, **params: Any) -> str:
    """Render message ``message_id`` in the current language."""
    return Msg(message_id, **params).render()


def current_language() -> str:
    """The language of the current context: ``"pl"`` (default) or ``"en"``."""
    return _language.get()


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Render messages in ``language`` inside the ``with`` block."""
    if language not in LANGUAGES:
        raise ValueError(language)
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)
