from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from farm import read_clean


def run_archiver(*args: str, check: bool = True, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        capture_output=True,
        timeout=300,
        **kwargs,  # type: ignore[call-overload]
    )
    if check and result.returncode != 0:
        raise AssertionError(f"archiver {' '.join(args)} failed: {result.stderr.decode()}")
    return result


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A small tree of farm pages and clean texts, in several encodings."""
    root = tmp_path / "corpus"
    (root / "speeches").mkdir(parents=True)
    seed = Path(__file__).parent.parent.parent / "samples" / "000_61d1a242538ca415.txt"
    (root / "seed.txt").write_bytes(seed.read_bytes())
    (root / "speeches" / "county.txt").write_bytes(("讲话稿\n" + read_clean("hans_speech.txt")).encode("gbk"))
    (root / "speeches" / "taiwan.txt").write_bytes(read_clean("hant_speech.txt").encode("big5"))
    (root / "speeches" / "constitution.txt").write_text(read_clean("hans_constitution.txt"), encoding="utf-8")
    return root
