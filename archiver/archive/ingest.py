"""Ingest and reprocess: clean in worker processes, record versions in this one.

Workers read, clean, and store both blobs themselves (blob writes are atomic and
content-addressed, so they need no coordination) and send back only a small entry.
This process records the entries in batches, each in one write transaction, so a
kill at any moment loses at most the uncommitted batch, which a re-run redoes.
Nothing holds more than one document's bytes at a time: memory stays flat whatever
the corpus size.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.archive.blobs import BlobStore
from archiver.archive.dedup import signature
from archiver.archive.store import Archive
from archiver.document import Document
from archiver.inputs import DEFAULT_MAX_BYTES, InputItem, iter_inputs
from archiver.repair.script import ScriptChoice
from archiver.runner import (
    Outcome,
    clean_source,
    count_inputs,
    guarded,
    learn_boilerplate,
    read_documents,
    run_parallel,
    should_learn,
    with_progress,
)
from archiver.sources import SourceDocument
from archiver.structure.learned import LearnedBoilerplate

BATCH = 64  # entries per write transaction
PROGRESS_LABELS = {"ingest": "ingesting", "reprocess": "reprocessing"}


@dataclass(frozen=True)
class IngestOptions:
    script: ScriptChoice = "auto"
    max_bytes: int = DEFAULT_MAX_BYTES
    learned: LearnedBoilerplate | None = None

    def pipeline_options(self) -> dict[str, Any]:
        return {"script": self.script}


@dataclass
class Prepared:
    """A worker's answer: the entry to record, or why the input failed."""

    source: str
    key: str
    entry: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        parts = [f"{self.counts[k]} {k}" for k in ("new", "changed", "unchanged", "failed")]
        return ", ".join(parts)


def make_entry(raw: bytes, document: Document, blobs: BlobStore, options: dict[str, Any]) -> dict[str, Any]:
    """Store both blobs and describe the version (no bytes in the result)."""
    clean_text = document.to_text().encode("utf-8")
    raw_sha, _ = blobs.put(raw)
    clean_sha, _ = blobs.put(clean_text)
    record = document.to_dict()
    del record["text"]
    return {
        "raw_sha256": raw_sha,
        "raw_size": len(raw),
        "clean_sha256": clean_sha,
        "clean_size": len(clean_text),
        "encoding": document.encoding,
        "script": document.script,
        "title": document.title,
        "date": document.date,
        "record": record,
        "pipeline_version": __version__,
        "options": options,
        "minhash": signature(document.text),
    }


def prepare_input(item: InputItem, root: Path, options: IngestOptions) -> list[Prepared]:
    """Worker: read, clean and store one input's documents (many for a WARC file)."""
    documents = guarded(item.source, lambda: read_documents(item, options.max_bytes))
    if isinstance(documents, Outcome):
        return [Prepared(item.source, item.name, error=documents.error)]
    blobs = BlobStore(root)
    prepared = []
    for document in documents:
        source = document.url or item.source

        def store(document: SourceDocument = document, source: str = source) -> dict[str, Any]:
            cleaned = clean_source(document, document.key, options.script, options.learned, item.in_tree)
            return make_entry(document.data, cleaned, blobs, options.pipeline_options())

        entry = guarded(source, store)
        if isinstance(entry, Outcome):
            prepared.append(Prepared(source, document.key, error=entry.error))
        else:
            prepared.append(Prepared(source, document.key, entry))
    return prepared


def reprocess_document(task: tuple[int, str, str], root: Path, options: IngestOptions) -> list[Prepared]:
    """Worker: clean a stored raw again with the current pipeline."""
    document_id, source, raw_sha = task
    try:
        blobs = BlobStore(root)
        raw = blobs.get(raw_sha)
        url = source if "://" in source else None
        document = clean_source(SourceDocument(source, raw, url), source, options.script, options.learned)
        return [Prepared(str(document_id), source, make_entry(raw, document, blobs, options.pipeline_options()))]
    except Exception as error:  # a damaged blob is reported, the others go on
        return [Prepared(str(document_id), source, error=f"{type(error).__name__}: {error}")]


def _record(
    archive: Archive,
    batches: Iterable[list[Prepared]],
    reason: str,
    on_error: Callable[[str, str], None],
) -> Summary:
    summary = Summary()
    pending: list[Prepared] = []

    def flush() -> None:
        archive.blobs.flush()  # the blobs are durable before any row names them
        with archive.write():
            for item in pending:
                assert item.entry is not None
                outcome, _ = archive.add_version(item.key, item.entry, reason)
                summary.counts[outcome] += 1
        pending.clear()

    for item in (item for batch in batches for item in batch):
        if item.error is not None:
            summary.counts["failed"] += 1
            summary.errors.append((item.source, item.error))
            on_error(item.source, item.error)
            continue
        pending.append(item)
        if len(pending) >= BATCH:
            flush()
    if pending:
        flush()
    return summary


def _run(
    archive: Archive,
    tasks: Iterable[Any],
    total: int,
    work: Callable[[Any], list[Prepared]],
    reason: str,
    workers: int,
    quiet: bool,
    on_error: Callable[[str, str], None],
) -> Summary:
    """Clean ``tasks`` in workers, record the versions, and regroup near duplicates
    (``total`` sizes the progress bar only)."""
    prepared = run_parallel(tasks, work, workers or os.cpu_count() or 1)
    progress = with_progress(prepared, total, PROGRESS_LABELS[reason], quiet)
    summary = _record(archive, progress, reason, on_error)
    if summary.counts["new"] or summary.counts["changed"]:
        archive.update_near_duplicates()
    return summary


def ingest(
    archive: Archive,
    arguments: list[str],
    options: IngestOptions,
    workers: int = 0,
    quiet: bool = False,
    on_error: Callable[[str, str], None] = lambda source, error: None,
) -> Summary:
    if should_learn(arguments):  # inputs are walked afresh for each pass, never held
        found = learn_boilerplate(iter_inputs(arguments), options.max_bytes, workers or os.cpu_count() or 1)
        learned = archive.learned_boilerplate().merged(found)
        archive.save_learned_boilerplate(learned)
        options = dataclasses.replace(options, learned=learned)
    elif options.learned is None:
        options = dataclasses.replace(options, learned=archive.learned_boilerplate())
    work = functools.partial(prepare_input, root=archive.root, options=options)
    total = count_inputs(arguments, quiet)
    return _run(archive, iter_inputs(arguments), total, work, "ingest", workers, quiet, on_error)


def reprocess(
    archive: Archive,
    idents: list[str],
    options: IngestOptions,
    workers: int = 0,
    quiet: bool = False,
    on_error: Callable[[str, str], None] = lambda source, error: None,
) -> Summary:
    """A new version wherever the current pipeline cleans a stored raw differently.

    Without ``idents`` every document is streamed from a snapshot of the archive, so
    memory does not grow with its size.
    """
    tasks: Iterable[tuple[int, str, str]]
    if idents:
        latest = [archive.version(archive.resolve(ident)[0]) for ident in idents]
        tasks = [(version.document_id, version.source, version.raw_sha256) for version in latest]
        total = len(latest)
    else:
        tasks, total = archive.latest_raws(), archive.document_count()
    if options.learned is None:
        options = dataclasses.replace(options, learned=archive.learned_boilerplate())
    work = functools.partial(reprocess_document, root=archive.root, options=options)
    return _run(archive, tasks, total, work, "reprocess", workers, quiet, on_error)
