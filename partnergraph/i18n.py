"""Two-language user messages: Polish first, English available.

Every text a user reads is a :class:`Msg`: a message id from :data:`MESSAGES` and its
parameters, rendered in the current language when it is turned into a string. The language
is chosen per context (:func:`use_language`), so a web request and a CLI call never leak
their choice into each other.

    >>> with use_language("en"):
    ...     str(Msg("store.node_missing", key="krs:0000000001"))
    'no node with key krs:0000000001'
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LANGUAGES", "MESSAGES", "Msg", "current_language", "register_messages", "t", "use_language"]

LANGUAGES = ("pl", "en")
_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="pl")

# id: (Polish, English). Placeholders use str.format syntax.
MESSAGES: dict[str, tuple[str, str]] = {
    # configuration
    "config.bad_url": (
        "nieznany adres magazynu {url!r}",
        "unknown store URL {url!r}",
    ),
    "config.bad_url.hint": (
        "użyj sqlite:///ścieżka.db albo neo4j://host:7687 (lub bolt://…)",
        "use sqlite:///path.db or neo4j://host:7687 (or bolt://…)",
    ),
    "config.bad_timeout": (
        "{value!r} nie jest liczbą sekund (oczekiwana liczba nieujemna, np. 30 albo 2,5)",
        "{value!r} is not a number of seconds (expected a non-negative number, e.g. 30 or 2.5)",
    ),
    "config.bad_language": (
        "nieznany język {value!r}; dostępne: pl, en",
        "unknown language {value!r}; available: pl, en",
    ),
    # schema (models.ttl)
    "schema.parse": ("models.ttl nie daje się odczytać: {detail}", "models.ttl cannot be read: {detail}"),
    "schema.term": ("models.ttl, pojęcie {term}: {detail}", "models.ttl, term {term}: {detail}"),
    # validation
    "val.unknown_node_type": ("nieznany typ węzła {value!r}", "unknown node type {value!r}"),
    "val.unknown_tie_type": ("nieznany typ powiązania {value!r}", "unknown tie type {value!r}"),
    "val.types_hint": ("dozwolone: {allowed}", "allowed: {allowed}"),
    "val.unknown_property": (
        "{owner} nie ma właściwości {name!r}",
        "{owner} has no property {name!r}",
    ),
    "val.required": ("brak wymaganej właściwości {name!r}", "required property {name!r} is missing"),
    "val.bad_integer": ("{value!r} nie jest liczbą całkowitą", "{value!r} is not a whole number"),
    "val.bad_decimal": ("{value!r} nie jest liczbą", "{value!r} is not a number"),
    "val.bad_boolean": (
        "{value!r} nie jest wartością logiczną (tak/nie, true/false, 1/0)",
        "{value!r} is not a yes/no value (tak/nie, true/false, 1/0)",
    ),
    "val.bad_date": (
        "{value!r} nie jest datą; podaj RRRR-MM-DD (2024-03-01) lub DD.MM.RRRR (01.03.2024)",
        "{value!r} is not a date; write YYYY-MM-DD (2024-03-01) or DD.MM.YYYY (01.03.2024)",
    ),
    "val.bad_text": ("{value!r} nie jest tekstem", "{value!r} is not text"),
    "val.empty": ("wartość {name!r} jest pusta", "value of {name!r} is empty"),
    "val.pattern": (
        "{name} {value!r} ma zły format (oczekiwano: {expected})",
        "{name} {value!r} has the wrong format (expected: {expected})",
    ),
    "val.checksum": ("{name} {value!r} ma błędną sumę kontrolną", "{name} {value!r} fails its checksum"),
    "val.checksum.hint": (
        "sprawdź numer w rejestrze; literówka w jednej cyfrze zmienia sumę kontrolną",
        "check the number in the register; a typo in one digit changes the checksum",
    ),
    "val.vocabulary": (
        "{value!r} nie jest dozwoloną wartością {name!r}",
        "{value!r} is not an allowed value of {name!r}",
    ),
    "val.range": (
        "{name} = {value} jest poza zakresem {low}…{high}",
        "{name} = {value} is out of range {low}…{high}",
    ),
    "val.order": ("{first} ({a}) jest późniejsze niż {second} ({b})", "{first} ({a}) is later than {second} ({b})"),
    "val.no_key": (
        "węzeł typu {type} nie ma klucza ani identyfikatora ({fields})",
        "a {type} node has no key and no identifier ({fields})",
    ),
    "val.no_key.hint": (
        "podaj klucz, np. {example}, albo jeden z identyfikatorów",
        "give a key such as {example}, or one of the identifiers",
    ),
    "val.bad_key": (
        "klucz {key!r} ma zły format; oczekiwano prefiks:wartość, np. {example}",
        "key {key!r} is malformed; expected prefix:value such as {example}",
    ),
    "val.what_key": ("klucz", "key"),
    "val.what_tie_id": ("identyfikator powiązania", "tie id"),
    "val.long_key": (
        "{what} ma {length} znaków, a może mieć najwyżej {limit}: {start}…",
        "the {what} has {length} characters; at most {limit} are allowed: {start}…",
    ),
    "val.long_key.hint": (
        "podaj krótszy klucz lub identyfikator albo skróć nazwę, z której powstaje",
        "give a shorter key or id, or shorten the name it is made from",
    ),
    "val.key_prefix": (
        "klucz {key!r} nie pasuje do typu {type}; dozwolone prefiksy: {allowed}",
        "key {key!r} does not fit type {type}; allowed prefixes: {allowed}",
    ),
    "val.key_mismatch": (
        "klucz {key!r} nie zgadza się z właściwością {name} = {value!r}",
        "key {key!r} disagrees with property {name} = {value!r}",
    ),
    "val.endpoint": (
        "{tie} nie może {end} w węźle typu {type}; dozwolone: {allowed}",
        "{tie} cannot {end} at a {type} node; allowed: {allowed}",
    ),
    "val.endpoint_kind": (
        "{tie} nie może {end} w organizacji rodzaju {kind!r}; dozwolone: {allowed}",
        "{tie} cannot {end} at an organisation of kind {kind!r}; allowed: {allowed}",
    ),
    "val.start": ("zaczynać się", "start"),
    "val.end": ("kończyć się", "end"),
    "val.self_loop": ("powiązanie {tie} łączy węzeł {key} z nim samym", "tie {tie} links {key} to itself"),
    "val.summary": ("problemy w danych: {count}", "problems in the data: {count}"),
    "val.digits": ("ciąg {n} cyfr", "{n} digits"),
    # store
    "store.node_missing": ("brak węzła o kluczu {key}", "no node with key {key}"),
    "store.tie_missing": ("brak powiązania {tie}", "no tie {tie}"),
    "store.endpoint_missing": (
        "powiązanie {tie} wskazuje na nieistniejący węzeł {key}",
        "tie {tie} points at a missing node {key}",
    ),
    "store.endpoint_missing.hint": (
        "najpierw dodaj węzeł {key} (albo popraw klucz)",
        "add node {key} first (or correct the key)",
    ),
    "store.type_change": (
        "węzeł {key} jest typu {old}, nie {new}",
        "node {key} is a {old}, not a {new}",
    ),
    "store.has_ties": (
        "węzeł {key} ma {count} powiązań; usuń je razem z nim (kaskadowo) albo najpierw je",
        "node {key} has {count} ties; delete them with it (cascade) or first",
    ),
    "store.has_ties.hint": ("dodaj --cascade", "add --cascade"),
    "store.busy": (
        "magazyn {url} jest zajęty przez inny zapis dłużej niż {seconds} s",
        "store {url} has been locked by another writer for more than {seconds} s",
    ),
    "store.busy.hint": ("spróbuj ponownie za chwilę", "try again in a moment"),
    "store.open.hint": (
        "sprawdź ścieżkę i uprawnienia do pliku",
        "check the path and the file permissions",
    ),
    "store.not_store": (
        "{path} nie jest magazynem partnergraph (plik SQLite innej aplikacji albo uszkodzony)",
        "{path} is not a partnergraph store (another application's SQLite file, or damaged)",
    ),
    "store.newer": (
        "magazyn {url} pochodzi z nowszej wersji partnergraph (schemat {found} > {known})",
        "store {url} comes from a newer partnergraph (schema {found} > {known})",
    ),
    "store.newer.hint": ("zaktualizuj partnergraph", "upgrade partnergraph"),
    "store.no_version": ("brak zapisu w wersji {version}", "no write with version {version}"),
    "store.revert_conflict": (
        "nie można cofnąć zmiany {entity} {key}: zmieniono ją później (wersja {later})",
        "cannot revert the change to {entity} {key}: it changed again later (version {later})",
    ),
    "store.revert_conflict.hint": (
        "najpierw cofnij wersję {later}",
        "revert version {later} first",
    ),
    "store.bad_property_filter": ("nie można filtrować po {name!r}", "cannot filter on {name!r}"),
    "store.unavailable": ("magazyn {url} jest niedostępny: {detail}", "store {url} is unavailable: {detail}"),
    "store.auth": (
        "magazyn {url} odrzucił logowanie użytkownika {user!r}",
        "store {url} rejected the login of user {user!r}",
    ),
    "store.auth.hint": (
        "sprawdź PARTNERGRAPH_NEO4J_USER i PARTNERGRAPH_NEO4J_PASSWORD",
        "check PARTNERGRAPH_NEO4J_USER and PARTNERGRAPH_NEO4J_PASSWORD",
    ),
    "store.unreachable.hint": (
        "sprawdź, czy serwer działa i czy adres oraz port są poprawne",
        "check that the server is running and the host and port are right",
    ),
    "store.driver_missing": (
        "do obsługi {url} potrzebny jest pakiet {package}",
        "{url} needs the package {package}",
    ),
    "store.driver_missing.hint": ("zainstaluj: pip install {package}", "install it: pip install {package}"),
    # data files
    "data.bad_json": ("niepoprawny JSON: {detail}", "invalid JSON: {detail}"),
    "data.bad_field": ("brak lub zły typ pola {field}", "field {field} is missing or of the wrong type"),
    "data.bad_record": (
        'rekord musi mieć pole "node" albo "tie"',
        'a record needs a "node" or a "tie" field',
    ),
    "cli.bad_assignment": (
        "{text!r} nie jest przypisaniem właściwość=wartość",
        "{text!r} is not a property=value assignment",
    ),
}


def register_messages(messages: dict[str, tuple[str, str]]) -> None:
    """Add a module's own messages (id: (Polish, English)); ids must be new."""
    clash = set(messages) & set(MESSAGES)
    if clash:
        raise ValueError(f"message ids already used: {sorted(clash)}")
    MESSAGES.update(messages)


@dataclass(frozen=True)
class Msg:
    """A translatable message: an id from :data:`MESSAGES` and its parameters."""

    id: str
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, id: str, **params: Any) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "params", params)

    def render(self, language: str | None = None) -> str:
        """The message in ``language`` (default: the current one)."""
        pl, en = MESSAGES[self.id]
        template = en if (language or _language.get()) == "en" else pl
        params = {k: (v.render(language) if isinstance(v, Msg) else v) for k, v in self.params.items()}
        return template.format(**params)

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
