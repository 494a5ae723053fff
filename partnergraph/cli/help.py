"""Polish help for the CLI: commands and options, shown when the language is Polish.

English help lives in the commands' docstrings and ``help=`` texts; this table gives the
Polish text for each command path and option. The language of ``--help`` comes from
``PARTNERGRAPH_LANG`` (default ``pl``), because help is printed before options are read.
"""

from __future__ import annotations

import os

import click

__all__ = ["COMMANDS_PL", "OPTIONS_PL", "localize"]

COMMANDS_PL: dict[str, str] = {
    "": "partnergraph: mapa sieci partnerstwa ekonomii społecznej.\n\n"
    "Partnerzy, gminy, firmy, spółdzielnie socjalne, instytucje wsparcia i powiązania między nimi — "
    "we wbudowanym magazynie (jeden plik SQLite) albo w Neo4j.",
    "init": "Utwórz magazyn (plik SQLite albo ograniczenia w Neo4j), jeśli jeszcze go nie ma.",
    "demo": "Wczytaj wbudowaną sieć przykładową (dane ilustracyjne) i pokaż podsumowanie.",
    "stats": "Liczby węzłów według typu, powiązań według typu i organizacji według gminy.",
    "add": "Dodaj lub zmień jeden węzeł albo powiązanie (sprawdzane według models.ttl).",
    "add node": "Dodaj lub zmień węzeł typu NODE_TYPE.\n\n"
    "KEY można pominąć, gdy podano identyfikator (krs=, nip=, regon=, teryt=) lub nazwę.\n"
    'Przykład: partnergraph add node Organisation org:ces-kwilcz name="CES Kwilcz" kind=ces',
    "add tie": "Dodaj lub zmień powiązanie START -[TIE_TYPE]-> END.\n\n"
    "Przykład: partnergraph add tie org:gops-kwilcz REFERS org:ces-kwilcz count=6 since=2024-01-01",
    "delete": "Usuń węzeł KEY (albo powiązanie o tym identyfikatorze); cofnięcie: 'db revert'.",
    "show": "Pokaż węzeł KEY z jego właściwościami i powiązaniami.",
    "find": "Znajdź węzły, których nazwa ma słowa zaczynające się od TEXT (bez względu na wielkość liter i ą/ę/ł/ó/ś/ź/ż).",
    "schema": "Typy węzłów, typy powiązań i słowniki z models.ttl; NAME pokazuje szczegóły jednego z nich.",
    "db": "Utrzymanie magazynu: kontrola spójności, dziennik zmian, cofanie.",
    "db check": "Sprawdź spójność magazynu i każdy rekord według models.ttl.",
    "db log": "Dziennik zmian, od najnowszych: kto, co, kiedy i z jakiego źródła zmienił.",
    "db revert": "Cofnij wszystkie zmiany zapisu VERSION (odmowa, jeśli coś zmieniono później).",
}

# Keyed by option flag, or by "command path flag" where one flag means different things.
OPTIONS_PL: dict[str, str] = {
    "--store": "Adres magazynu (domyślnie $PARTNERGRAPH_STORE albo sqlite:///partnergraph.db).",
    "--lang": "Język komunikatów (domyślnie $PARTNERGRAPH_LANG albo pl).",
    "--user": "Twoje imię do dziennika zmian (domyślnie $PARTNERGRAPH_USER albo login).",
    "--version": "Pokaż wersję i zakończ.",
    "--format": "Format wyniku: tabela, CSV (separator ;, dla polskiego Excela) albo JSON.",
    "--cascade": "Usuń także powiązania węzła.",
    "--id": "Własny identyfikator powiązania (domyślnie z początku, typu, końca i daty since).",
    "--type": "Tylko węzły tego typu (np. Organisation).",
    "--where": "Tylko węzły o tej wartości właściwości (można powtarzać).",
    "--limit": "Najwyżej tyle wyników.",
    "db log --version": "Tylko ten zapis (wersja).",
    "--key": "Tylko zmiany węzła o tym kluczu lub powiązania o tym identyfikatorze.",
}


def _walk(command: click.Command, path: str) -> list[tuple[str, click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _walk(sub, f"{path} {name}".strip())
    return found


def localize(main: click.Group, commands: dict[str, str] | None = None, options: dict[str, str] | None = None) -> None:
    """Put the Polish help into ``main`` and its commands unless the language is English."""
    if os.environ.get("PARTNERGRAPH_LANG", "pl") == "en":
        return
    commands = {**COMMANDS_PL, **(commands or {})}
    options = {**OPTIONS_PL, **(options or {})}
    for path, command in _walk(main, ""):
        if path in commands:
            command.help = commands[path]
            command.short_help = None
        for param in command.params:
            if isinstance(param, click.Option):
                flag = max(param.opts, key=len)
                text = options.get(f"{path} {flag}".strip()) or options.get(flag)
                param.help = text or param.help
