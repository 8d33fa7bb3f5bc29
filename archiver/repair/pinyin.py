"""Remove pinyin annotations such as 機(jī) that farms insert after characters.

An annotation is removed only when the syllable is a real reading of the character
before it (pypinyin's dictionary), so 会议(2022) and (注:略) survive.
"""

from __future__ import annotations

import re

from archiver.fixes import Fix, Fixes
from archiver.repair.readings import PINYIN_SYLLABLE, has_reading

KIND = "pinyin"
_ANNOTATION = re.compile(
    rf"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])(?P<open>[(（])(?P<syllable>{PINYIN_SYLLABLE})(?P<close>[)）])"
)


def remove_pinyin(text: str) -> tuple[str, Fixes]:
    fixes = Fixes()
    if "(" not in text and "（" not in text:
        return text, fixes
    # split keeps each annotation's groups: [text, han, open, syllable, close, text, ...].
    # A farm page holds a thousand annotations over a few hundred distinct pairs, so the
    # pairs are judged once each and the page is rebuilt by list slicing, not per match.
    parts = _ANNOTATION.split(text)
    if len(parts) == 1:
        return text, fixes
    hans, syllables = parts[1::5], parts[3::5]
    verdicts = {pair: has_reading(*pair) for pair in set(zip(hans, syllables, strict=True))}
    if all(verdicts.values()):
        count = len(hans)
        parts[2::5] = parts[3::5] = parts[4::5] = [""] * count
    else:
        count = 0
        for index, pair in enumerate(zip(hans, syllables, strict=True)):
            if verdicts[pair]:
                parts[5 * index + 2] = parts[5 * index + 3] = parts[5 * index + 4] = ""
                count += 1
    if not count:
        return text, fixes
    fixes.add_lazy(KIND, count, lambda: _explain(text))
    return "".join(parts), fixes


def _explain(text: str) -> list[Fix]:
    return [
        Fix(KIND, match.group()[1:], "", match.start() + 1, match["han"])
        for match in _ANNOTATION.finditer(text)
        if has_reading(match["han"], match["syllable"])
    ]
