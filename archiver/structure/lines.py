"""Split a repaired page into title, date, metadata and body, removing site chrome.

Content farms frame every page the same way: a title line, a header of
``label:value`` fields (时间, 来源, 作者, 阅读…, 导语 disclaimers), breadcrumbs, and a
footer of navigation (上一篇/下一篇), 相关推荐 lists and copyright notices.  The labels
below are the vocabulary of page chrome, not phrases of any one page; every line
removed is returned with its reason so nothing vanishes silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from archiver.structure.metadata import (
    Metadata,
    count_redactions,
    find_author,
    find_source,
    is_truncation_notice,
    parse_chinese_date,
    strip_truncation,
    to_simplified_chars,
)

# Field labels farms put in page headers.  Matching one only marks a line as a
# header field when it stands at the line start followed by a colon and a value.
HEADER_LABELS = (
    "时间|日期|发布时间|发表时间|更新时间|发布日期|来源|文章来源|作者|编辑|责任编辑|"
    "阅读|浏览|点击|阅读量|浏览次数|导语|摘要|栏目|分类|标签|关键词|字数"
)
_COLON = "[:：]"
_HEADER_FIELD_RE = re.compile(rf"^\s*(?:{HEADER_LABELS})\s*{_COLON}\s*\S")
_FIELD_RE = re.compile(
    rf"(?P<label>{HEADER_LABELS})\s*{_COLON}\s*(?P<value>.*?)(?=\s+(?:{HEADER_LABELS})\s*{_COLON}|$)"
)
_BREADCRUMB_RE = re.compile(r"^\s*(?:首页|主页|当前位置|您的位置|你的位置|位置)\s*[:：]?\s*.*(?:>|»|›|/)")
_NAVIGATION_RE = re.compile(rf"^\s*(?:上一篇|下一篇|上一页|下一页|返回列表|返回首页)\s*{_COLON}?")
_RELATED_RE = re.compile(rf"^\s*(?:相关推荐|相关文章|相关阅读|猜你喜欢|热门推荐|推荐阅读|延伸阅读)\s*{_COLON}?\s*$")
# Copyright and take-down notices: a site talking about the article, not the article.
_NOTICE_RE = re.compile(r"(?:版权归原作者|如有侵权|侵权请联系|不代表本站观点|来源于网友上传|来源于网络|转载请注明)")
_DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*T?\s*(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?)?"
)
MAX_TITLE_LENGTH = 80
HEADER_ZONE_LINES = 8  # fields beyond this many lines from the top are body text
BYLINE_MAX_LENGTH = 30
CHROME_MAX_LENGTH = 200
_BYLINE_RE = re.compile(r"[(（]?(?:本报|新华社|本台)?(?:记者|通讯员|作者)\s*[\u4e00-\u9fff、 ]{2,20}[)）]?")


@dataclass(frozen=True)
class Removed:
    line: str
    reason: str
    line_number: int

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "reason": self.reason, "line_number": self.line_number}


@dataclass
class Structure:
    title: str | None
    date: str | None
    paragraphs: list[str]
    metadata: dict[str, str] = field(default_factory=dict)
    removed: list[Removed] = field(default_factory=list)
    details: Metadata = field(default_factory=Metadata)


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO 8601, with the time when given."""
    match = _DATE_RE.search(text)
    if not match:
        return parse_chinese_date(text)
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    date = f"{year:04d}-{month:02d}-{day:02d}"
    if match["H"] is not None:
        date += f"T{int(match['H']):02d}:{match['M']}:{match['S'] or '00'}"
    return date


def _classify(line: str, in_header: bool) -> str | None:
    """The chrome rule a line (already in simplified characters) matches."""
    if len(line) > CHROME_MAX_LENGTH:
        return None  # chrome is short; a long line is a paragraph
    if is_truncation_notice(line):
        return "truncation"
    if in_header and len(line) <= BYLINE_MAX_LENGTH and _BYLINE_RE.fullmatch(line):
        return "byline"
    if _BREADCRUMB_RE.match(line):
        return "breadcrumb"
    if _NAVIGATION_RE.match(line):
        return "navigation"
    if _RELATED_RE.match(line):
        return "related"
    if _NOTICE_RE.search(line) and (in_header or len(line) < 120):
        return "notice"
    if in_header and _HEADER_FIELD_RE.match(line):
        return "header"
    return None


def _looks_like_title(line: str) -> bool:
    return 0 < len(line) <= MAX_TITLE_LENGTH and not re.search(r"[。！？!?：:]$", line) and not _classify(line, True)


def classify_chrome(line: str) -> str:
    """Why a line the HTML extractor left out is chrome: a rule's reason, or 'page'."""
    return _classify(to_simplified_chars(line), in_header=True) or "page"


def _simplified_lines(lines: list[str]) -> list[str]:
    """The short lines (chrome candidates) in simplified characters, in one OpenCC call,
    so traditional pages match the rules; long lines are left as they are."""
    short = [index for index, line in enumerate(lines) if len(line) <= CHROME_MAX_LENGTH and not line.isascii()]
    converted = to_simplified_chars("\n".join(lines[index] for index in short)).split("\n")
    result = list(lines)
    if len(converted) == len(short):
        for index, simple in zip(short, converted, strict=True):
            result[index] = simple
    return result


def extract_structure(
    text: str,
    learned: Callable[[str], bool] | None = None,
    url: str | None = None,
    title: str | None = None,
) -> Structure:
    """Split ``text``; ``learned`` says whether a line (given in simplified characters)
    is boilerplate its site repeats.

    ``title`` is given for HTML pages, whose title comes from the page itself.
    """
    lines = [(number, line.strip()) for number, line in enumerate(text.split("\n"), start=1)]
    lines = [(number, line) for number, line in lines if line]
    structure = Structure(title=title, date=None, paragraphs=[])
    if title is None and lines and _looks_like_title(lines[0][1]):
        structure.title = lines.pop(0)[1]
    in_related = False
    simplified = _simplified_lines([line for _, line in lines])
    for position, ((number, line), simple) in enumerate(zip(lines, simplified, strict=True)):
        in_header = position < HEADER_ZONE_LINES and not structure.paragraphs
        reason = _classify(simple, in_header)
        if reason is None and in_related and len(line) <= MAX_TITLE_LENGTH:
            reason = "related"  # the link titles under a 相关推荐 heading
        if reason is None and learned is not None and learned(simple):
            reason = "learned"
        if reason is None:
            in_related = False
            kept, truncated = strip_truncation(line)
            if truncated:
                structure.removed.append(Removed(line[len(kept) :].strip(), "truncation", number))
                structure.details.truncated = True
            structure.paragraphs.append(kept)
            continue
        in_related = in_related or reason == "related"
        structure.removed.append(Removed(line, reason, number))
        if reason == "header":
            for field_match in _FIELD_RE.finditer(line):
                structure.metadata.setdefault(field_match["label"], field_match["value"].strip())
    for removed in structure.removed:
        if removed.reason == "header" and structure.date is None:
            structure.date = parse_date(removed.line)
        if removed.reason == "truncation":
            structure.details.truncated = True
    chrome = [r.line for r in structure.removed if r.reason in ("header", "byline")]
    structure.details.author = find_author(chrome)
    structure.details.source = find_source(chrome)
    structure.details.url = url
    structure.details.redactions = count_redactions("\n".join(structure.paragraphs))
    return structure
