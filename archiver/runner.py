"""Run the pipeline over many inputs: in parallel, with progress, never aborting."""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import functools
import itertools
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
# Inputs a worker takes at once: the first tasks are small so every worker starts at
# once and a handful of files still spread, then they grow to CHUNK, since handing a
# task over costs about what cleaning a small page does.
CHUNK = 16
IN_FLIGHT_PER_WORKER = 4  # tasks queued a worker: enough to keep it busy, few enough to stream


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


def learn_boilerplate(items: Iterable[InputItem], max_bytes: int, workers: int = 1) -> LearnedBoilerplate:
    """First pass over a directory or WARC: count each site's recurring lines.

    Standard input is left out: it can be read only once.
    """
    readable = (item for item in items if item.path is not None and item.error is None)
    with BoilerplateCounter() as counter:
        for found in run_parallel(readable, functools.partial(_line_keys, max_bytes=max_bytes), workers):
            for site, keys in found:
                counter.add(site, keys)
        return counter.learned()


def should_learn(arguments: list[str]) -> bool:
    """Boilerplate is learned when a whole tree or a WARC comes in at once."""
    return any(os.path.isdir(argument) or is_warc(argument, b"") for argument in arguments)


def _warm_up() -> None:
    """Load the models whole, once, in the parent so forked workers share them."""
    from archiver.lm import get_model
    from archiver.lm.words import get_word_model

    get_model().load_all()
    get_word_model()


def _reads_stdin(item: object) -> bool:
    return isinstance(item, InputItem) and item.path is None and item.error is None


def run_parallel(items: Iterable[S], work: Callable[[S], T], workers: int, chunk: int = CHUNK) -> Iterator[T]:
    """``work`` over ``items`` on ``workers`` processes, results in input order.

    Items are taken from the iterable as the workers need them, up to ``chunk`` to a
    task, with a few tasks a worker in flight: a tree of a million files is never held
    whole, and a reader that stops early (``| head``) stops the run.  Standard input
    belongs to this process and is read here, in its turn.  ``work`` must be
    picklable (a top-level function or a functools.partial of one).
    """
    iterator = iter(items)
    head = list(itertools.islice(iterator, PARALLEL_MIN_INPUTS))
    if workers <= 1 or len(head) < PARALLEL_MIN_INPUTS:
        yield from map(work, itertools.chain(head, iterator))
        return
    _warm_up()
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    task = functools.partial(_work_on_chunk, work)
    in_flight: collections.deque[concurrent.futures.Future[list[T]]] = collections.deque()
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            waiting: list[S] = []
            size = 1
            for item in itertools.chain(head, iterator):
                if _reads_stdin(item):
                    if waiting:
                        in_flight.append(pool.submit(task, waiting))
                        waiting = []
                    while in_flight:
                        yield from in_flight.popleft().result()
                    yield work(item)
                    continue
                waiting.append(item)
                if len(waiting) >= size:
                    in_flight.append(pool.submit(task, waiting))
                    waiting = []
                    size = min(chunk, size * 2)
                    while len(in_flight) > IN_FLIGHT_PER_WORKER * workers:
                        yield from in_flight.popleft().result()
            if waiting:
                in_flight.append(pool.submit(task, waiting))
            while in_flight:
                yield from in_flight.popleft().result()
        finally:  # the reader stopped early, or failed: drop what has not started
            for future in in_flight:
                future.cancel()


def _work_on_chunk(work: Callable[[S], T], items: list[S]) -> list[T]:
    return [work(item) for item in items]


def shows_progress(quiet: bool) -> bool:
    """Progress goes to a terminal's stderr, never to a pipe or a log."""
    return not quiet and sys.stderr.isatty()


def with_progress(outcomes: Iterable[T], total: int, description: str, quiet: bool) -> Iterable[T]:
    """A progress bar on a terminal's stderr; nothing when piped or quiet."""
    if not shows_progress(quiet) or total <= 1:
        return outcomes
    from rich.progress import track

    return track(outcomes, total=total, description=description, console=_stderr_console(), transient=True)


def count_inputs(arguments: list[str], quiet: bool) -> int:
    """How many inputs there are, for a progress bar: a walk of the tree that holds
    nothing, made only when a bar will show."""
    return sum(1 for _ in iter_inputs(arguments)) if shows_progress(quiet) else 0


def process_inputs(
    arguments: list[str],
    emit: Callable[[Outcome], None],
    options: CleanOptions,
    workers: int = 0,
    quiet: bool = False,
) -> int:
    """Clean every input, calling ``emit`` in input order; returns how many there were.

    The inputs are walked afresh for each pass, never held: memory does not grow
    with the number of files.
    """
    workers = workers or os.cpu_count() or 1
    if should_learn(arguments):
        learned = learn_boilerplate(iter_inputs(arguments), options.max_bytes, workers)
        if options.learned:
            learned = options.learned.merged(learned)
        options = dataclasses.replace(options, learned=learned)
    count = 0
    batches = run_parallel(iter_inputs(arguments), functools.partial(clean_item, options=options), workers)
    for outcomes in with_progress(batches, count_inputs(arguments, quiet), "cleaning", quiet):
        for outcome in outcomes:
            emit(outcome)
            count += 1
    return count


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
