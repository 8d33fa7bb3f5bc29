"""Build a bulk corpus of farm pages: fresh clean text damaged the seed's way, plus the seed."""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from farm import farm_damage, read_clean  # noqa: E402

SOURCES = ("hans_speech.txt", "hans_constitution.txt", "hans_zhe.txt")
SEED = ROOT / "samples" / "000_61d1a242538ca415.txt"


def build_corpus(directory: Path, documents: int, seed: int = 7) -> list[Path]:
    """Write ``documents`` farm pages of 2-12 KB each; every tenth is the real seed."""
    rng = random.Random(seed)
    paragraphs = [line for name in SOURCES for line in read_clean(name).splitlines() if len(line) > 10]
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(documents):
        path = directory / f"page_{index:05d}.txt"
        if index % 10 == 0:
            path.write_bytes(SEED.read_bytes())
        else:
            body = "\n".join(rng.choice(paragraphs) for _ in range(rng.randint(4, 24)))
            header = f"第{index}篇讲话\n时间:2022-10-{1 + index % 28:02d} 09:46:00\n"
            path.write_text(header + farm_damage(body), encoding="utf-8")
        paths.append(path)
    return paths
