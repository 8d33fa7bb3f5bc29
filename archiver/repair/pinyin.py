"""Remove pinyin annotations such as 機(jī) that farms insert after characters.

An annotation is removed only when the syllable is a real reading of the character
before it (pypinyin's dictionary), so 会议(2022) and (注:略) survive.
"""

from __future__ import annotations

import re

from archiver.fixes import Fix
from archiver.repair.readings import PINYIN_SYLLABLE, has_reading

KIND = "pinyin"
_ANNOTATION = re.compile(
    r"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"
    rf"(?P<open>[(（])(?P<syllable>{PINYIN_SYLLABLE})(?P<close>[)）])"
)


def remove_pinyin(text: str) -> tuple[str, list[Fix]]:
    if "(" not in text and "（" not in text:
        return text, []
    fixes: list[Fix] = []
    pieces: list[str] = []
    last = 0
    for match in _ANNOTATION.finditer(text):
        if not has_reading(match["han"], match["syllable"]):
            continue
        start = match.start("open")
        pieces.append(text[last:start])
        fixes.append(Fix(KIND, text[start : match.end()], "", start, f"reading of {match['han']}"))
        last = match.end()
    if not fixes:
        return text, []
    pieces.append(text[last:])
    return "".join(pieces), fixes
