"""The whole flow for one input: bytes → decode → repair → structure → Document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archiver import __version__
from archiver.decode import decode_bytes
from archiver.fixes import Fix, count_by_kind
from archiver.repair.pipeline import run_pipeline
from archiver.repair.script import ScriptChoice
from archiver.structure import Removed, extract_structure


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
    fixes: list[Fix] = field(default_factory=list)
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


def clean(data: bytes | str, source: str | None = None, script: ScriptChoice = "auto") -> Document:
    """Repair and structure one document; raises InputError for input that is not text."""
    if isinstance(data, bytes):
        decoded = decode_bytes(data)
        text, encoding, confidence, evidence = decoded.text, decoded.encoding, decoded.confidence, decoded.evidence
        line_encodings = decoded.line_encodings
        warnings = [f"mixed encodings, decoded line by line: {line_encodings}"] if line_encodings else []
    else:
        text, encoding, confidence, evidence, warnings, line_encodings = data, "str", 1.0, "given as text", [], {}
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    repaired = run_pipeline(text, script)
    structure = extract_structure(repaired.text)
    assert repaired.script is not None
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
        metadata=structure.metadata,
        line_encodings=line_encodings,
        script_counts=(repaired.script.hans_chars, repaired.script.hant_chars),
    )
