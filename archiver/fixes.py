"""The record every repair step returns, so no change is ever silent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(slots=True)
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
    """Describe the difference between two versions of a span as minimal fixes.

    Same-length rewrites (script conversion) are compared position by position in
    linear time; difflib's quadratic matcher is kept for the rest, line by line.
    """
    if len(before) == len(after):
        return _aligned_fixes(kind, before, after, offset, detail)
    if "\n" in before and before.count("\n") == after.count("\n"):
        fixes = []
        for old_line, new_line in zip(before.split("\n"), after.split("\n"), strict=True):
            if old_line != new_line:
                fixes.extend(diff_fixes(kind, old_line, new_line, offset, detail))
            offset += len(old_line) + 1
        return fixes
    import difflib

    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Fix(kind, before[i1:i2], after[j1:j2], offset + i1, detail)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _aligned_fixes(kind: str, before: str, after: str, offset: int, detail: str) -> list[Fix]:
    """Runs of differing code points, found by numpy: a farm page changes thousands."""
    import numpy as np

    old = np.frombuffer(before.encode("utf-32-le"), dtype=np.uint32)
    new = np.frombuffer(after.encode("utf-32-le"), dtype=np.uint32)
    changed = np.concatenate(([False], old != new, [False]))
    edges = np.flatnonzero(changed[1:] != changed[:-1]).tolist()
    return [
        Fix(kind, before[start:end], after[start:end], offset + start, detail)
        for start, end in zip(edges[::2], edges[1::2], strict=True)
    ]
