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
    rf"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[(（](?P<syllable>{PINYIN_SYLLABLE})[)）]"
)


def remove_pinyin(text: str) -> tuple[str, list[Fix]]:
    if "(" not in text and "（" not in text:
        return text, []
    fixes: list[Fix] = []

    def drop(match: re.Match[str]) -> str:
        han, syllable = match.group("han", "syllable")
        if not has_reading(han, syllable):
            return match.group()
        fixes.append(Fix(KIND, match.group()[1:], "", match.start() + 1, han))
        return han

    repaired = _ANNOTATION.sub(drop, text)
    return (repaired, fixes) if fixes else (text, [])
