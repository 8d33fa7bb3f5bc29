"""Hand the archive to other tools: JSON lines, a text tree, or WARC.

* ``jsonl``: one document per line with ``id``, ``text``, ``source`` and ``metadata``,
  the shape datatrove and dolma read.  Newest version of each document.
* ``txt``: a directory tree mirroring the sources, newest clean version of each.
* ``warc``: every stored version: ``resource`` records for raw originals, byte-exact,
  and ``conversion`` records for clean versions pointing back with WARC-Refers-To
  (ISO 28500), written with warcio.

Nothing is ever written outside OUT, whatever a stored source path says.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from archiver.archive.store import Archive, ArchiveError, Version

FORMATS = ("jsonl", "txt", "warc")
URI_PREFIX = "urn:archiver:"


def safe_relative_path(source: str) -> Path:
    """A relative path inside the export root for any stored source string.

    Absolute paths lose their root, ``..`` and ``.`` parts are dropped, and a name
    that ends up empty becomes ``_``: ``../../etc/passwd`` exports as ``etc/passwd``.
    """
    parts = [part for part in PurePosixPath(source.replace("\\", "/")).parts if part not in ("/", "..", ".", "")]
    parts = [part.replace("\x00", "_") for part in parts] or ["_"]
    return Path(*parts)


def _inside(root: Path, target: Path) -> Path:
    resolved_root = root.resolve()
    resolved = (resolved_root / target).resolve()
    if resolved != resolved_root and resolved_root not in resolved.parents:
        raise ArchiveError(f"refusing to write outside {root}: {target}")
    return resolved


def _metadata(version: Version) -> dict[str, Any]:
    record = version.to_dict()
    return {key: record[key] for key in record if key not in ("id", "source")}


def _write_atomically(path: Path, write: Callable[[io.BufferedWriter], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_jsonl(archive: Archive, out: Path) -> int:
    count = 0

    def write(handle: io.BufferedWriter) -> None:
        nonlocal count
        for version in archive.latest_versions():
            text = archive.blobs.get(version.clean_sha256).decode("utf-8").rstrip("\n")
            line = {
                "id": str(version.document_id),
                "text": text,
                "source": version.source,
                "metadata": _metadata(version) | {"near_duplicate_group": archive.group_of(version.document_id)},
            }
            handle.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
            count += 1

    _write_atomically(out, write)
    return count


def export_txt(archive: Archive, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for version in archive.latest_versions():
        relative = safe_relative_path(version.source)
        target = _inside(out, relative.with_name(relative.name + ".txt") if relative.suffix != ".txt" else relative)
        data = archive.blobs.get(version.clean_sha256)
        _write_atomically(target, lambda handle, data=data: handle.write(data))
        count += 1
    return count


def export_warc(archive: Archive, out: Path) -> int:
    from warcio.warcwriter import WARCWriter

    count = 0

    def write(handle: io.BufferedWriter) -> None:
        nonlocal count
        writer = WARCWriter(handle, gzip=out.name.endswith(".gz"))
        raw_ids: dict[str, str] = {}  # raw sha256 -> record id, for one document: versions come grouped
        source = None
        for version in archive.all_versions():
            if version.source != source:
                source = version.source
                raw_ids.clear()
            uri = URI_PREFIX + version.source
            date = version.created_at.replace("+00:00", "Z")
            if version.raw_sha256 not in raw_ids:
                raw = writer.create_warc_record(
                    uri,
                    "resource",
                    payload=io.BytesIO(archive.blobs.get(version.raw_sha256)),
                    warc_content_type="application/octet-stream",
                    warc_headers_dict={"WARC-Date": date, "X-Archiver-SHA256": version.raw_sha256},
                )
                writer.write_record(raw)
                raw_ids[version.raw_sha256] = raw.rec_headers.get_header("WARC-Record-ID")
                count += 1
            conversion = writer.create_warc_record(
                uri,
                "conversion",
                payload=io.BytesIO(archive.blobs.get(version.clean_sha256)),
                warc_content_type="text/plain; charset=utf-8",
                warc_headers_dict={
                    "WARC-Date": date,
                    "WARC-Refers-To": raw_ids[version.raw_sha256],
                    "X-Archiver-SHA256": version.clean_sha256,
                    "X-Archiver-Version": str(version.number),
                    "X-Archiver-Metadata": json.dumps(_metadata(version), ensure_ascii=True),
                },
            )
            writer.write_record(conversion)
            count += 1

    _write_atomically(out, write)
    return count


def export(archive: Archive, out: Path, output_format: str) -> int:
    """Returns the number of documents (jsonl, txt) or records (warc) written."""
    writers = {"jsonl": export_jsonl, "txt": export_txt, "warc": export_warc}
    if output_format not in writers:
        raise ArchiveError(f"unknown export format {output_format!r}; choose one of {', '.join(FORMATS)}")
    if output_format == "txt" and out.exists() and not out.is_dir():
        raise ArchiveError(f"{out} is a file; --format txt writes a directory tree there")
    if output_format != "txt" and out.is_dir():
        raise ArchiveError(f"{out} is a directory; --format {output_format} writes one file")
    try:
        return writers[output_format](archive, out)
    except OSError as error:
        where = error.filename or out
        raise ArchiveError(f"cannot write {where}: {error.strerror or error}") from error
