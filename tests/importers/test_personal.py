"""Personal data (issue 15, item 11): person-like element types from the word list in models.ttl,
inflected forms included, are refused; values that look like a person's PESEL, own e-mail or
phone number are reported at their cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.personal import personal_findings
from partnergraph.importers.run import ImportFailed, run_import
from partnergraph.schema import load_schema


@pytest.mark.parametrize(
    "text",
    [
        "Person",
        "people",
        "Osoba",
        "osoby bezdomne",
        "Osób",
        "Beneficjent",
        "beneficjentka",
        "Beneficjentów",
        "Uczestniczka",
        "uczestnicy projektu",
        "Podopieczni",
        "Wolontariuszka",
        "Participants",
        "Beneficiary",
        "Women",
    ],
)
def test_person_words_and_their_inflections_name_people(text: str) -> None:
    assert load_schema().is_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "NGO",
        "Organizacja",
        "spółdzielnia socjalna",
        "osoba prawna",
        "Legal person",
        "Management",
        "Pracownia",
        "Firma",
        "gmina",
        "",
    ],
)
def test_organisation_types_and_legal_persons_do_not(text: str) -> None:
    assert not load_schema().is_person(text)


def test_the_word_list_is_models_ttl(tmp_path: Path) -> None:
    schema = load_schema()
    assert "beneficjen" in schema.person_words and "prawn" in schema.legal_person_words


def test_a_kumu_element_typed_with_an_inflected_person_word_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mapa"
    folder.mkdir()
    (folder / "elements.csv").write_text("Label,Type\nAnna Nowak,Beneficjentka\nFundacja Razem,NGO\n", encoding="utf-8")
    (folder / "connections.csv").write_text("From,To\nFundacja Razem,Fundacja Razem\n", encoding="utf-8")
    store = SqliteStore(tmp_path / "pg.db")
    with pytest.raises(ImportFailed) as caught:
        run_import(store, folder)
    assert any("element 'Anna Nowak' jest osobą (typ 'Beneficjentka')" in str(p) for p in caught.value.report.problems)
    store.close()


def test_values_that_look_personal_are_reported_at_their_cell(tmp_path: Path) -> None:
    source = tmp_path / "organizacje.csv"
    source.write_text(
        "klucz;nazwa;rodzaj;email;telefon;opis\n"
        "org:a;Fundacja Łąka;ngo;anna.kowalska@gmail.com;61 852 11 22;Kontakt: 601 234 567, PESEL 44051401359\n"
        "org:b;Spółdzielnia Socjalna Żółw;social_cooperative;biuro@zolw.pl;601 234 567;Catering i sprzątanie.\n",
        encoding="utf-8",
    )
    store = SqliteStore(tmp_path / "pg.db")
    report = run_import(store, source)
    notices = sorted(str(n) for n in report.notices if "PESEL" in str(n) or "e-mail" in str(n) or "telefonu" in str(n))
    assert notices == [
        "organizacje.csv:2:4: email: 'anna.kowalska@gmail.com' wygląda na prywatny adres e-mail osoby; podaj adres organizacji (biuro@…)",
        "organizacje.csv:2:6: description zawiera numer telefonu (601 234 567); dane kontaktowe osób nie należą do opisu",
        "organizacje.csv:2:6: description: '44051401359' wygląda na numer PESEL; partnergraph nie przechowuje danych osobowych",
    ]  # org:b's office address and phone field are normal: no notice
    assert store.count_nodes() == {"Organisation": 2}  # a warning, not a refusal
    store.close()


def test_an_invalid_pesel_and_an_organisation_address_are_not_flagged() -> None:
    assert personal_findings({"description": "nr 44051401358", "email": "jan.kowalski@fundacja.org.pl"}) == []


def test_add_node_warns_but_writes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from partnergraph.cli import main

    args = [
        "--store",
        f"sqlite:///{tmp_path / 'pg.db'}",
        "add",
        "node",
        "Organisation",
        "org:a",
        "name=Fundacja Łąka",
        "kind=ngo",
        "email=jan.nowak@wp.pl",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert "uwaga: email: 'jan.nowak@wp.pl' wygląda na prywatny adres e-mail osoby" in result.output
