"""Restore the full-width punctuation farms fold to ASCII in Chinese text.

A mark becomes full-width only when a neighbour is Chinese, looking through one
quotation mark (的“四个必须”: ends in Chinese); 09:46:00, 3.5 and A,B stay.
Parentheses become full-width only when they enclose Chinese, so (pdf) and
会议(2022) keep theirs.  Runs only on documents that show folding: more ASCII marks
beside Chinese than full-width ones, so a document that chose its punctuation
deliberately is left alone.
"""

from __future__ import annotations

import re

from archiver.fixes import Fixes, lazy_char_diff

KIND = "punctuation"
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_MARKS = ",:;?!"
# Han, CJK punctuation and full-width forms, but not the curly quotes both scripts share.
_CJK = (
    "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
    "\uff01-\uff20\uff3b-\uff40\uff5b-\uff64\u2010-\u2017\u201a\u201b\u201e-\u2027"
)
_CLOSING = "\u2019\u201d\"')"
_OPENING = "\u2018\u201c\"'("


def _mark_pattern(marks: str) -> re.Pattern[str]:
    """A mark with Chinese beside it, directly or through one quotation mark.  The mark
    comes first in the pattern so the engine rejects every other position at once."""
    behind = rf"(?<=[{_CJK}].)|(?<=[{_CJK}][{re.escape(_CLOSING)}].)"
    ahead = rf"(?=[{_CJK}]|[{re.escape(_OPENING)}][{_CJK}])"
    return re.compile(rf"[{re.escape(marks)}](?:{behind}|{ahead})")


_ANY_MARK_RE = _mark_pattern(_MARKS)
_PAREN_RE = re.compile(r"\(([^()\n]{1,200})\)")
_HAS_CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff20]")


def _full_width_parens(match: re.Match[str]) -> str:
    return f"（{match[1]}）" if _HAS_CJK_RE.search(match[1]) else match.group()


def restore_punctuation(text: str) -> tuple[str, Fixes]:
    if not any(mark in text for mark in FULL_WIDTH):
        return text, Fixes()
    folded = len(_ANY_MARK_RE.findall(text))
    if folded <= sum(text.count(c) for c in "，：；？！"):
        return text, Fixes()  # the document chose its punctuation: not folded
    # One pass, so every mark is judged by the original neighbours; parentheses come
    # after, and a mark converted inside them already means Chinese is there.
    repaired = _ANY_MARK_RE.sub(lambda match: FULL_WIDTH[match[0]], text)
    if "(" in repaired:
        repaired = _PAREN_RE.sub(_full_width_parens, repaired)
    return repaired, lazy_char_diff(KIND, text, repaired)
