"""Score text as Chinese with a compact character bigram model.

The model is built by ``archiver.lm.build`` from data jieba and OpenCC ship and is
loaded once per process (about 0.15 s).  Costs are negative log-probabilities in
nats: lower means more plausible.
"""

from __future__ import annotations

import functools
import marshal
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).parent / "data" / "zh_chars.marshal.zst"
SCALE = 4  # costs are stored as round(nats * SCALE) in a byte
UNKNOWN_COST = 20.0  # a Han character the model has never seen
BACKOFF_COST = 1.9  # -log(1 - interpolation weight): an unseen bigram
ASCII_COST = 4.0
CJK_PUNCT_COST = 3.0
KANA_HANGUL_COST = 6.0  # valid Japanese/Korean script: not Chinese, not garbage either
FULL_WIDTH_LATIN_COST = 10.0
ODD_CHAR_COST = 12.0  # Latin-1 symbols, accented letters, box drawing: mojibake material
BROKEN_CHAR_COST = 25.0  # U+FFFD, private use, controls
MEMO_LIMIT = 500_000  # pairs remembered before the memo starts over
SCRIPT_TABLE_SIZE = 0x32000  # past the CJK extension planes
MODEL_FORMAT = 2  # the big tables marshalled apart (see archiver.lm.build)


def is_han(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3134F or 0xF900 <= code <= 0xFAFF
    )


def is_cjk_punctuation(char: str) -> bool:
    code = ord(char)
    return (
        0x3000 <= code <= 0x303F
        or 0xFF01 <= code <= 0xFF20
        or 0xFF3B <= code <= 0xFF40
        or 0xFF5B <= code <= 0xFF64
        or 0x2010 <= code <= 0x2027
    )


def _other_cost(char: str) -> float:
    code = ord(char)
    if code < 0x80:
        return ASCII_COST if code >= 0x20 or char in "\t\n\r" else BROKEN_CHAR_COST
    if is_cjk_punctuation(char):
        return CJK_PUNCT_COST
    if 0xAC00 <= code <= 0xD7A3 or 0x3040 <= code <= 0x30FF:
        return KANA_HANGUL_COST
    if 0xFF21 <= code <= 0xFF5A:  # full-width Latin letters: rare in running text, common in GBK garbage
        return FULL_WIDTH_LATIN_COST
    if code == 0xFFFD or 0xE000 <= code <= 0xF8FF or 0x80 <= code < 0xA0:
        return BROKEN_CHAR_COST
    return ODD_CHAR_COST


class CharModel:
    """Character bigram costs with unigram backoff, plus script tables."""

    def __init__(self, payload: dict) -> None:
        if payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"model data of format {payload.get('format')}, expected {MODEL_FORMAT}: run make model")
        self._unigram: dict[str, int] = payload["unigram"]
        self._sections: dict[str, bytes] = {"bigram": payload["bigram"], "words": payload["words"]}
        self.hans_only: frozenset[str] = frozenset(payload["hans_only"])
        self.hant_only: frozenset[str] = frozenset(payload["hant_only"])
        self.ambiguous_t2s: dict[str, str] = payload["ambiguous_t2s"]
        # Public so the beam search can probe it inline: a method call per probe was a
        # fifth of its time.  Read-only outside this class.
        self.memo: dict[tuple[str | None, str], float] = {}

    @functools.cached_property
    def _bigram(self) -> dict[str, int]:
        """Read on first use (0.09 s): pages that are valid UTF-8 and undamaged never need it."""
        return marshal.loads(self._sections.pop("bigram"))

    @functools.cached_property
    def word_costs(self) -> dict[str, int]:
        """jieba's words, quantised like the bigrams; read on first use (0.03 s)."""
        return marshal.loads(self._sections.pop("words"))

    def load_all(self) -> None:
        """Read every table now: before forking workers, so they share one copy."""
        _ = self._bigram, self.word_costs

    def char_cost(self, prev: str | None, char: str) -> float:
        """Cost of ``char`` following ``prev`` (None at a boundary), memoised."""
        key = (prev, char)
        cost = self.memo.get(key)
        if cost is None:
            if len(self.memo) > MEMO_LIMIT:
                self.memo.clear()
            cost = self.memo[key] = self._char_cost(prev, char)
        return cost

    def _char_cost(self, prev: str | None, char: str) -> float:
        if not is_han(char):
            cost = _other_cost(char)
            # Kana or Hangul right after a Han character is how GBK garbage looks.
            return ODD_CHAR_COST if cost == KANA_HANGUL_COST and prev is not None and is_han(prev) else cost
        if prev is not None and is_han(prev):
            pair = self._bigram.get(prev + char)
            if pair is not None:
                return pair / SCALE
            unigram = self._unigram.get(char)
            return UNKNOWN_COST if unigram is None else unigram / SCALE + BACKOFF_COST
        unigram = self._unigram.get(char)
        return UNKNOWN_COST if unigram is None else unigram / SCALE

    def cost(self, text: str, prev: str | None = None) -> float:
        total = 0.0
        for char in text:
            total += self.char_cost(prev, char)
            prev = char
        return total

    def mean_cost(self, text: str) -> float:
        return self.cost(text) / len(text) if text else 0.0

    def common_chars(self, max_cost: float) -> list[str]:
        """Characters whose unigram cost is at most ``max_cost`` nats."""
        limit = max_cost * SCALE
        return [char for char, cost in self._unigram.items() if cost <= limit]

    @functools.cached_property
    def script_table(self) -> Any:
        """numpy uint8 per code point below SCRIPT_TABLE_SIZE: bit 1 simplified-only,
        bit 2 traditional-only (OpenCC's tables put a few characters in both).  Counting a page's scripts is then one
        vectorised lookup instead of a Python loop over thousands of characters."""
        import numpy as np

        table = np.zeros(SCRIPT_TABLE_SIZE, dtype=np.uint8)
        for bit, chars in ((1, self.hans_only), (2, self.hant_only)):
            codes = [ord(char) for char in chars if ord(char) < SCRIPT_TABLE_SIZE]
            table[codes] |= bit
        return table

    def script_counts(self, text: str) -> tuple[int, int]:
        """(simplified-only, traditional-only) characters in ``text``."""
        import numpy as np

        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        codes = codes[codes < SCRIPT_TABLE_SIZE]
        counts = np.bincount(self.script_table[codes], minlength=4)
        return int(counts[1] + counts[3]), int(counts[2] + counts[3])


@functools.cache
def get_model(path: Path = MODEL_PATH) -> CharModel:
    import zstandard

    return CharModel(marshal.loads(zstandard.ZstdDecompressor().decompress(path.read_bytes())))
