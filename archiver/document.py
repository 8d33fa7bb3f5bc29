"""The whole flow for one input: bytes → decode → repair → structure → Document."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from archiver import __version__
from archiver.decode import decode_bytes
from archiver.fixes import Fix, Fixes, count_by_kind
from archiver.repair.pipeline import run_pipeline
from archiver.repair.script import ScriptChoice
from archiver.structure import Removed, Structure, extract_structure, parse_date
from archiver.structure.html import (
    HtmlPage,
    charset_warning,
    declared_charset,
    extract_html,
    looks_like_html,
    page_title,
)
from archiver.structure.lines import classify_chrome
from archiver.structure.metadata import find_author, find_source, is_truncation_notice


@dataclass
class Document:
    source: str | None
    title: str | None
    date: str | None
    paragraphs: list[str]
    encoding: str
    encoding_confidence: float
    encoding_evidence: str
    script: str
    fixes: Sequence[Fix] = field(default_factory=Fixes)  # built lazily: see archiver.fixes
    removed: list[Removed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    line_encodings: dict[str, int] = field(default_factory=dict)  # lines per encoding, for mixed files
    script_counts: tuple[int, int] = (0, 0)  # simplified-only and traditional-only characters

    @property
    def text(self) -> str:
        """The body: paragraphs separated by single newlines."""
        return "\n".join(self.paragraphs)

    def to_text(self) -> str:
        """Title, a blank line, then the body: what ``archiver clean`` prints."""
        return f"{self.title}\n\n{self.text}\n" if self.title else f"{self.text}\n"

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        record: dict[str, Any] = {
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "text": self.text,
            "encoding": self.encoding,
            "encoding_confidence": self.encoding_confidence,
            "line_encodings": self.line_encodings,
            "script": self.script,
            "fixes": count_by_kind(self.fixes),
            "removed": [removed.to_dict() for removed in self.removed],
            "warnings": self.warnings,
            "metadata": self.metadata,
            "pipeline_version": __version__,
        }
        if explain:
            record["fix_details"] = [fix.to_dict() for fix in self.fixes]
        return record


def clean(
    data: bytes | str,
    source: str | None = None,
    script: ScriptChoice = "auto",
    url: str | None = None,
    learned: Callable[[str], bool] | None = None,
) -> Document:
    """Repair and structure one document; raises InputError for input that is not text.

    HTML (bytes or str) goes through the extractor first; ``learned`` says whether a
    line is boilerplate the document's site repeats (see structure.learned).
    """
    raw = data if isinstance(data, bytes) else None
    if raw is not None:
        decoded = decode_bytes(raw)
        text, encoding, confidence, evidence = decoded.text, decoded.encoding, decoded.confidence, decoded.evidence
        line_encodings = decoded.line_encodings
        warnings = [f"mixed encodings, decoded line by line: {line_encodings}"] if line_encodings else []
    else:
        text, encoding, confidence, evidence, warnings, line_encodings = data, "str", 1.0, "given as text", [], {}
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    page = None
    if looks_like_html(raw if raw is not None else text[:4096].encode("utf-8", "replace")):
        page = extract_html(text, url)
        if raw is not None and (warning := charset_warning(declared_charset(raw), encoding)):
            warnings.append(warning)
        # The page title is repaired with the body, so both get the same script decision.
        text = (page.title or "") + "\n" + page.text
    repaired = run_pipeline(text, script)
    assert repaired.script is not None
    if page is not None:
        title, _, body = repaired.text.partition("\n")
        title, body = page_title(title, body, page.page_title)
        structure = extract_structure(body, learned, url, title=title)
        _add_page_chrome(structure, page)
    else:
        structure = extract_structure(repaired.text, learned, url)
    return Document(
        source=source,
        title=structure.title,
        date=structure.date,
        paragraphs=structure.paragraphs,
        encoding=encoding,
        encoding_confidence=confidence,
        encoding_evidence=evidence,
        script=repaired.script.script,
        fixes=repaired.fixes,
        removed=structure.removed,
        warnings=warnings + repaired.warnings,
        metadata={**structure.details.to_dict(), "fields": structure.metadata},
        line_encodings=line_encodings,
        script_counts=(repaired.script.hans_chars, repaired.script.hant_chars),
    )


def _add_page_chrome(structure: Structure, page: HtmlPage) -> None:
    """What the extractor left out is reported, and mined for date, author and source."""
    for line in page.chrome:
        structure.removed.append(Removed(line, classify_chrome(line), 0))
    # The page's own date line beats the extractor's guess from URLs and markup.
    structure.date = structure.date or _first_date(page.chrome) or (parse_date(page.date) if page.date else None)
    structure.details.author = structure.details.author or find_author(page.chrome) or page.author
    structure.details.source = structure.details.source or find_source(page.chrome)
    if any(is_truncation_notice(line) for line in page.chrome):
        structure.details.truncated = True


def _first_date(lines: list[str]) -> str | None:
    for line in lines:
        if (date := parse_date(line)) is not None:
            return date
    return None
