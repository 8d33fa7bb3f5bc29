"""Detect a document's script and bring mixed farm documents back to simplified.

Farms convert simplified text to traditional character by character and leave the
ambiguous characters alone, so their pages mix scripts; a Taiwanese speech is
consistently traditional and must stay so.  OpenCC does the conversion; characters
OpenCC cannot settle (著 → 着 or 著) are decided by jieba word frequencies in context.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from archiver.convert import opencc_converter
from archiver.fixes import Fixes, lazy_diff
from archiver.lm import get_model
from archiver.lm.words import get_word_model

KIND = "script"
Script = Literal["hans", "hant", "mixed", "none"]
ScriptChoice = Literal["auto", "hans", "hant", "keep"]
# A farm converts simplified text to traditional and leaves its table's gaps (对, 战:
# 1.6% of the seed's script-specific characters), so "mixed" means mostly traditional
# with a share of simplified-only characters that genuine traditional text never has.
# Mostly simplified text with some traditional characters is simplified text quoting
# a name or a title, which is not damage: it stays.
MIXED_SHARE_IN_TRADITIONAL = 0.005
MIXED_MINORITY_MIN = 3
WORD_WINDOW = 4  # characters either side when word frequencies settle a character
DECISION_MARGIN = 1.0  # nats a rival reading must win by to replace OpenCC's choice


@dataclass(frozen=True)
class ScriptReport:
    script: Script
    hans_chars: int
    hant_chars: int


def detect_script(text: str) -> ScriptReport:
    hans, hant = get_model().script_counts(text)
    if hans == 0 and hant == 0:
        return ScriptReport("none", 0, 0)
    if hant > hans and hans >= MIXED_MINORITY_MIN and hans / (hans + hant) >= MIXED_SHARE_IN_TRADITIONAL:
        return ScriptReport("mixed", hans, hant)
    return ScriptReport("hans" if hans >= hant else "hant", hans, hant)


@functools.cache
def _ambiguous_pattern() -> re.Pattern[str]:
    return re.compile("[" + "".join(sorted(get_model().ambiguous_t2s)) + "]")


def _settle_ambiguous(original: str, converted: str) -> str:
    """Re-decide characters OpenCC left as-is although simplified has two readings."""
    ambiguous = get_model().ambiguous_t2s
    if len(original) != len(converted) or not _ambiguous_pattern().search(converted):
        return converted
    words = get_word_model()
    chars = list(converted)
    for match in _ambiguous_pattern().finditer(converted):
        index, char = match.start(), match.group()
        options = ambiguous[char]
        if original[index] != char:
            continue
        costs = words.option_costs(converted, index, options, WORD_WINDOW)
        best = min(costs, key=costs.__getitem__)
        if best != char and costs[best] + DECISION_MARGIN < costs[char]:
            chars[index] = best
    return "".join(chars)


def to_simplified(text: str) -> str:
    return _settle_ambiguous(text, opencc_converter("t2s").convert(text))


def convert_script(text: str, choice: ScriptChoice = "auto") -> tuple[str, Fixes, ScriptReport]:
    report = detect_script(text)
    if choice == "keep" or report.script == "none":
        return text, Fixes(), report
    if choice == "hant":
        converted = opencc_converter("s2t").convert(text) if report.script != "hant" else text
    elif choice == "hans" or report.script == "mixed":
        converted = to_simplified(text) if report.script != "hans" or choice == "hans" else text
    else:
        return text, Fixes(), report
    if converted == text:
        return text, Fixes(), report
    return (
        converted,
        lazy_diff(KIND, text, converted, detail=f"{report.script} → {choice if choice != 'auto' else 'hans'}"),
        report,
    )
