"""Word-level plausibility from jieba's dictionary frequencies (shipped in the model).

The character bigram model cannot see that 对/机关 beats 专机/关; a maximum-probability
segmentation over jieba's word frequencies can.  It is slower, so callers use it only
to settle a few candidates (a repaired spot, 著 versus 着).
"""

from __future__ import annotations

import functools
import math
import os

from archiver.convert import opencc_converter
from archiver.lm.model import SCALE, get_model, is_han

MAX_WORD_LENGTH = 6
RERANK_CONTEXT = 4  # characters of context either side of where candidates differ
UNKNOWN_CHAR_COST = 22.0  # a character the dictionary has never seen, alone


class WordModel:
    def __init__(self) -> None:
        self._char_model = get_model()
        self._costs = self._char_model.word_costs
        self._t2s = opencc_converter("t2s")

    def _piece_cost(self, piece: str) -> float:
        quantised = self._costs.get(piece)
        if quantised is not None:
            return quantised / SCALE
        if len(piece) > 1:
            return math.inf
        # Punctuation, digits and Latin are not words; cost them as the character model does.
        return UNKNOWN_CHAR_COST if is_han(piece) else self._char_model.char_cost(None, piece)

    def _prefix_costs(self, text: str) -> list[float]:
        """best[i]: cost of the best segmentation of text[:i]."""
        best = [0.0] + [math.inf] * len(text)
        for end in range(1, len(text) + 1):
            for start in range(max(0, end - MAX_WORD_LENGTH), end):
                if best[start] < math.inf:
                    cost = best[start] + self._piece_cost(text[start:end])
                    if cost < best[end]:
                        best[end] = cost
        return best

    def _suffix_costs(self, text: str) -> list[float]:
        """best[i]: cost of the best segmentation of text[i:]."""
        best = [math.inf] * len(text) + [0.0]
        for begin in range(len(text) - 1, -1, -1):
            for stop in range(begin + 1, min(len(text), begin + MAX_WORD_LENGTH) + 1):
                if best[stop] < math.inf:
                    cost = self._piece_cost(text[begin:stop]) + best[stop]
                    if cost < best[begin]:
                        best[begin] = cost
        return best

    def cost(self, text: str, to_simplified: bool = True) -> float:
        """Cost of the best segmentation of ``text`` (negative log-probability)."""
        if to_simplified:
            text = self._t2s.convert(text)
        return self._prefix_costs(text)[-1]

    def rerank_scores(self, texts: list[str], char_costs: list[float]) -> list[float]:
        """Character cost plus word cost for each candidate, the latter over the stretch
        where the candidates differ and a few characters either side."""
        if len(set(texts)) == 1:
            return list(char_costs)
        prefix = len(os.path.commonprefix(texts))  # noqa: RUF071 - character-wise is what we want
        suffix = len(os.path.commonprefix([t[::-1] for t in texts]))  # noqa: RUF071
        scores = []
        for text, char_cost in zip(texts, char_costs, strict=True):
            start = max(0, prefix - RERANK_CONTEXT)
            end = min(len(text), max(len(text) - suffix, prefix) + RERANK_CONTEXT)
            scores.append(self.cost(text[start:end]) + char_cost)
        return scores

    def rerank(self, texts: list[str], char_costs: list[float]) -> tuple[int, list[float]]:
        """Index of the best candidate by rerank_scores (the first on a tie), and the scores."""
        scores = self.rerank_scores(texts, char_costs)
        return min(range(len(texts)), key=lambda index: (scores[index], index)), scores

    def option_costs(
        self, text: str, index: int, options: str, window: int, to_simplified: bool = False
    ) -> dict[str, float]:
        """Best segmentation cost of the window around ``index`` with each option there.

        The context either side is segmented once; only the words covering ``index``
        are tried per option, which is what makes per-character decisions cheap.
        """
        start, end = max(0, index - window), min(len(text), index + window + 1)
        # Farm pages repeat their phrases (存在著, 起著): decide each window once.
        return dict(self._window_costs(text[start:end], index - start, options, to_simplified))

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one model per process, kept for its life
    def _window_costs(self, text: str, index: int, options: str, to_simplified: bool) -> tuple[tuple[str, float], ...]:
        start, end = 0, len(text)  # the window is the whole text here
        if to_simplified:
            # The dictionary is simplified: judge 中華 as 中华.  OpenCC's t2s keeps the
            # length for single characters, and a window that changes length is left as is.
            converted = self._t2s.convert(text[start:end])
            if len(converted) == end - start:
                text = text[:start] + converted + text[end:]
                mapped = {option: self._t2s.convert(option) for option in options}
                costs = dict(self._window_costs(text, index, "".join(mapped.values()), False))
                return tuple((option, costs[simple]) for option, simple in mapped.items() if len(simple) == 1)
        left = self._prefix_costs(text[start:index])  # left[a - start]: cost of text[start:a]
        right = self._suffix_costs(text[index + 1 : end])  # right[i]: cost of text[index + 1 + i : end]
        results = {}
        for option in options:
            best = math.inf
            for a in range(max(start, index - MAX_WORD_LENGTH + 1), index + 1):
                for b in range(index + 1, min(end, a + MAX_WORD_LENGTH) + 1):
                    piece = text[a:index] + option + text[index + 1 : b]
                    cost = left[a - start] + self._piece_cost(piece) + right[b - index - 1]
                    if cost < best:
                        best = cost
            results[option] = best
        return tuple(results.items())


@functools.cache
def get_word_model() -> WordModel:
    return WordModel()
