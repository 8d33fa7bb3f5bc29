"""The record every repair step returns, so no change is ever silent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, overload


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


class Fixes(Sequence[Fix]):
    """What steps did, in order, with the ``Fix`` records built only when read.

    A farm page takes thousands of fixes and a bulk run prints only their counts, so a
    step may add a batch as (kind, count, builder): counting is free, and the records
    appear the first time anyone iterates, indexes or explains.
    """

    __slots__ = ("_batches", "_built")

    def __init__(self, fixes: Iterable[Fix] = ()) -> None:
        self._batches: list[tuple[str | None, int, Callable[[], list[Fix]]]] = []
        self._built: list[Fix] | None = None
        fixes = list(fixes)
        if fixes:
            self.add_built(fixes)

    def add_built(self, fixes: list[Fix]) -> None:
        if fixes:
            self._batches.append((None, len(fixes), lambda: fixes))
            self._built = None

    def add_lazy(self, kind: str, count: int, build: Callable[[], list[Fix]]) -> None:
        """A batch of ``count`` fixes of one ``kind``; ``build`` must return exactly them."""
        if count:
            self._batches.append((kind, count, build))
            self._built = None

    def extend(self, other: Iterable[Fix]) -> None:
        if isinstance(other, Fixes):
            self._batches.extend(other._batches)
            self._built = None
        else:
            self.add_built(list(other))

    def counts(self) -> dict[str, int]:
        """Kind → number of fixes, without building the records of lazy batches."""
        totals: Counter[str] = Counter()
        for kind, count, build in self._batches:
            if kind is None:
                totals.update(fix.kind for fix in build())
            else:
                totals[kind] += count
        return dict(totals)

    def of_kind(self, kind: str) -> list[Fix]:
        """The records of one kind, building only the batches that can hold it."""
        return [
            fix
            for batch_kind, _, build in self._batches
            if batch_kind in (None, kind)
            for fix in build()
            if fix.kind == kind
        ]

    def _records(self) -> list[Fix]:
        if self._built is None:
            self._built = [fix for _, _, build in self._batches for fix in build()]
        return self._built

    def __len__(self) -> int:
        return sum(count for _, count, _ in self._batches)

    def __bool__(self) -> bool:
        return bool(self._batches)

    @overload
    def __getitem__(self, index: int) -> Fix: ...
    @overload
    def __getitem__(self, index: slice) -> list[Fix]: ...
    def __getitem__(self, index: int | slice) -> Fix | list[Fix]:
        return self._records()[index]

    def __iter__(self) -> Iterator[Fix]:
        return iter(self._records())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._records() == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Fixes({self._records()!r})"

    def __reduce__(self) -> tuple[type[Fixes], tuple[list[Fix]]]:
        """Pickled (to another process) as the built records: builders do not travel."""
        return (Fixes, (self._records(),))


def count_by_kind(fixes: Iterable[Fix]) -> dict[str, int]:
    if isinstance(fixes, Fixes):
        return fixes.counts()
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


def lazy_diff(kind: str, before: str, after: str, offset: int = 0, detail: str = "") -> Fixes:
    """``diff_fixes`` as a lazy batch.  Same-length rewrites are counted exactly by
    numpy now; other diffs are rare and small, so they are counted by building them."""
    fixes = Fixes()
    if before == after:
        return fixes
    if len(before) == len(after):
        edges = _changed_edges(before, after)
        fixes.add_lazy(kind, len(edges) // 2, lambda: _aligned_fixes(kind, before, after, offset, detail, edges))
    else:
        fixes.add_built(diff_fixes(kind, before, after, offset, detail))
    return fixes


def lazy_char_diff(kind: str, before: str, after: str, detail: str = "") -> Fixes:
    """One lazy fix per changed character of a same-length rewrite (each mark restored)."""
    import numpy as np

    if len(before) != len(after):
        return lazy_diff(kind, before, after, detail=detail)
    fixes = Fixes()
    positions: list[int] = np.flatnonzero(_code_points(before) != _code_points(after)).tolist()
    fixes.add_lazy(kind, len(positions), lambda: [Fix(kind, before[i], after[i], i, detail) for i in positions])
    return fixes


def _code_points(text: str) -> Any:
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _changed_edges(before: str, after: str) -> list[int]:
    """Start and end offsets of the runs of differing code points, found by numpy."""
    import numpy as np

    changed = np.concatenate(([False], _code_points(before) != _code_points(after), [False]))
    edges: list[int] = np.flatnonzero(changed[1:] != changed[:-1]).tolist()
    return edges


def _aligned_fixes(
    kind: str, before: str, after: str, offset: int, detail: str, edges: list[int] | None = None
) -> list[Fix]:
    """Runs of differing code points: a farm page changes thousands."""
    if edges is None:
        edges = _changed_edges(before, after)
    return [
        Fix(kind, before[start:end], after[start:end], offset + start, detail)
        for start, end in zip(edges[::2], edges[1::2], strict=True)
    ]
