"""Boilerplate learned from the corpus itself: lines a site repeats across its pages.

No rule list can know every farm's phrases, but a farm repeats its own on every page.
As CCNet does for Common Crawl, a first pass counts normalised lines per site (the
host of a URL, or the top directory of a path); a line found in at least
``threshold(site)`` documents of its site is boilerplate.  The threshold is a share of
the site's pages with a floor, so a paragraph two speeches quote both survives, while
a footer on nearly every page does not.

Lines are normalised so the count sees through the damage the pipeline later repairs:
traditional to simplified (OpenCC), full-width to ASCII (NFKC), pinyin annotations
dropped, digits folded (阅读:123次 and 阅读:98次 are one line), spaces removed.
"""

from __future__ import annotations

import hashlib
import math
import re
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from archiver.convert import opencc_converter

MIN_DOCUMENTS = 4  # a line must recur in at least this many pages of a site...
MIN_SHARE = 0.1  # ...and in this share of them
MIN_SITE_DOCUMENTS = 8  # sites with fewer pages teach nothing
MIN_LINE_LENGTH = 4
MAX_LINE_LENGTH = 150  # chrome is short; a long paragraph repeated is duplicated content, not chrome
# A repaired line has no pinyin left to drop, so normalising cannot shrink one this long
# into range short of a run of hundreds of digits or spaces: paragraphs skip the hashing.
MAX_MATCH_LENGTH = MAX_LINE_LENGTH * 4
_PINYIN_RE = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
_SPACE_RE = re.compile(r"\s+")
_LINE_SPACE_RE = re.compile(r"[^\S\n]+")
_SHRINKING_RE = re.compile(r"[\s\d]+")
_DIGITS_RE = re.compile(r"\d+")


def _normalise_simplified(line: str) -> str:
    line = _PINYIN_RE.sub("", line)
    line = unicodedata.normalize("NFKC", line)
    return _DIGITS_RE.sub("0", _SPACE_RE.sub("", line)).lower()


def _normalise_many(bare_lines: list[str]) -> list[str]:
    """``normalise`` of many pinyin-free lines in one OpenCC call and one pass of each
    regex over their join (every step is line-local)."""
    joined = "\n".join(bare_lines)
    simplified = opencc_converter("t2s").convert(joined)
    normal = _LINE_SPACE_RE.sub("", unicodedata.normalize("NFKC", simplified))
    normal_lines = _DIGITS_RE.sub("0", normal).lower().split("\n")
    if len(normal_lines) == len(bare_lines):
        return normal_lines
    return [_normalise_simplified(opencc_converter("t2s").convert(line)) for line in bare_lines]


def normalise(line: str) -> str:
    """Pinyin dropped, then simplified, NFKC, no spaces, digits folded, lower case."""
    return _normalise_many([_PINYIN_RE.sub("", line)])[0]


def _may_fit(line: str) -> bool:
    """Cheap bound: can normalising this pinyin-free line bring it within
    MAX_LINE_LENGTH?  Only spaces and digit runs shrink, so paragraphs skip the
    conversion, NFKC and hashing every line would otherwise pay."""
    return len(line) <= MAX_LINE_LENGTH or (
        len(line) <= MAX_MATCH_LENGTH and len(_SHRINKING_RE.sub("", line)) <= MAX_LINE_LENGTH
    )


def _key_of(normal: str) -> int | None:
    if not MIN_LINE_LENGTH <= len(normal) <= MAX_LINE_LENGTH:
        return None
    return int.from_bytes(hashlib.blake2b(normal.encode("utf-8"), digest_size=8).digest(), "big")


def line_key(line: str) -> int | None:
    """A 64-bit hash of the normalised line, or None for lines too short or long to judge."""
    bare = _PINYIN_RE.sub("", line)
    return _key_of(_normalise_many([bare])[0]) if _may_fit(bare) else None


def readable_text(data: bytes) -> str:
    """The lines a reader would see: decoded text, or an HTML page's visible lines."""
    from archiver.decode import decode_bytes
    from archiver.structure.html import looks_like_html, visible_lines

    text = decode_bytes(data).text
    return "\n".join(visible_lines(text)) if looks_like_html(data) else text


def document_keys(text: str) -> dict[int, str]:
    """Each distinct judgeable line of a document by its key.

    Only lines short enough to be chrome once their pinyin is gone are normalised, all
    of them together: a page costs one OpenCC call over its short lines.
    """
    lines = [line.strip() for line in text.splitlines()]
    joined = "\n".join(lines)
    if "(" in joined or "（" in joined:  # the pattern never spans lines
        joined = _PINYIN_RE.sub("", joined)
    bare = joined.split("\n")
    chosen = [index for index, line in enumerate(bare) if _may_fit(line)]
    keys: dict[int, str] = {}
    for index, normal in zip(chosen, _normalise_many([bare[index] for index in chosen]), strict=True):
        key = _key_of(normal)
        if key is not None:
            keys.setdefault(key, lines[index])
    return keys


def threshold(documents: int) -> int:
    return max(MIN_DOCUMENTS, math.ceil(MIN_SHARE * documents))


class BoilerplateCounter:
    """Counts, per site, in how many documents each normalised line occurs.

    The counts live in a throwaway SQLite file, not in memory: a corpus of a million
    pages has millions of distinct lines, and holding each with its example came to
    gigabytes.  Use as a context manager (the file goes with it).
    """

    def __init__(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="archiver-learn-")
        self._db = sqlite3.connect(Path(self._directory.name) / "counts.db", isolation_level=None)
        self._db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16000;"
            "CREATE TABLE documents (site TEXT, fingerprint INTEGER, PRIMARY KEY (site, fingerprint)) WITHOUT ROWID;"
            "CREATE TABLE lines (site TEXT, key INTEGER, documents INTEGER, example TEXT,"
            " PRIMARY KEY (site, key)) WITHOUT ROWID;"
            "BEGIN;"
        )

    def __enter__(self) -> BoilerplateCounter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        self._directory.cleanup()

    def add(self, site: str, keys: dict[int, str]) -> None:
        """Count one document's distinct line keys (see ``document_keys``).

        A page whose lines are all those of a page already counted is the same page
        scraped twice, not a second witness: two hundred copies of one speech would
        otherwise make its title and headings look like the site's chrome.
        """
        fingerprint = hash(frozenset(keys))  # ints hash the same in every process
        if not self._db.execute("INSERT OR IGNORE INTO documents VALUES (?, ?)", (site, fingerprint)).rowcount:
            return
        self._db.executemany(
            "INSERT INTO lines VALUES (?, ?, 1, ?) ON CONFLICT (site, key) DO UPDATE SET documents = documents + 1",
            ((site, _signed(key), line) for key, line in keys.items()),  # the first example stays
        )

    def learned(self) -> LearnedBoilerplate:
        found: dict[str, dict[int, tuple[str, int]]] = {}
        sites = self._db.execute("SELECT site, COUNT(*) FROM documents GROUP BY site").fetchall()
        for site, documents in sites:
            if documents < MIN_SITE_DOCUMENTS:
                continue
            rows = self._db.execute(
                "SELECT key, example, documents FROM lines WHERE site = ? AND documents >= ?",
                (site, threshold(documents)),
            )
            found[site] = {_unsigned(key): (example, n) for key, example, n in rows}
        return LearnedBoilerplate(found)


def _signed(key: int) -> int:
    """A 64-bit key as SQLite's signed INTEGER holds it."""
    return key - (1 << 64) if key >= 1 << 63 else key


def _unsigned(key: int) -> int:
    return key + (1 << 64) if key < 0 else key


class LearnedBoilerplate:
    """Learned lines per site: what ``extract_structure`` asks about each line."""

    def __init__(self, lines: dict[str, dict[int, tuple[str, int]]] | None = None) -> None:
        self.lines = lines or {}

    def __bool__(self) -> bool:
        return any(self.lines.values())

    def matcher(self, site: str | None):  # type: ignore[no-untyped-def]
        """A predicate on lines already in simplified characters, for one site's learned
        lines (every site's when the site is unknown)."""
        if site is not None and site in self.lines:
            keys = set(self.lines[site])
        elif site is None:
            keys = {key for lines in self.lines.values() for key in lines}
        else:
            return None
        if not keys:
            return None
        return lambda line: _may_fit(line) and _key_of(_normalise_simplified(line)) in keys

    def merged(self, other: LearnedBoilerplate) -> LearnedBoilerplate:
        """These lines and ``other``'s, the newer count winning."""
        lines = {site: dict(found) for site, found in self.lines.items()}
        for site, found in other.lines.items():
            lines.setdefault(site, {}).update(found)
        return LearnedBoilerplate(lines)

    def rows(self) -> Iterable[tuple[str, str, int]]:
        for site, lines in self.lines.items():
            for line, documents in lines.values():
                yield site, line, documents

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, int]]) -> LearnedBoilerplate:
        lines: dict[str, dict[int, tuple[str, int]]] = defaultdict(dict)
        for site, line, documents in rows:
            key = line_key(line)
            if key is not None:
                lines[site][key] = (line, documents)
        return cls(dict(lines))
