"""Pinyin readings of characters, from pypinyin's dictionary."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import unicodedata
from pathlib import Path

# One pinyin syllable as farms print it: tone marks, tone numbers or no tone.
PINYIN_SYLLABLE = r"[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{1,7}[1-5]?"

_TONE_MARKS = {
    "ā": ("a", 1),
    "á": ("a", 2),
    "ǎ": ("a", 3),
    "à": ("a", 4),
    "ē": ("e", 1),
    "é": ("e", 2),
    "ě": ("e", 3),
    "è": ("e", 4),
    "ī": ("i", 1),
    "í": ("i", 2),
    "ǐ": ("i", 3),
    "ì": ("i", 4),
    "ō": ("o", 1),
    "ó": ("o", 2),
    "ǒ": ("o", 3),
    "ò": ("o", 4),
    "ū": ("u", 1),
    "ú": ("u", 2),
    "ǔ": ("u", 3),
    "ù": ("u", 4),
    "ǖ": ("v", 1),
    "ǘ": ("v", 2),
    "ǚ": ("v", 3),
    "ǜ": ("v", 4),
    "ü": ("v", 0),
    "ń": ("n", 2),
    "ň": ("n", 3),
    "ǹ": ("n", 4),
    "ḿ": ("m", 2),
}


@functools.lru_cache(maxsize=8192)
def normalize_pinyin(syllable: str) -> tuple[str, int]:
    """(toneless base, tone) for any spelling: jī, ji1 and ji all compare."""
    syllable = unicodedata.normalize("NFC", syllable.lower())
    tone = 0
    if syllable and syllable[-1] in "12345":
        tone, syllable = int(syllable[-1]) % 5, syllable[:-1]
    base = []
    for char in syllable:
        plain, mark = _TONE_MARKS.get(char, (char, 0))
        tone = tone or mark
        base.append(plain)
    return "".join(base).replace("u:", "v"), tone


@functools.cache
def _pinyin_dict() -> dict[str, str]:
    """pypinyin's single-character readings, read from the JSON it ships: importing
    pypinyin itself loads its phrase dictionary too and costs a quarter second."""
    spec = importlib.util.find_spec("pypinyin")
    assert spec is not None and spec.submodule_search_locations
    path = Path(spec.submodule_search_locations[0]) / "pinyin_dict.json"
    return json.loads(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=65536)
def readings(char: str) -> frozenset[tuple[str, int]]:
    raw = _pinyin_dict().get(str(ord(char))) if len(char) == 1 else None
    if not raw:
        return frozenset()
    return frozenset(normalize_pinyin(r) for r in raw.split(","))


def _tone_fits(tone: int, tones: set[int] | frozenset[int]) -> bool:
    """A syllable's tone fits a character's tones for its base: a toneless syllable,
    or a toneless reading, matches any tone."""
    return bool(tones) and (tone == 0 or tone in tones or 0 in tones)


@functools.lru_cache(maxsize=65536)
def has_reading(char: str, syllable: str) -> bool:
    """True when ``syllable`` is a reading of ``char`` (a toneless one matches any tone)."""
    base, tone = normalize_pinyin(syllable)
    return _tone_fits(tone, {reading_tone for reading_base, reading_tone in readings(char) if reading_base == base})


@functools.cache
def _tones_by_base() -> dict[str, dict[str, frozenset[int]]]:
    """Toneless syllable → {character: its tones with that syllable}, for the whole
    dictionary: the misaligned repair asks which characters read as a syllable."""
    index: dict[str, dict[str, set[int]]] = {}
    for code, raw in _pinyin_dict().items():
        char = chr(int(code))
        for reading in raw.split(","):
            base, tone = normalize_pinyin(reading)
            index.setdefault(base, {}).setdefault(char, set()).add(tone)
    return {base: {char: frozenset(tones) for char, tones in chars.items()} for base, chars in index.items()}


@functools.lru_cache(maxsize=4096)
def chars_with_reading(syllable: str) -> frozenset[str]:
    """Every character ``c`` with ``has_reading(c, syllable)``."""
    base, tone = normalize_pinyin(syllable)
    chars = _tones_by_base().get(base, {})
    return frozenset(char for char, tones in chars.items() if _tone_fits(tone, tones))


PINYIN_RE = re.compile(PINYIN_SYLLABLE)
