"""The record every repair step returns, so no change is ever silent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Fix:
    """One change a step made: ``before`` at ``position`` became ``after``.

    ``position`` is a character offset into the text as that step received it.
    """

    kind: str
    before: str
    after: str
    position: int
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def count_by_kind(fixes: Iterable[Fix]) -> dict[str, int]:
    return dict(Counter(fix.kind for fix in fixes))


def diff_fixes(kind: str, before: str, after: str, offset: int = 0, detail: str = "") -> list[Fix]:
    """Describe the difference between two versions of a span as minimal fixes."""
    import difflib

    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Fix(kind, before[i1:i2], after[j1:j2], offset + i1, detail)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
