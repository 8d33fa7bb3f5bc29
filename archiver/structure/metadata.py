"""Metadata beyond title and date: author, source, truncation, redactions, and dates
written the Chinese way (2022年10月13日, 二〇二二年十月十三日, 2022/10/13).

The field labels (作者, 来源, 记者…) and the notice shapes are the vocabulary page
chrome is written in, the same on every farm; they are not phrases of any one page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.convert import opencc_converter

AUTHOR_LABELS = "作者|撰稿|撰文|文|记者|本报记者|通讯员|编辑|责任编辑|责编"
SOURCE_LABELS = "来源|出处|文章来源|稿件来源|转自|转载自"
_AUTHOR_RE = re.compile(rf"(?:^|\s)(?:{AUTHOR_LABELS})\s*[:：]\s*(?P<value>[^\s:：|｜/]{{1,30}})")
_REPORTER_RE = re.compile(r"(?:本报|新华社|本台)?记者\s*(?P<value>[\u4e00-\u9fff]{2,4}(?:[、 ][\u4e00-\u9fff]{2,4})*)")
_SOURCE_RE = re.compile(rf"(?:^|\s)(?:{SOURCE_LABELS})\s*[:：]\s*(?P<value>[^\s:：|｜]{{1,40}})")
# Notices that the page holds only part of the text: (未完,全文共1234字…), 全文约N字,请下载后阅读.
_TRUNCATION_RE = re.compile(
    r"[(（]?\s*未完[^)）\n]{0,40}[)）]?|全文(?:共|约)?\s*\d+\s*字[^。\n]{0,30}(?:下载|阅读|查看)[^。\n]{0,10}。?"
)
# Markers the source used to hide names and numbers; kept in the text, counted here.
_REDACTION_RE = re.compile(r"\*\*+|\*(?=[年月日市县区省])|X[Xx]+|x[Xx]+|××+")  # literal first: scanned fast

_CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHINESE_DATE_RE = re.compile(
    r"(?P<y>[〇零○一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,4})日"
)


@dataclass
class Metadata:
    author: str | None = None
    source: str | None = None
    url: str | None = None
    truncated: bool = False
    redactions: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        record: dict[str, object] = {"truncated": self.truncated}
        for key in ("author", "source", "url"):
            if getattr(self, key):
                record[key] = getattr(self, key)
        if self.redactions:
            record["redactions"] = self.redactions
        return record


def _chinese_number(text: str) -> int:
    """十 → 10, 十三 → 13, 二十 → 20, 二十一 → 21."""
    if "十" not in text:
        return _CHINESE_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def parse_chinese_date(text: str) -> str | None:
    """二〇二二年十月十三日 → 2022-10-13."""
    match = _CHINESE_DATE_RE.search(text)
    if not match:
        return None
    year = int("".join(str(_CHINESE_DIGITS[c]) for c in match["y"]))
    try:
        month, day = _chinese_number(match["m"]), _chinese_number(match["d"])
    except KeyError:
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def to_simplified_chars(text: str) -> str:
    """OpenCC t2s when it keeps the length (it does for single characters), else as is."""
    simplified = opencc_converter("t2s").convert(text)
    return simplified if len(simplified) == len(text) else text


def _search(patterns: tuple[re.Pattern[str], ...], lines: list[str]) -> str | None:
    """The first labelled value; labels are matched in simplified (記者 as 记者), the
    value is cut from the line as written."""
    for line in lines:
        view = to_simplified_chars(line)
        for pattern in patterns:
            match = pattern.search(view)
            if match:
                return line[match.start("value") : match.end("value")].strip()
    return None


def find_author(lines: list[str]) -> str | None:
    return _search((_AUTHOR_RE, _REPORTER_RE), lines)


def find_source(lines: list[str]) -> str | None:
    return _search((_SOURCE_RE,), lines)


def is_truncation_notice(line: str) -> bool:
    """The whole line is a notice that the text was cut (未完… / 全文约N字…)."""
    if "未完" not in line and "全文" not in line:
        return False  # the pattern's optional prefix makes re scan slowly; this is exact
    stripped = _TRUNCATION_RE.sub("", line).strip(" 。.，,…")
    return bool(_TRUNCATION_RE.search(line)) and not stripped


def strip_truncation(line: str) -> tuple[str, bool]:
    """Remove a truncation notice that trails a paragraph; report whether one was there."""
    if "未完" not in line and "全文" not in line:
        return line, False
    cleaned, count = _TRUNCATION_RE.subn("", line)
    return cleaned.rstrip(), bool(count)


def count_redactions(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not any(marker in text for marker in "*Xx×"):
        return counts
    for match in _REDACTION_RE.finditer(text):
        marker = match.group()
        key = "*" if marker == "*" else marker[0] * 2
        counts[key] = counts.get(key, 0) + 1
    return counts
