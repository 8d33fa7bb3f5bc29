"""Facts about GBK byte pairs that the misaligned repair searches over.

Which pairs spell which character, which fall in the user-defined areas a farm's
decoder dropped, which bytes can hide behind a ``?``: computed once from Python's
own GBK codec and cached, since the beam search asks the same questions thousands
of times.
"""

from __future__ import annotations

import functools

from archiver.repair.readings import chars_with_reading

CODEC = "gbk"


def is_user_defined(first: int, second: int) -> bool:
    """GBK's user-defined areas, which the farm decoder silently dropped."""
    return (
        (0xAA <= first <= 0xAF and 0xA1 <= second <= 0xFE)
        or (0xF8 <= first <= 0xFE and 0xA1 <= second <= 0xFE)
        or (0xA1 <= first <= 0xA7 and 0x40 <= second <= 0xA0)
    )


_PAIRS: dict[int, str] = {}  # filled on first use; a cached call per lookup cost more


def pair_table() -> dict[int, str]:
    if not _PAIRS:
        for first in range(0x81, 0xFF):
            for second in range(0x40, 0xFF):
                if second == 0x7F:
                    continue
                try:
                    _PAIRS[(first << 8) | second] = bytes((first, second)).decode(CODEC)
                except UnicodeDecodeError:
                    continue
    return _PAIRS


def decode_pair(first: int, second: int) -> str | None:
    return (_PAIRS or pair_table()).get((first << 8) | second)


def hidden_bytes(previous: int, syllable: str) -> tuple[int, ...]:
    """Bytes z such that (previous, z) is a GBK character read as ``syllable``."""
    return _trails_reading(syllable).get(previous, ())


@functools.lru_cache(maxsize=2048)
def _trails_reading(syllable: str) -> dict[int, tuple[int, ...]]:
    """Lead byte → the trail bytes that spell, with it, a character read as
    ``syllable``: one pass over the syllable's characters, where asking per lead byte
    tried 190 trails each (a millisecond per question, asked for every lead a ``?``
    may hide)."""
    trails: dict[int, list[int]] = {}
    pairs = pairs_of_chars()
    for char in chars_with_reading(syllable):
        for code in pairs.get(char, ()):
            trails.setdefault(code >> 8, []).append(code & 0xFF)
    return {lead: tuple(sorted(found)) for lead, found in trails.items()}


@functools.cache
def pairs_of_chars() -> dict[str, tuple[int, ...]]:
    """Character → every GBK pair (first << 8 | second) that decodes to it."""
    pairs: dict[str, list[int]] = {}
    for code, char in pair_table().items():
        pairs.setdefault(char, []).append(code)
    return {char: tuple(codes) for char, codes in pairs.items()}


@functools.lru_cache(maxsize=512)
def trail_chars(lead: int) -> tuple[tuple[int, str], ...]:
    return tuple((z, c) for z in range(0x40, 0xFF) if (c := decode_pair(lead, z)) is not None)


# (v1 range, v2 range) of GBK's user-defined areas, as lead/trail byte ranges.
USER_DEFINED_GROUPS = (
    (tuple(range(0xA1, 0xA8)), tuple(range(0x81, 0xA1))),
    (tuple(range(0xAA, 0xB0)) + tuple(range(0xF8, 0xFF)), tuple(range(0xA1, 0xFF))),
)


@functools.lru_cache(maxsize=4096)
def vanish_options(
    pending: int, next_byte: int
) -> tuple[tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]], ...]:
    """Per user-defined group: (v1, char) completing ``pending``; (v2, char) with ``next_byte``."""
    groups = []
    for v1_range, v2_range in USER_DEFINED_GROUPS:
        firsts = tuple((v1, c) for v1 in v1_range if (c := decode_pair(pending, v1)) is not None)
        seconds = tuple((v2, c) for v2 in v2_range if (c := decode_pair(v2, next_byte)) is not None)
        if firsts and seconds:
            groups.append((firsts, seconds))
    return tuple(groups)


@functools.cache
def invalid_followers(lead: int) -> tuple[int, ...]:
    """Lead bytes y such that (lead, y) is neither a GBK character nor user-defined."""
    return tuple(y for y in range(0x81, 0xFF) if decode_pair(lead, y) is None and not is_user_defined(lead, y))
