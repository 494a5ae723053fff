"""The CLI tests' shared fixture: ``run(*args)`` invokes ``partnergraph`` on a fresh store in tmp_path (cli.db)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from partnergraph.cli import main


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PARTNERGRAPH_USER", "koordynatorka")
    monkeypatch.delenv("PARTNERGRAPH_LANG", raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke
