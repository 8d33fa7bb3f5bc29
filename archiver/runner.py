"""Run the pipeline over many inputs: in parallel, with progress, never aborting."""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
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
from archiver.sources import SourceDocument, expand, is_warc, site_of
from archiver.structure.learned import BoilerplateCounter, LearnedBoilerplate, document_keys, readable_text

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
    learned: LearnedBoilerplate | None = None


def render(document: Document, options: CleanOptions) -> str:
    if options.output == "json":
        return json.dumps(document.to_dict(options.explain), ensure_ascii=False) + "\n"
    return document.to_text()


def read_documents(item: InputItem, max_bytes: int) -> list[SourceDocument]:
    """The documents one input holds (many for a WARC file); raises ArchiverError."""
    return expand(item.name, read_input(item, max_bytes))


def clean_source(
    document: SourceDocument,
    source: str,
    script: ScriptChoice,
    learned: LearnedBoilerplate | None,
    in_tree: bool = True,
) -> Document:
    """Clean one document; a file named on its own has no known site, so every site's
    learned lines apply to it."""
    site = site_of(document.key, document.url) if (in_tree or document.url) else None
    matcher = learned.matcher(site) if learned else None
    return clean(document.data, source, script, document.url, matcher)


def guarded(source: str, action: Callable[[], T]) -> T | Outcome:
    """Run ``action``; any failure becomes a one-line error for ``source``."""
    try:
        return action()
    except ArchiverError as error:
        return Outcome(source, error=str(error))
    except Exception as error:  # one bad file must not end the run
        return Outcome(source, error=f"internal error ({type(error).__name__}: {error}); please report it")


def clean_item(item: InputItem, options: CleanOptions) -> list[Outcome]:
    """Clean and render one input's documents in a worker."""
    documents = guarded(item.source, lambda: read_documents(item, options.max_bytes))
    if isinstance(documents, Outcome):
        return [documents]
    outcomes = []
    for document in documents:
        source = document.url or item.source
        result = guarded(
            source, lambda d=document, s=source: clean_source(d, s, options.script, options.learned, item.in_tree)
        )
        outcomes.append(result if isinstance(result, Outcome) else Outcome(source, render(result, options)))
    return outcomes


def _line_keys(item: InputItem, max_bytes: int) -> list[tuple[str, dict[int, str]]]:
    """Worker of the learning pass: each document's site and line keys."""
    documents = guarded(item.source, lambda: read_documents(item, max_bytes))
    if isinstance(documents, Outcome):
        return []  # the cleaning pass reports it
    found = []
    for document in documents:
        text = guarded(document.key, lambda data=document.data: readable_text(data))
        if not isinstance(text, Outcome):
            found.append((site_of(document.key, document.url), document_keys(text)))
    return found


def learn_boilerplate(items: list[InputItem], max_bytes: int, workers: int = 1) -> LearnedBoilerplate:
    """First pass over a directory or WARC: count each site's recurring lines.

    Standard input is left out: it can be read only once.
    """
    counter = BoilerplateCounter()
    readable = [item for item in items if item.path is not None and item.error is None]
    for found in run_parallel(readable, functools.partial(_line_keys, max_bytes=max_bytes), workers):
        for site, keys in found:
            counter.add(site, keys)
    return counter.learned()


def should_learn(arguments: list[str], items: list[InputItem]) -> bool:
    """Boilerplate is learned when a whole tree or a WARC comes in at once."""
    return any(os.path.isdir(argument) for argument in arguments) or any(is_warc(item.name, b"") for item in items)


def _warm_up() -> None:
    """Load the models whole, once, in the parent so forked workers share them."""
    from archiver.lm import get_model
    from archiver.lm.words import get_word_model

    get_model().load_all()
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


def map_streaming(items: Iterable[S], work: Callable[[S], T], workers: int) -> Iterator[T]:
    """``work`` over a stream too long to hold, on ``workers`` processes, results in
    order; at most a few items per worker are in flight, so memory stays flat."""
    if workers <= 1:
        yield from map(work, items)
        return
    _warm_up()
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    in_flight: collections.deque[concurrent.futures.Future[T]] = collections.deque()
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for item in items:
            in_flight.append(pool.submit(work, item))
            if len(in_flight) >= 4 * workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()


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
    if should_learn(arguments, items):
        learned = learn_boilerplate(items, options.max_bytes, workers)
        if options.learned:
            learned = options.learned.merged(learned)
        options = dataclasses.replace(options, learned=learned)
    count = 0
    batches = run_parallel(items, functools.partial(clean_item, options=options), workers)
    for outcomes in with_progress(batches, len(items), "cleaning", quiet):
        for outcome in outcomes:
            emit(outcome)
            count += 1
    return count


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
