"""The benchmarks live beside the package, not in it: make ``bench`` importable from the repository root.

(``pytest`` run as a script with ``--import-mode=importlib`` does not put the root on ``sys.path``;
``pythonpath = ["."]`` in pyproject.toml's pytest settings would do the same for every test.)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
