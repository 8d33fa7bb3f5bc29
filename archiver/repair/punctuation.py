"""Restore the full-width punctuation farms fold to ASCII in Chinese text.

A mark becomes full-width only when a neighbour is Chinese and the mark does not sit
between two ASCII letters or digits (09:46:00, 3.5, A,B stay).  Parentheses become
full-width only when they enclose Chinese, so (pdf) and 会议(2022) keep theirs.
Runs only on documents that show folding: more ASCII marks beside Chinese than
full-width ones, so a document that chose its punctuation deliberately is left alone.
"""

from __future__ import annotations

import re

from archiver.fixes import Fix
from archiver.lm.model import is_cjk_punctuation, is_han

KIND = "punctuation"
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_PAREN_RE = re.compile(r"\(([^()\n]{1,200})\)")
_MARK_RE = re.compile(r"[,:;?!]")
_HAS_CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff20]")


def _is_cjk(char: str) -> bool:
    return is_han(char) or (is_cjk_punctuation(char) and char not in "\u2018\u2019\u201c\u201d")


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


_CLOSING = "\u2019\u201d\"')"
_OPENING = "\u2018\u201c\"'("


def _convertible(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    # Look through a quote: in 的“四个必须”: the colon follows Chinese, not the quote.
    if before and before in _CLOSING and index > 1:
        before = text[index - 2]
    if after and after in _OPENING and index + 2 < len(text):
        after = text[index + 2]
    if before and after and _is_ascii_alnum(before) and _is_ascii_alnum(after):
        return False
    return bool((before and _is_cjk(before)) or (after and _is_cjk(after)))


def restore_punctuation(text: str) -> tuple[str, list[Fix]]:
    if not any(c in text for c in FULL_WIDTH):
        return text, []
    marks = [m.start() for m in _MARK_RE.finditer(text) if _convertible(text, m.start())]
    if len(marks) <= sum(text.count(c) for c in "，：；？！"):
        return text, []  # the document chose its punctuation: not folded
    chars = list(text)
    fixes: list[Fix] = []
    for match in _PAREN_RE.finditer(text):
        if _HAS_CJK_RE.search(match[1]):
            for index in (match.start(), match.end() - 1):
                chars[index] = FULL_WIDTH[text[index]]
                fixes.append(Fix(KIND, text[index], chars[index], index))
    for index in marks:
        chars[index] = FULL_WIDTH[text[index]]
        fixes.append(Fix(KIND, text[index], chars[index], index))
    fixes.sort(key=lambda fix: fix.position)
    return "".join(chars), fixes
