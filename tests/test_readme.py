"""The README's generated parts — settings, node and tie types, every command — are what the code says.

They are written by ``tools/readme.py`` through cog blocks in README.md; this test runs cog in
check mode, so a setting, type or command changed without regenerating the README fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cogapp import Cog  # type: ignore[import-untyped, unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
REGENERATE = "make readme (or: .venv/bin/cog -r README.md)"


def cog_check(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = Cog().main(["cog", "--check", "-I", str(ROOT), str(folder / "README.md")])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_the_generated_parts_of_the_readme_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    status, output = cog_check(ROOT, capsys)
    assert status == 0, f"README.md is out of date with the code; regenerate it with {REGENERATE}\n{output}"


def test_a_stale_readme_is_caught(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = text.replace("| `PARTNERGRAPH_DEBUG` |", "| `PARTNERGRAPH_DEBUGGING` |", 1)
    assert stale != text
    (tmp_path / "README.md").write_text(stale, encoding="utf-8")
    status, output = cog_check(tmp_path, capsys)
    assert status != 0 and "README.md" in output
