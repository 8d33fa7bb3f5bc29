"""The bulk farm corpus the benchmarks run on (built by tests/farm.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from farm import build_farm_corpus as build_corpus

__all__ = ["build_corpus"]
