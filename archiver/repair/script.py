"""Detect a document's script and bring mixed farm documents back to simplified.

Farms convert simplified text to traditional character by character and leave the
ambiguous characters alone, so their pages mix scripts; a Taiwanese speech is
consistently traditional and must stay so.  OpenCC does the conversion; characters
OpenCC cannot settle (著 → 着 or 著) are decided by jieba word frequencies in context.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import opencc

from archiver.fixes import Fix, diff_fixes
from archiver.lm import get_model
from archiver.lm.words import get_word_model

KIND = "script"
Script = Literal["hans", "hant", "mixed", "none"]
ScriptChoice = Literal["auto", "hans", "hant", "keep"]
# A document is mixed when its minority script holds at least this share of the
# script-specific characters.  Genuine traditional text holds no simplified-only
# characters, while a farm's conversion leaves its table's gaps (对, 战: 1.6% in
# the seed), so a small share already tells; simplified text quoting a traditional
# name is common, so that direction needs more.
MIXED_SHARE_IN_TRADITIONAL = 0.005
MIXED_SHARE_IN_SIMPLIFIED = 0.03
MIXED_MINORITY_MIN = 3
WORD_WINDOW = 4  # characters either side when word frequencies settle a character
DECISION_MARGIN = 1.0  # nats a rival reading must win by to replace OpenCC's choice


@dataclass(frozen=True)
class ScriptReport:
    script: Script
    hans_chars: int
    hant_chars: int


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def detect_script(text: str) -> ScriptReport:
    model = get_model()
    hans = sum(1 for c in text if c in model.hans_only)
    hant = sum(1 for c in text if c in model.hant_only)
    if hans == 0 and hant == 0:
        return ScriptReport("none", 0, 0)
    minority = min(hans, hant)
    threshold = MIXED_SHARE_IN_TRADITIONAL if hant > hans else MIXED_SHARE_IN_SIMPLIFIED
    if minority >= MIXED_MINORITY_MIN and minority / (hans + hant) >= threshold:
        return ScriptReport("mixed", hans, hant)
    return ScriptReport("hans" if hans >= hant else "hant", hans, hant)


def _settle_ambiguous(original: str, converted: str) -> str:
    """Re-decide characters OpenCC left as-is although simplified has two readings."""
    ambiguous = get_model().ambiguous_t2s
    if len(original) != len(converted) or not any(c in ambiguous for c in converted):
        return converted
    words = get_word_model()
    chars = list(converted)
    for index, char in enumerate(chars):
        options = ambiguous.get(char)
        if not options or original[index] != char:
            continue
        start, end = max(0, index - WORD_WINDOW), min(len(chars), index + WORD_WINDOW + 1)

        def window_cost(option: str, start: int = start, end: int = end, index: int = index) -> float:
            window = chars[start:index] + [option] + chars[index + 1 : end]
            return words.cost("".join(window), to_simplified=False)

        current = window_cost(char)
        best = min(options, key=window_cost)
        if best != char and window_cost(best) + DECISION_MARGIN < current:
            chars[index] = best
    return "".join(chars)


def to_simplified(text: str) -> str:
    return _settle_ambiguous(text, _converter("t2s").convert(text))


def convert_script(text: str, choice: ScriptChoice = "auto") -> tuple[str, list[Fix], ScriptReport]:
    report = detect_script(text)
    if choice == "keep" or report.script == "none":
        return text, [], report
    if choice == "hant":
        converted = _converter("s2t").convert(text) if report.script != "hant" else text
    elif choice == "hans" or report.script == "mixed":
        converted = to_simplified(text) if report.script != "hans" or choice == "hans" else text
    else:
        return text, [], report
    if converted == text:
        return text, [], report
    return converted, diff_fixes(KIND, text, converted, detail=f"{report.script} → {choice if choice != 'auto' else 'hans'}"), report
