"""Option types both command modules use."""

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
