"""Saved HTML pages: the main text and the page's own metadata, via trafilatura.

trafilatura was chosen over jusText (no Chinese stoplist) and readability because it
extracts the body and the metadata (og:title, <title> minus the site name, <h1>,
dates) in one pass and keeps working on pages without Latin stopwords.  The bytes are
decoded by ``archiver.decode`` first: a page's <meta charset> is a hint that lies
(gb2312 for GBK bytes, utf-8 for GBK bytes), so it is only compared and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.decode import normalize_encoding
from archiver.structure.lines import MAX_TITLE_LENGTH

_HTML_START_RE = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
SNIFF_BYTES = 4096


@dataclass
class HtmlPage:
    title: str | None
    text: str
    date: str | None
    author: str | None
    sitename: str | None
    chrome: list[str] = field(default_factory=list)  # visible lines outside the main text
    page_title: str | None = None  # the <title> element as written, site name and all


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML_START_RE.match(data[:SNIFF_BYTES]))


def declared_charset(data: bytes) -> str | None:
    match = _CHARSET_RE.search(data[: SNIFF_BYTES * 4])
    if not match:
        return None
    try:
        return normalize_encoding(match.group(1).decode("ascii"))
    except LookupError:
        return match.group(1).decode("ascii", "replace").lower()


def charset_warning(declared: str | None, detected: str) -> str | None:
    """A warning when the page's declaration disagrees with its bytes."""
    if declared is None or declared == detected or (detected == "utf-8" and declared == "ascii"):
        return None
    return f"the page declares {declared} but its bytes are {detected}; decoded by the bytes"


_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
        "dd",
        "dt",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "blockquote",
        "pre",
        "tr",
        "title",
    ]
)


def visible_lines(text: str) -> list[str]:
    """The text of each innermost block element: what a reader sees as a line."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", text))
    except (etree.ParserError, ValueError):
        return []
    for element in tree.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    lines = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag not in _BLOCK_TAGS:
            continue
        if any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in element.iterdescendants()):
            continue
        line = " ".join("".join(element.itertext()).split())
        if line:
            lines.append(line)
    return lines


def extract_html(text: str, url: str | None = None) -> HtmlPage:
    import trafilatura

    document = trafilatura.bare_extraction(
        text, url=url, with_metadata=True, include_comments=False, include_tables=True, favor_precision=True
    )
    page_lines = visible_lines(text)
    page_title = page_lines[0] if page_lines and _has_title_element(text) else None
    if document is None:
        return HtmlPage(None, "", None, None, None, page_lines, page_title)
    body = document.text or ""
    kept = {line.strip() for line in body.splitlines()}
    chrome = [line for line in page_lines if line not in kept]
    return HtmlPage(document.title, body, document.date, document.author, document.sitename, chrome, page_title)


def _has_title_element(text: str) -> bool:
    return bool(re.search(r"<title[^>]*>\s*\S", text[:20000], re.I))


_SITE_SEPARATOR_RE = re.compile(r"\s*(?:_|\||｜|-{1,2}|–|—|::)\s*")


def page_title(title: str, body: str, page_title: str | None) -> tuple[str | None, str]:
    """The page's title and its body without a heading that repeats it.

    The heading that opens the body (<h1>) wins when the <title> element holds it
    (a <title> is the heading plus the site name); otherwise the extractor's title
    (og:title, <title>) loses a trailing site name.
    """
    first, _, rest = body.partition("\n")
    heading = first.strip()
    if heading and len(heading) <= MAX_TITLE_LENGTH and (heading == title or (page_title and heading in page_title)):
        return heading, rest
    parts = [part for part in _SITE_SEPARATOR_RE.split(title) if part]
    if len(parts) > 1:
        title = max(parts, key=len)
    return title or None, body
