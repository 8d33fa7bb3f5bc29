"""Run the pipeline over many inputs: in parallel, with progress, never aborting."""

from __future__ import annotations

import concurrent.futures
import functools
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from archiver.document import Document, clean
from archiver.errors import ArchiverError
from archiver.inputs import DEFAULT_MAX_BYTES, InputItem, iter_inputs, read_input
from archiver.repair.script import ScriptChoice

S = TypeVar("S")
T = TypeVar("T")
PARALLEL_MIN_INPUTS = 4  # below this, starting processes costs more than it saves


@dataclass
class Outcome:
    """What a worker sends back: small, so pickling between processes stays cheap."""

    source: str
    rendered: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class CleanOptions:
    script: ScriptChoice = "auto"
    max_bytes: int = DEFAULT_MAX_BYTES
    output: str = "text"  # "text" or "json"
    explain: bool = False


def render(document: Document, options: CleanOptions) -> str:
    if options.output == "json":
        return json.dumps(document.to_dict(options.explain), ensure_ascii=False) + "\n"
    return document.to_text()


def clean_item(item: InputItem, options: CleanOptions) -> Outcome:
    """Clean and render one input in a worker; any failure becomes a one-line error."""
    try:
        document = clean(read_input(item, options.max_bytes), item.source, options.script)
        return Outcome(item.source, rendered=render(document, options))
    except ArchiverError as error:
        return Outcome(item.source, error=str(error))
    except Exception as error:  # one bad file must not end the run
        return Outcome(item.source, error=f"internal error ({type(error).__name__}: {error}); please report it")


def _warm_up() -> None:
    """Load the models once in the parent so forked workers share them."""
    from archiver.lm.words import get_word_model

    get_word_model()


def _reads_stdin(item: object) -> bool:
    return isinstance(item, InputItem) and item.path is None and item.error is None


def run_parallel(items: list[S], work: Callable[[S], T], workers: int) -> Iterator[T]:
    """``work`` over ``items`` on ``workers`` processes, results in input order (stdin,
    which belongs to this process, first).

    ``work`` must be picklable (a top-level function or a functools.partial of one).
    """
    local = [item for item in items if _reads_stdin(item)]
    remote = [item for item in items if not _reads_stdin(item)]
    for item in local:  # stdin belongs to this process
        yield work(item)
    if workers <= 1 or len(remote) < PARALLEL_MIN_INPUTS:
        for item in remote:
            yield work(item)
        return
    _warm_up()
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        chunksize = max(1, min(16, len(remote) // (workers * 16)))
        yield from pool.map(work, remote, chunksize=chunksize)


def with_progress(outcomes: Iterable[T], total: int, description: str, quiet: bool) -> Iterable[T]:
    """A progress bar on a terminal's stderr; nothing when piped or quiet."""
    if quiet or not sys.stderr.isatty() or total <= 1:
        return outcomes
    from rich.progress import track

    return track(outcomes, total=total, description=description, console=_stderr_console(), transient=True)


def process_inputs(
    arguments: list[str],
    emit: Callable[[Outcome], None],
    options: CleanOptions,
    workers: int = 0,
    quiet: bool = False,
) -> int:
    """Clean every input, calling ``emit`` in input order; returns how many there were."""
    items = list(iter_inputs(arguments))
    workers = workers or os.cpu_count() or 1
    outcomes = run_parallel(items, functools.partial(clean_item, options=options), workers)
    for outcome in with_progress(outcomes, len(items), "cleaning", quiet):
        emit(outcome)
    return len(items)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
