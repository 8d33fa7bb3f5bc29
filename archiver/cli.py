"""The ``archiver`` command: thin Typer wrappers over the library."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from archiver import __version__, cli_archive
from archiver.archive.store import Archive
from archiver.cli_common import OutputFormat, ScriptOption, no_files_found
from archiver.errors import ArchiverError
from archiver.inputs import DEFAULT_MAX_BYTES, STDIN, InputItem, iter_inputs, open_stream, read_input
from archiver.inspect import inspect_bytes
from archiver.jsonl import JsonlOptions, filter_jsonl
from archiver.runner import CleanOptions, Outcome, process_inputs

app = typer.Typer(
    help=(
        "Repair and archive scraped Chinese text: mojibake, misaligned pinyin, mixed scripts, "
        "folded punctuation and site boilerplate.\n\n"
        "Examples:\n\n"
        "  archiver clean page.txt                 # title, blank line, body\n\n"
        "  archiver clean --format json corpus/    # one JSON object per file\n\n"
        "  cat page.txt | archiver fix -           # repair text only, stdin to stdout\n\n"
        "  archiver inspect page.txt               # diagnose, change nothing\n\n"
        "  archiver ingest corpus/ && archiver export clean.jsonl   # versioned archive"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


InputPathsArg = Annotated[list[str], typer.Argument(help="Files, directories (searched recursively) or - for stdin.")]
FormatArg = Annotated[OutputFormat, typer.Option("--format", "-f", help="text, or json: one object per line.")]
ScriptArg = Annotated[
    ScriptOption,
    typer.Option(
        "--script",
        help="auto: mixed farm pages back to simplified, consistent text kept; hans/hant force one; keep changes none.",
    ),
]
MaxSizeArg = Annotated[int, typer.Option("--max-size", help="Skip files larger than this many bytes.")]
QuietArg = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary on stderr.")]
WorkersArg = Annotated[int, typer.Option("--workers", "-w", help="Processes to use (default: all cores).", min=0)]


def _error(source: str, message: str) -> None:
    typer.echo(f"archiver: {source}: {message}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"archiver {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Repair and archive scraped Chinese text."""


@app.command()
def fix(
    path: Annotated[str, typer.Argument(help="File to repair, or - for stdin.")] = STDIN,
    script: ScriptArg = ScriptOption.auto,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="List every fix on stderr as JSON lines (with --jsonl: add fix counts to each record)."
        ),
    ] = False,
    max_size: MaxSizeArg = DEFAULT_MAX_BYTES,
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help="Input is JSON lines: repair one field of every record, streaming."),
    ] = False,
    field: Annotated[str, typer.Option("--field", help="With --jsonl: the field holding the text.")] = "text",
    workers: WorkersArg = 0,
    quiet: QuietArg = False,
) -> None:
    """Repair text only and write it to stdout: no title, no removed lines.

    Use it as a filter in front of other tools:  archiver fix - < in.txt > out.txt

    With --jsonl each line is a record (as datatrove and dolma write them),
    and only its --field is repaired, each record on its own; the stream is
    read a batch at a time, so it may be any length.  A line that is not a
    JSON object with that field is passed through unchanged and reported on
    stderr with its line number.
    Exit status: 0 when everything was read, 1 when the input or any record
    failed.
    """
    if path != STDIN and Path(path).is_dir():
        _error(path, "is a directory: fix takes one file or - (clean takes directories)")
        raise typer.Exit(1)
    item = next(iter_inputs([path]))
    if jsonl:
        _fix_jsonl(item, JsonlOptions(field, script.value, explain, max_size), workers, quiet)
        return
    from archiver.decode import decode_bytes
    from archiver.repair import fix_and_explain

    try:
        text = decode_bytes(read_input(item, max_size)).text
    except ArchiverError as error:
        _error(item.source, str(error))
        raise typer.Exit(1) from None
    fixed, fixes = fix_and_explain(text, script.value)
    sys.stdout.write(fixed)
    if explain:
        for found in fixes:
            typer.echo(json.dumps(found.to_dict(), ensure_ascii=False), err=True)


def _fix_jsonl(item: InputItem, options: JsonlOptions, workers: int, quiet: bool) -> None:
    try:
        stream = open_stream(item)
    except ArchiverError as error:
        _error(item.source, str(error))
        raise typer.Exit(1) from None
    with stream as lines:
        summary = filter_jsonl(
            lines,
            sys.stdout.buffer.write,
            options,
            workers or os.cpu_count() or 1,
            lambda number, error: _error(f"{item.source}:{number}", error),
        )
    sys.stdout.flush()
    if not quiet:
        typer.echo(f"archiver: {summary.lines} line(s): {summary.repaired} repaired, {summary.failed} failed", err=True)
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def clean(
    paths: InputPathsArg,
    output_format: FormatArg = OutputFormat.text,
    script: ScriptArg = ScriptOption.auto,
    workers: WorkersArg = 0,
    explain: Annotated[
        bool, typer.Option("--explain", help="With --format json, include every fix, not just counts.")
    ] = False,
    max_size: MaxSizeArg = DEFAULT_MAX_BYTES,
    quiet: QuietArg = False,
    archive: Annotated[
        Path | None,
        typer.Option(
            "--archive", "-a", help="Also remove the boilerplate an earlier ingest learned into this archive."
        ),
    ] = None,
) -> None:
    """Repair documents and split title, date and body from site boilerplate.

    Text output is the title, a blank line, then the body; several documents are
    separated by a form feed line.  Given a directory or a WARC file, archiver
    first learns the lines each site repeats on its pages and removes them too.
    JSON output carries source, title, date, text, encoding, script, fixes
    (kind -> count), removed lines and warnings.
    Exit status: 0 when every input was cleaned, 1 when any failed (each failure
    is one line on stderr; the others still run).
    """
    first = True
    failed = 0

    def emit(outcome: Outcome) -> None:
        nonlocal first, failed
        if outcome.error is not None:
            failed += 1
            _error(outcome.source, outcome.error)
            return
        if output_format is OutputFormat.text and not first:
            sys.stdout.write("\f\n")
        sys.stdout.write(outcome.rendered or "")
        first = False

    learned = None
    if archive is not None:
        try:
            with Archive.open(archive) as store:
                learned = store.learned_boilerplate()
        except ArchiverError as error:
            _error(str(archive), str(error))
            raise typer.Exit(1) from None
    options = CleanOptions(script.value, max_size, output_format.value, explain, learned)
    total = process_inputs(paths, emit, options, workers=workers, quiet=quiet)
    if not quiet and total == 0:
        typer.echo(no_files_found(paths), err=True)
    if not quiet and total > 1:
        typer.echo(f"archiver: cleaned {total - failed} of {total} input(s), {failed} failed", err=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def inspect(
    paths: InputPathsArg,
    output_format: FormatArg = OutputFormat.text,
    max_size: MaxSizeArg = DEFAULT_MAX_BYTES,
) -> None:
    """Diagnose inputs without changing anything: encoding, script, damage found."""
    failed = seen = 0
    for item in iter_inputs(paths):
        seen += 1
        try:
            report = inspect_bytes(read_input(item, max_size), item.source)
        except ArchiverError as error:
            failed += 1
            _error(item.source, str(error))
            continue
        if output_format is OutputFormat.json:
            typer.echo(json.dumps(report, ensure_ascii=False))
        else:
            typer.echo(_format_report(report))
    if not seen:
        typer.echo(no_files_found(paths), err=True)
    if failed:
        raise typer.Exit(1)


def _format_report(report: dict) -> str:
    lines = [
        f"{report['source']}",
        f"  encoding: {report['encoding']} (confidence {report['encoding_confidence']}, {report['encoding_evidence']})",
        f"  script:   {report['script']} ({report['hans_chars']} simplified-only, "
        f"{report['hant_chars']} traditional-only characters)",
    ]
    if not report["damage"]:
        lines.append("  damage:   none found")
    for kind, info in report["damage"].items():
        lines.append(f"  {kind}: {info['count']}")
        for sample in info["samples"]:
            lines.append(f"      {sample['before']!r} -> {sample['after']!r}")
    if report["line_encodings"]:
        lines.append(f"  lines:    {report['line_encodings']} (decoded line by line)")
    for warning in report["warnings"]:
        lines.append(f"  warning:  {warning}")
    why = []
    if report["lost_bytes_inferred"]:
        why.append(f"{report['lost_bytes_inferred']} lost byte(s) inferred from context")
    if report["lost_bytes_left"]:
        why.append(f"{report['lost_bytes_left']} left as U+FFFD")
    lossless = "yes" if report["lossless"] else "no" + (f" ({'; '.join(why)})" if why else "")
    lines.append(f"  lossless: {lossless}")
    return "\n".join(lines)


cli_archive.register(app)


def run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("archiver: interrupted\n")
        raise SystemExit(130) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(0) from None
    except Exception as error:  # a bug: one line, never a traceback
        sys.stderr.write(f"archiver: internal error ({type(error).__name__}: {error}); please report it\n")
        raise SystemExit(1) from None


if __name__ == "__main__":
    run()
