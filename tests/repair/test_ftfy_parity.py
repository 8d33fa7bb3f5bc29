"""Every case ftfy's own suite passes, archiver.fix_text passes too.

We keep curly quotes and full-width forms (Chinese uses them), so those compare
loosely: both sides are folded with ftfy's own uncurl_quotes and width fixers.
"""

import json
from pathlib import Path

import ftfy
import pytest
from ftfy.fixes import fix_character_width, uncurl_quotes

from archiver import fix_text

CASES = [
    case
    for path in sorted((Path(__file__).parent.parent / "data" / "ftfy").glob("*.json"))
    for case in json.loads(path.read_text(encoding="utf-8"))
]
PASSING = [case for case in CASES if case["expect"] == "pass"]


def loose(text: str) -> str:
    return fix_character_width(uncurl_quotes(text))


def test_the_vendored_cases_are_there() -> None:
    assert len(PASSING) > 140


@pytest.mark.parametrize("case", PASSING, ids=[case["label"][:60] for case in PASSING])
def test_ftfy_case(case: dict) -> None:
    assert ftfy.fix_text(case["original"]) == case["fixed"]  # the case holds for ftfy itself
    assert loose(fix_text(case["original"])) == loose(case["fixed"])
