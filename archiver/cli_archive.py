"""The archive commands of ``archiver``: thin wrappers over ``archiver.archive``."""

from __future__ import annotations

import difflib
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from archiver.archive.export import export as export_archive
from archiver.archive.ingest import IngestOptions
from archiver.archive.ingest import ingest as ingest_inputs
from archiver.archive.ingest import reprocess as reprocess_documents
from archiver.archive.store import DEFAULT_ARCHIVE, ENV_ARCHIVE, Archive
from archiver.archive.verify import verify as verify_archive
from archiver.cli_common import OutputFormat, ScriptOption, no_files_found
from archiver.errors import ArchiverError
from archiver.inputs import DEFAULT_MAX_BYTES

ArchiveArg = Annotated[
    Path,
    typer.Option(
        "--archive",
        "-a",
        envvar=ENV_ARCHIVE,
        help=f"Archive directory (default: ./{DEFAULT_ARCHIVE}, or ${ENV_ARCHIVE}).",
        show_default=False,
    ),
]
DEFAULT_PATH = Path(DEFAULT_ARCHIVE)


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    txt = "txt"
    warc = "warc"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"archiver: {message}", err=True)
    return typer.Exit(1)


def _open(path: Path, create: bool = False) -> Archive:
    try:
        return Archive.open(path, create=create)
    except ArchiverError as error:
        raise _fail(str(error)) from None


def _report_error(source: str, message: str) -> None:
    typer.echo(f"archiver: {source}: {message}", err=True)


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel="Archive")
    def ingest(
        paths: Annotated[list[str], typer.Argument(help="Files, directories (recursively) or - for stdin.")],
        archive: ArchiveArg = DEFAULT_PATH,
        workers: Annotated[int, typer.Option("--workers", "-w", help="Processes (default: all cores).", min=0)] = 0,
        script: Annotated[ScriptOption, typer.Option("--script", help="auto, hans, hant or keep (see 'clean').")] = (
            ScriptOption.auto
        ),
        max_size: Annotated[int, typer.Option("--max-size", help="Skip files larger than this many bytes.")] = (
            DEFAULT_MAX_BYTES
        ),
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    ) -> None:
        """Store raw originals byte-exact and their clean versions, with provenance.

        A document is named by its path relative to the directory given, so
        re-ingesting a tree from anywhere maps to the same documents.  A new
        version is made only when the raw bytes changed.  Ends with a summary:
        new, changed, unchanged, failed.  Exit status 1 when any input failed.
        """
        with _open(archive, create=True) as store:
            summary = ingest_inputs(
                store,
                paths,
                IngestOptions(script.value, max_size),
                workers,
                quiet,
                _report_error,  # type: ignore[arg-type]
            )
        if not quiet:
            typer.echo(f"archiver: {summary.line()}", err=True)
            if not sum(summary.counts.values()):
                typer.echo(no_files_found(paths), err=True)
        if summary.counts["failed"]:
            raise typer.Exit(1)

    @app.command("list", rich_help_panel="Archive")
    def list_documents(
        archive: ArchiveArg = DEFAULT_PATH,
        output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json (lines).")] = (
            OutputFormat.text
        ),
    ) -> None:
        """List the documents: id, source, versions, near-duplicate group (~ID, or -), title."""
        with _open(archive) as store:
            for document in store.documents():
                if output_format is OutputFormat.json:
                    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
                else:
                    group = document["near_duplicate_group"]
                    sys.stdout.write(
                        f"{document['id']}\t{document['source']}\t{document['versions']}\t"
                        f"{'~' + str(group) if group else '-'}\t{document['title'] or ''}\n"
                    )

    @app.command(rich_help_panel="Archive")
    def show(
        ident: Annotated[str, typer.Argument(metavar="ID", help="Document id or source path.")],
        archive: ArchiveArg = DEFAULT_PATH,
        version: Annotated[int | None, typer.Option("--version", "-v", help="Version number, from 1.")] = None,
        raw: Annotated[bool, typer.Option("--raw", help="Write the original bytes exactly.")] = False,
        output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="text, or json metadata.")] = (
            OutputFormat.text
        ),
    ) -> None:
        """Print a document's clean text (newest version by default)."""
        with _open(archive) as store:
            try:
                found = store.version(store.resolve(ident)[0], version)
            except ArchiverError as error:
                raise _fail(str(error)) from None
            if raw:
                sys.stdout.buffer.write(store.blobs.get(found.raw_sha256))
            elif output_format is OutputFormat.json:
                record = found.to_dict() | {"text": store.blobs.get(found.clean_sha256).decode("utf-8")}
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(store.blobs.get(found.clean_sha256).decode("utf-8"))

    @app.command(rich_help_panel="Archive")
    def log(
        ident: Annotated[str, typer.Argument(metavar="ID", help="Document id or source path.")],
        archive: ArchiveArg = DEFAULT_PATH,
        output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json (lines).")] = (
            OutputFormat.text
        ),
    ) -> None:
        """A document's versions with their provenance, oldest first."""
        with _open(archive) as store:
            try:
                versions = store.versions(store.resolve(ident)[0])
            except ArchiverError as error:
                raise _fail(str(error)) from None
            for found in versions:
                if output_format is OutputFormat.json:
                    sys.stdout.write(json.dumps(found.to_dict(), ensure_ascii=False) + "\n")
                    continue
                fixes = ", ".join(f"{kind} {count}" for kind, count in found.record.get("fixes", {}).items())
                sys.stdout.write(
                    f"version {found.number}  {found.created_at}  {found.reason}  pipeline {found.pipeline_version}\n"
                    f"  raw   {found.raw_sha256[:16]}  {found.raw_size} bytes  {found.encoding}\n"
                    f"  clean {found.clean_sha256[:16]}  {found.clean_size} bytes  {found.script}\n"
                    f"  title {found.title or '-'}  date {found.date or '-'}\n"
                    f"  fixes {fixes or 'none'}\n"
                )

    @app.command(rich_help_panel="Archive")
    def diff(
        ident: Annotated[str, typer.Argument(metavar="ID", help="Document id or source path.")],
        first: Annotated[
            int | None, typer.Argument(metavar="V1", help="Older version (default: the one before V2).")
        ] = (None),
        second: Annotated[int | None, typer.Argument(metavar="V2", help="Newer version (default: newest).")] = None,
        archive: ArchiveArg = DEFAULT_PATH,
    ) -> None:
        """A unified diff of the clean text of two versions."""
        with _open(archive) as store:
            try:
                document_id, source = store.resolve(ident)
                newer = store.version(document_id, second)
                older = store.version(document_id, first if first is not None else max(1, newer.number - 1))
            except ArchiverError as error:
                raise _fail(str(error)) from None
            lines = difflib.unified_diff(
                store.blobs.get(older.clean_sha256).decode("utf-8").splitlines(keepends=True),
                store.blobs.get(newer.clean_sha256).decode("utf-8").splitlines(keepends=True),
                fromfile=f"{source} (version {older.number})",
                tofile=f"{source} (version {newer.number})",
            )
            sys.stdout.writelines(lines)

    @app.command(rich_help_panel="Archive")
    def reprocess(
        idents: Annotated[list[str] | None, typer.Argument(metavar="[ID]...", help="Documents (default: all).")] = None,
        archive: ArchiveArg = DEFAULT_PATH,
        workers: Annotated[int, typer.Option("--workers", "-w", help="Processes (default: all cores).", min=0)] = 0,
        script: Annotated[ScriptOption, typer.Option("--script", help="auto, hans, hant or keep (see 'clean').")] = (
            ScriptOption.auto
        ),
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    ) -> None:
        """Clean stored raws again with this pipeline; a new version only where the output changed."""
        with _open(archive) as store:
            try:
                summary = reprocess_documents(
                    store, idents or [], IngestOptions(script.value), workers, quiet, _report_error
                )
            except ArchiverError as error:
                raise _fail(str(error)) from None
        if not quiet:
            typer.echo(f"archiver: {summary.line()}", err=True)
        if summary.counts["failed"]:
            raise typer.Exit(1)

    @app.command(rich_help_panel="Archive")
    def export(
        out: Annotated[
            Path, typer.Argument(help="Output file (jsonl, warc; .gz compresses a WARC) or directory (txt).")
        ],
        output_format: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl, txt or warc.")] = (
            ExportFormat.jsonl
        ),
        archive: ArchiveArg = DEFAULT_PATH,
    ) -> None:
        """Export clean documents: JSON lines (id, text, source, metadata), a text tree, or WARC."""
        with _open(archive) as store:
            try:
                count = export_archive(store, out, output_format.value)
            except (ArchiverError, OSError) as error:
                raise _fail(str(error)) from None
        typer.echo(
            f"archiver: exported {count} {'records' if output_format is ExportFormat.warc else 'documents'}", err=True
        )

    @app.command(rich_help_panel="Archive")
    def verify(archive: ArchiveArg = DEFAULT_PATH) -> None:
        """Re-read and re-hash every blob and check every reference.  Exit 0 only when sound."""
        with _open(archive) as store:
            report = verify_archive(store)
        for problem in report.problems:
            typer.echo(f"archiver: {problem}", err=True)
        typer.echo(
            f"archiver: checked {report.blobs_checked} blobs and {report.versions_checked} versions: "
            f"{len(report.problems)} problem(s), {len(report.unreferenced)} unreferenced blob(s)",
            err=True,
        )
        if not report.sound:
            raise typer.Exit(1)
