"""Repair one text field of every JSON-lines record: archiver as a streaming filter.

Corpus tools (datatrove, dolma) pass documents around as JSON lines, one record a
document.  Each record is repaired on its own, with its own script decision, and the
stream is read a batch at a time, so memory stays flat however long it is.  A line
that is not a JSON object holding the field as a string is passed through byte for
byte and reported; so is a record the repair leaves unchanged, so nothing downstream
sees a line reformatted for no reason.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from archiver.fixes import count_by_kind
from archiver.inputs import DEFAULT_MAX_BYTES
from archiver.repair.pipeline import fix_and_explain
from archiver.repair.script import ScriptChoice

BATCH_LINES = 64  # lines a worker takes at once: few enough to stream, enough to amortise the hand-over
FIXES_KEY = "archiver_fixes"


@dataclass(frozen=True)
class RecordResult:
    line: bytes  # what to write: the repaired record, or the input line unchanged
    error: str | None = None
    repaired: bool = False


@dataclass(frozen=True)
class JsonlOptions:
    field: str = "text"
    script: ScriptChoice = "auto"
    explain: bool = False  # add the fix counts to each repaired record
    max_bytes: int = DEFAULT_MAX_BYTES


def fix_record_line(line: bytes, options: JsonlOptions) -> RecordResult:
    """Repair ``options.field`` of the record on one line (newline included or not)."""
    body = line.rstrip(b"\r\n")
    if not body.strip():
        return RecordResult(line)
    if len(body) > options.max_bytes:
        return RecordResult(line, f"record of {len(body)} bytes is over the limit of {options.max_bytes}")
    try:
        record = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        return RecordResult(line, f"not UTF-8 (byte {error.start})")
    except json.JSONDecodeError as error:
        return RecordResult(line, f"not JSON ({error.msg} at column {error.colno})")
    if not isinstance(record, dict):
        return RecordResult(line, "not a JSON object")
    value = record.get(options.field)
    if not isinstance(value, str):
        return RecordResult(line, f"no string field {options.field!r}")
    fixed, fixes = fix_and_explain(value, options.script)
    if fixed == value:
        return RecordResult(line)
    record[options.field] = fixed
    if options.explain:
        record[FIXES_KEY] = count_by_kind(fixes)
    ending = line[len(body) :]  # the line's own ending, none on a last line without one
    return RecordResult(json.dumps(record, ensure_ascii=False).encode("utf-8") + ending, repaired=True)


def fix_record_batch(lines: list[bytes], options: JsonlOptions) -> list[RecordResult]:
    """A worker's share of the stream (top level, so process pools can pickle it)."""
    return [fix_record_line(line, options) for line in lines]


def batches(lines: Iterable[bytes], size: int = BATCH_LINES) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class JsonlSummary:
    lines: int = 0
    repaired: int = 0
    failed: int = 0


def filter_jsonl(
    lines: Iterable[bytes],
    write: Callable[[bytes], object],
    options: JsonlOptions,
    workers: int = 1,
    on_error: Callable[[int, str], None] = lambda line_number, error: None,
) -> JsonlSummary:
    """Repair every record of ``lines`` and ``write`` each line out, in order; a
    line that cannot be repaired is written unchanged and given to ``on_error``."""
    from archiver.runner import run_parallel

    summary = JsonlSummary()
    work = functools.partial(fix_record_batch, options=options)
    for results in run_parallel(batches(lines), work, workers, chunk=1):
        for result in results:
            summary.lines += 1
            summary.repaired += result.repaired
            if result.error is not None:
                summary.failed += 1
                on_error(summary.lines, result.error)
            write(result.line)
    return summary
