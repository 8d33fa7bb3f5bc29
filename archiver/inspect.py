"""Diagnose a document without changing anything: what ``clean`` would find and do."""

from __future__ import annotations

from typing import Any

from archiver.document import clean

SAMPLES_PER_KIND = 3


def inspect_bytes(data: bytes, source: str) -> dict[str, Any]:
    """Encoding evidence, script, damage by kind with sample spans, and losslessness."""
    document = clean(data, source)
    damage: dict[str, dict[str, Any]] = {}
    for found in document.fixes:
        entry = damage.setdefault(found.kind, {"count": 0, "samples": []})
        entry["count"] += 1
        if len(entry["samples"]) < SAMPLES_PER_KIND:
            entry["samples"].append({"before": found.before, "after": found.after, "position": found.position})
    if document.removed:
        damage["boilerplate"] = {
            "count": len(document.removed),
            "samples": [
                {"before": r.line, "after": "", "position": r.line_number} for r in document.removed[:SAMPLES_PER_KIND]
            ],
        }
    unrecoverable = [warning for warning in document.warnings if warning.startswith("unrecoverable")]
    if unrecoverable:
        damage["unrecoverable"] = {
            "count": len(unrecoverable),
            "samples": [
                {"before": warning, "after": "", "position": None} for warning in unrecoverable[:SAMPLES_PER_KIND]
            ],
        }
    # A lost byte (U+FFFD in the input) that a repair filled was inferred from context,
    # not restored: the repair may be right, but it is not lossless.
    inferred = sum(max(0, f.before.count("\ufffd") - f.after.count("\ufffd")) for f in document.fixes)
    left = sum(f.after.count("\ufffd") for f in document.fixes)
    return {
        "source": source,
        "encoding": document.encoding,
        "encoding_confidence": document.encoding_confidence,
        "encoding_evidence": document.encoding_evidence,
        "line_encodings": document.line_encodings,
        "script": document.script,
        "hans_chars": document.script_counts[0],
        "hant_chars": document.script_counts[1],
        "damage": damage,
        "warnings": document.warnings,
        "lossless": not inferred and not left and not unrecoverable,
        "lost_bytes_inferred": inferred,
        "lost_bytes_left": left,
    }
