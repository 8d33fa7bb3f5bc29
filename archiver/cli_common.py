"""Option types and messages both command modules use."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class ScriptOption(StrEnum):
    auto = "auto"
    hans = "hans"
    hant = "hant"
    keep = "keep"


def no_files_found(paths: list[str]) -> str:
    """What to say when the paths given hold no input at all."""
    return f"archiver: no files found in {', '.join(paths)} (hidden files are skipped)"
