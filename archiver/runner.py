"""Run the pipeline over many inputs: in parallel, with progress, never aborting."""

from __future__ import annotations

import concurrent.futures
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from archiver.document import Document, clean
from archiver.errors import ArchiverError
from archiver.inputs import InputItem, iter_inputs, read_input
from archiver.repair.script import ScriptChoice

SAMPLES_PER_KIND = 3
PARALLEL_MIN_INPUTS = 4  # below this, starting processes costs more than it saves


@dataclass
class Outcome:
    source: str
    document: Document | None = None
    error: str | None = None


def clean_item(item: InputItem, script: ScriptChoice, max_bytes: int) -> Outcome:
    try:
        return Outcome(item.source, clean(read_input(item, max_bytes), item.source, script))
    except ArchiverError as error:
        return Outcome(item.source, error=str(error))
    except Exception as error:
        return Outcome(item.source, error=f"internal error ({type(error).__name__}: {error}); please report it")


def _warm_up() -> None:
    """Load the models once in the parent so forked workers share them."""
    from archiver.lm import get_model
    from archiver.lm.words import get_word_model

    get_model()
    get_word_model()


def _map(items: list[InputItem], script: ScriptChoice, max_bytes: int, workers: int) -> Iterator[Outcome]:
    stdin_items = [item for item in items if item.path is None and item.error is None]
    file_items = [item for item in items if item not in stdin_items]
    for item in stdin_items:  # stdin belongs to this process
        yield clean_item(item, script, max_bytes)
    if workers <= 1 or len(file_items) < PARALLEL_MIN_INPUTS:
        for item in file_items:
            yield clean_item(item, script, max_bytes)
        return
    _warm_up()
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        chunksize = max(1, min(32, len(file_items) // (workers * 8)))
        yield from pool.map(
            clean_item, file_items, [script] * len(file_items), [max_bytes] * len(file_items), chunksize=chunksize
        )


def process_inputs(
    arguments: list[str],
    emit: Callable[[Outcome], None],
    script: ScriptChoice = "auto",
    workers: int = 0,
    max_bytes: int = 50 * 1024 * 1024,
    quiet: bool = False,
) -> int:
    """Clean every input, calling ``emit`` in input order; returns how many there were."""
    items = list(iter_inputs(arguments))
    workers = workers or os.cpu_count() or 1
    outcomes: Iterable[Outcome] = _map(items, script, max_bytes, workers)
    if not quiet and sys.stderr.isatty() and len(items) > 1:
        from rich.progress import track

        outcomes = track(outcomes, total=len(items), description="cleaning", console=_stderr_console(), transient=True)
    for outcome in outcomes:
        emit(outcome)
    return len(items)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def inspect_bytes(data: bytes, source: str) -> dict[str, Any]:
    """What ``clean`` would find and do, without writing anything."""
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
    from archiver.decode import decode_bytes
    from archiver.repair.script import detect_script

    report = detect_script(decode_bytes(data).text)
    lossless = not any("\ufffd" in found.after for found in document.fixes)
    return {
        "source": source,
        "encoding": document.encoding,
        "encoding_confidence": document.encoding_confidence,
        "encoding_evidence": document.encoding_evidence,
        "script": report.script,
        "hans_chars": report.hans_chars,
        "hant_chars": report.hant_chars,
        "damage": damage,
        "warnings": document.warnings,
        "lossless": lossless,
    }
