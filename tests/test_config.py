"""Settings from the environment reach what they set, and a bad value is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.config import load_settings
from partnergraph.errors import ConfigError
from partnergraph.graph import open_store
from partnergraph.graph.sqlite import SqliteStore


def test_the_busy_timeout_is_read_in_seconds_and_reaches_the_embedded_store(tmp_path: Path) -> None:
    assert load_settings({}).busy_timeout == 30.0
    settings = load_settings(
        {"PARTNERGRAPH_STORE": f"sqlite:///{tmp_path / 'pg.db'}", "PARTNERGRAPH_BUSY_TIMEOUT": " 2.5 "}
    )
    assert settings.busy_timeout == 2.5
    assert (
        load_settings({"PARTNERGRAPH_BUSY_TIMEOUT": "2,5"}).busy_timeout == 2.5
    )  # a decimal comma, as Polish users write it
    with open_store(settings=settings) as store:
        assert isinstance(store, SqliteStore) and store.busy_timeout == 2.5
        assert store.db.execute("PRAGMA busy_timeout").fetchone() == (2500,)


@pytest.mark.parametrize("value", ["pół minuty", "", "30s"])
def test_a_busy_timeout_that_is_not_a_number_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"PARTNERGRAPH_BUSY_TIMEOUT": value})
    assert str(caught.value) == f"PARTNERGRAPH_BUSY_TIMEOUT: {value!r} nie jest liczbą"


def test_the_command_line_says_which_setting_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'pg.db'}")
    monkeypatch.setenv("PARTNERGRAPH_BUSY_TIMEOUT", "pół minuty")
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    result = CliRunner().invoke(main, ["stats"])
    assert (result.exit_code, result.output) == (1, "Błąd: PARTNERGRAPH_BUSY_TIMEOUT: 'pół minuty' nie jest liczbą\n")
    assert not (tmp_path / "pg.db").exists()  # refused before any store was opened


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "-inf"])
def test_a_busy_timeout_that_is_no_number_of_seconds_is_refused(value: str) -> None:
    """float() reads these; the store could not use them (nan, inf crashed opening it; a negative wait means nothing)."""
    with pytest.raises(ConfigError) as caught:
        load_settings({"PARTNERGRAPH_BUSY_TIMEOUT": value})
    assert str(caught.value) == (
        f"PARTNERGRAPH_BUSY_TIMEOUT: {value!r} nie jest liczbą sekund (oczekiwana liczba nieujemna, np. 30 albo 2,5)"
    )
