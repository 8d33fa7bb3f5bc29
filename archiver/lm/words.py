"""Word-level plausibility from jieba's dictionary frequencies.

The character bigram model cannot see that 对/机关 beats 专机/关; a maximum-probability
segmentation over jieba's ~350k word frequencies can.  It is slower, so callers use
it only to settle a few candidates (a repaired spot, 著 versus 着).
"""

from __future__ import annotations

import functools
import logging
import math

import opencc

MAX_WORD_LENGTH = 6
UNKNOWN_CHAR_COST = 22.0  # a character jieba has never seen, alone


class WordModel:
    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.check_initialized()
        self._freq: dict[str, int] = tokenizer.FREQ
        self._log_total = math.log(tokenizer.total)
        self._t2s = opencc.OpenCC("t2s")

    def word_cost(self, word: str) -> float | None:
        freq = self._freq.get(word)
        return self._log_total - math.log(freq) if freq else None

    def cost(self, text: str, to_simplified: bool = True) -> float:
        """Cost of the best segmentation of ``text`` (negative log-probability)."""
        if to_simplified:
            text = self._t2s.convert(text)
        best = [0.0] + [math.inf] * len(text)
        for end in range(1, len(text) + 1):
            for start in range(max(0, end - MAX_WORD_LENGTH), end):
                if best[start] == math.inf:
                    continue
                piece = text[start:end]
                cost = self.word_cost(piece)
                if cost is None:
                    if end - start > 1:
                        continue
                    cost = UNKNOWN_CHAR_COST
                if best[start] + cost < best[end]:
                    best[end] = best[start] + cost
        return best[-1]


@functools.cache
def get_word_model() -> WordModel:
    return WordModel()
