"""The gettext catalogues: complete, consistent with the code, and rendered with Polish plurals and numbers."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.i18n import MESSAGES, Catalogue, Msg, Plural, catalogue, translate, use_language
from tools import messages as tm


@pytest.fixture(scope="module")
def polish() -> Catalog:
    return tm.load(tm.catalogue_path("pl"), "pl")


def test_the_polish_catalogue_has_every_message_and_help_text_translated(polish: Catalog) -> None:
    assert tm.check("pl", polish) == []


def test_the_template_is_what_the_code_gives() -> None:
    def body(data: bytes) -> list[bytes]:
        return [
            line for line in data.splitlines() if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date'))
        ]

    assert body(tm.TEMPLATE.read_bytes()) == body(tm._dump(tm.template())), "stale: run make messages"


def test_the_check_finds_a_missing_a_fuzzy_a_short_plural_and_a_wrong_placeholder(polish: Catalog) -> None:
    broken = copy.deepcopy(polish)
    broken.delete("no node with key {key}", "store.node_missing")
    has_ties = MESSAGES["store.has_ties"]
    assert isinstance(has_ties, Plural)
    bad_url = broken.get("unknown store URL {url!r}", "config.bad_url")
    plural = broken.get((has_ties.one, has_ties.other), "store.has_ties")
    hint = broken.get("add --cascade", "store.has_ties.hint")
    assert bad_url is not None and plural is not None and hint is not None
    bad_url.flags.add("fuzzy")
    plural.string = ("węzeł {key} ma {count} powiązanie", "", "")
    hint.string = "dodaj --cascade {extra}"
    problems = "\n".join(tm.check("pl", broken))
    assert "store.node_missing: no entry" in problems
    assert "config.bad_url: fuzzy" in problems
    assert "store.has_ties: 1 of 3 forms translated" in problems
    assert "store.has_ties.hint: placeholders" in problems


def test_update_keeps_translations_marks_changed_english_fuzzy_and_adds_new_messages(
    polish: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(MESSAGES, "store.node_missing", "there is no node with key {key}")
    monkeypatch.setitem(MESSAGES, "test.brand_new", "a message nobody has translated")
    updated = tm.update("pl", polish)
    changed = updated.get("there is no node with key {key}", "store.node_missing")
    assert changed is not None and changed.fuzzy and changed.string == "brak węzła o kluczu {key}"
    assert changed.previous_id == ["no node with key {key}"]
    new = updated.get("a message nobody has translated", "test.brand_new")
    assert new is not None and new.string == ""
    kept = updated.get("add --cascade", "store.has_ties.hint")
    assert kept is not None and not kept.fuzzy and kept.string == "dodaj --cascade"
    problems = tm.check("pl", updated)
    assert any(p.startswith("store.node_missing: fuzzy") for p in problems)
    assert any(p.startswith("test.brand_new: 0 of 1 forms") for p in problems)


@pytest.mark.parametrize(
    ("count", "polish", "english"),
    [
        (1, "1 powiązanie", "1 tie"),
        (2, "2 powiązania", "2 ties"),
        (4, "4 powiązania", "4 ties"),
        (5, "5 powiązań", "5 ties"),
        (12, "12 powiązań", "12 ties"),
        (14, "14 powiązań", "14 ties"),
        (21, "21 powiązań", "21 ties"),
        (22, "22 powiązania", "22 ties"),
        (112, "112 powiązań", "112 ties"),
        (0, "0 powiązań", "0 ties"),
    ],
)
def test_a_count_takes_its_polish_plural_form(count: int, polish: str, english: str) -> None:
    message = Msg("store.has_ties", key="org:a", count=count)
    assert message.render("pl").startswith(f"węzeł org:a ma {polish};")
    assert message.render("en").startswith(f"node org:a has {english};")


def test_two_numbers_in_one_message_each_take_their_own_form() -> None:
    counts = Msg("viz.page.counts", nodes=Msg("n.nodes", count=22), edges=Msg("n.edges", count=5))
    assert counts.render("pl") == "22 węzły, 5 krawędzi."
    assert counts.render("en") == "22 nodes, 5 edges."


def test_numbers_are_written_for_the_language_and_whole_numbers_stay_as_they_are() -> None:
    busy = Msg("store.busy", url="sqlite:///a.db", seconds=0.2)
    assert busy.render("pl").endswith("dłużej niż 0,2 s")
    assert busy.render("en").endswith("for more than 0.2 s")
    assert Msg("store.no_version", version=12345).render("pl") == "brak zapisu w wersji 12345"  # no grouping of ids


def test_a_fuzzy_or_missing_translation_falls_back_to_the_english_text() -> None:
    book = catalogue("pl")
    assert book is not None
    source = "a text the catalogue does not know"
    assert translate(source, "test.unknown", "pl") == source
    fuzzy_free = Catalogue("pl", {("x", "one"): "jeden"}, book.plural_rule)
    assert fuzzy_free.lookup("x", "one") == "jeden"
    assert fuzzy_free.lookup("x", "other") is None


def test_every_message_and_help_text_in_polish_differs_from_the_english_where_it_should() -> None:
    with use_language("pl"):
        assert str(Msg("store.node_missing", key="k")) == "brak węzła o kluczu k"
    assert translate("Show the node KEY with its properties and ties.", None, "pl").startswith("Pokaż węzeł KEY")


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--help"], {}, "mapa sieci partnerstwa ekonomii społecznej"),
        (["--lang", "en", "--help"], {}, "map the network of a social-economy partnership"),
        (["--lang=en", "--help"], {}, "map the network of a social-economy partnership"),
        (["--help"], {"PARTNERGRAPH_LANG": "en"}, "map the network of a social-economy partnership"),
        (["--lang", "pl", "--help"], {"PARTNERGRAPH_LANG": "en"}, "mapa sieci partnerstwa ekonomii społecznej"),
        (["--lang", "en", "import", "--help"], {}, "Import FILE (CSV, XLSX"),
        (["import", "--help"], {}, "Zaimportuj FILE (CSV, XLSX"),
    ],
)
def test_cli_help_follows_lang_then_the_environment(
    args: list[str], env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    result = CliRunner(env=env).invoke(main, args)
    assert result.exit_code == 0
    assert expected in " ".join(result.output.split())
    settings_heading = (
        "Settings (environment):" if "map the network" in expected else "Ustawienia (zmienne środowiskowe):"
    )
    if args[-1] == "--help" and len([a for a in args if not a.startswith("-") and a not in ("en", "pl")]) == 0:
        assert settings_heading in result.output


def test_the_catalogues_ship_with_the_package() -> None:
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*/LC_MESSAGES/*.po"' in pyproject
    assert tm.catalogue_path("pl").is_file() and tm.TEMPLATE.is_file()


def test_no_sentence_is_registered_twice_under_different_ids() -> None:
    """A sentence with placeholders is one message: say it once, use it from everywhere (labels may repeat)."""
    tm._import_everything()
    seen: dict[str, str] = {}
    twice = []
    for message_id, source in MESSAGES.items():
        text = source.other if isinstance(source, Plural) else str(source)
        if "{" not in text:
            continue
        if text in seen:
            twice.append(f"{seen[text]} = {message_id}: {text}")
        seen.setdefault(text, message_id)
    assert twice == []
