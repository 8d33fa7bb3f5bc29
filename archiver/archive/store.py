"""The archive: one directory with an SQLite database (WAL) and content-addressed blobs.

Layout::

    archive/
      archive.db      documents, versions, learned boilerplate (SQLite, WAL mode)
      objects/ab/…    zstd-compressed blobs named by the sha256 of their content
      tmp/            temporary files of blob writes in progress

Blobs are written (atomically) before the row that names them is committed, so the
database never points at a blob that is not there; a crash can at worst leave an
unreferenced blob, which ``verify`` reports and a re-run reuses.  Writers take
SQLite's write lock with BEGIN IMMEDIATE, so two ingests into one archive take
turns per batch instead of corrupting each other.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from archiver.archive.blobs import BlobStore
from archiver.errors import ArchiverError
from archiver.structure.learned import LearnedBoilerplate

T = TypeVar("T")
_NEWEST = "v.number = (SELECT MAX(number) FROM versions WHERE document_id = v.document_id)"  # v: a version row
DEFAULT_ARCHIVE = "archive"
ENV_ARCHIVE = "ARCHIVER_ARCHIVE"
BUSY_TIMEOUT_MS = 600_000  # a second writer waits up to ten minutes for the first
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    number INTEGER NOT NULL,
    raw_sha256 TEXT NOT NULL,
    raw_size INTEGER NOT NULL,
    clean_sha256 TEXT NOT NULL,
    clean_size INTEGER NOT NULL,
    encoding TEXT,
    script TEXT,
    title TEXT,
    date TEXT,
    record TEXT NOT NULL,
    pipeline_version TEXT NOT NULL,
    options TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (document_id, number)
);
CREATE TABLE IF NOT EXISTS minhash (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS near_duplicates (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    group_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS boilerplate (
    site TEXT NOT NULL,
    line TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (site, line)
);
"""


class ArchiveError(ArchiverError):
    """The archive is missing, unreadable or asked for something it does not hold."""


@dataclass(frozen=True)
class Version:
    document_id: int
    source: str
    number: int
    raw_sha256: str
    raw_size: int
    clean_sha256: str
    clean_size: int
    encoding: str | None
    script: str | None
    title: str | None
    date: str | None
    record: dict[str, Any]
    pipeline_version: str
    options: dict[str, Any]
    reason: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.document_id,
            "source": self.source,
            "version": self.number,
            "raw_sha256": self.raw_sha256,
            "raw_size": self.raw_size,
            "clean_sha256": self.clean_sha256,
            "clean_size": self.clean_size,
            "encoding": self.encoding,
            "script": self.script,
            "title": self.title,
            "date": self.date,
            "fixes": self.record.get("fixes", {}),
            "removed": self.record.get("removed", []),
            "warnings": self.record.get("warnings", []),
            "metadata": self.record.get("metadata", {}),
            "pipeline_version": self.pipeline_version,
            "options": self.options,
            "reason": self.reason,
            "created_at": self.created_at,
        }


def _has_schema(connection: sqlite3.Connection) -> bool:
    """Every table exists already: readers then never need the write lock to open."""
    names = set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA))
    found = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return names <= found


def _while_locked(action: Callable[[], T]) -> T:
    """Run ``action``, retrying while SQLite reports a lock its busy handler does not
    wait out (changing the journal mode of a database another process is creating)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if ("locked" not in str(error) and "busy" not in str(error)) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Archive:
    """Open with ``Archive.open(path, create=...)``; use as a context manager."""

    def __init__(self, root: Path, connection: sqlite3.Connection) -> None:
        self.root = root
        self.blobs = BlobStore(root)
        self.db = connection

    @classmethod
    def open(cls, root: Path, create: bool = False) -> Archive:
        database = root / "archive.db"
        if not database.exists():
            if not create:
                raise ArchiveError(f"no archive at {root} (create one with 'archiver ingest --archive {root} PATH')")
            try:
                root.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ArchiveError(f"cannot create the archive at {root}: {error.strerror or error}") from error
        try:
            connection = sqlite3.connect(database, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _while_locked(lambda: connection.execute("PRAGMA journal_mode = WAL"))
            connection.execute("PRAGMA synchronous = FULL")
            if not _while_locked(lambda: _has_schema(connection)):
                # The write lock first: two ingests creating one archive at once otherwise
                # race on the schema and one gets "database is locked" without waiting.
                _while_locked(lambda: connection.executescript(f"BEGIN IMMEDIATE;{SCHEMA}COMMIT;"))
        except sqlite3.DatabaseError as error:
            raise ArchiveError(f"cannot open the archive database {database}: {error}") from error
        archive = cls(root, connection)
        try:
            archive.blobs.create()
        except OSError as error:
            connection.close()
            raise ArchiveError(f"cannot create the blob store in {root}: {error.strerror or error}") from error
        return archive

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding SQLite's write lock from the start."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- reading -----------------------------------------------------------------

    def resolve(self, ident: str) -> tuple[int, str]:
        """A document by numeric id or by source path."""
        row = None
        if ident.isdigit():
            row = self.db.execute("SELECT id, source FROM documents WHERE id = ?", (int(ident),)).fetchone()
        if row is None:
            row = self.db.execute("SELECT id, source FROM documents WHERE source = ?", (ident,)).fetchone()
        if row is None:
            raise ArchiveError(f"no document {ident!r} in {self.root} (see 'archiver list')")
        return row[0], row[1]

    def versions(self, document_id: int) -> list[Version]:
        rows = self.db.execute(
            "SELECT v.*, d.source FROM versions v JOIN documents d ON d.id = v.document_id "
            "WHERE v.document_id = ? ORDER BY v.number",
            (document_id,),
        ).fetchall()
        return [self._version(row) for row in rows]

    def version(self, document_id: int, number: int | None = None) -> Version:
        versions = self.versions(document_id)
        if not versions:
            raise ArchiveError(f"document {document_id} has no versions")
        if number is None:
            return versions[-1]
        for version in versions:
            if version.number == number:
                return version
        raise ArchiveError(f"document {document_id} has versions 1 to {versions[-1].number}, not {number}")

    def latest_versions(self) -> Iterator[Version]:
        """The newest version of every document, streamed in id order."""
        cursor = self.db.execute(
            "SELECT v.*, d.source FROM versions v JOIN documents d ON d.id = v.document_id "
            f"WHERE {_NEWEST} "
            "ORDER BY v.document_id"
        )
        for row in cursor:
            yield self._version(row)

    def latest_raws(self) -> Iterator[tuple[int, str, str]]:
        """(document id, source, raw sha256) of every document's newest version, read
        through a second connection in one read transaction: a snapshot that rows
        written meanwhile (reprocess adds versions as it goes) cannot change."""
        snapshot = sqlite3.connect(self.root / "archive.db", timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            snapshot.execute("BEGIN")
            yield from snapshot.execute(
                "SELECT v.document_id, d.source, v.raw_sha256 FROM versions v JOIN documents d ON d.id = v.document_id "
                f"WHERE {_NEWEST} "
                "ORDER BY v.document_id"
            )
        finally:
            snapshot.close()

    def document_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def all_versions(self) -> Iterator[Version]:
        cursor = self.db.execute(
            "SELECT v.*, d.source FROM versions v JOIN documents d ON d.id = v.document_id "
            "ORDER BY v.document_id, v.number"
        )
        for row in cursor:
            yield self._version(row)

    def documents(self) -> Iterator[dict[str, Any]]:
        cursor = self.db.execute(
            "SELECT d.id, d.source, COUNT(v.id), "
            "(SELECT title FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1), "
            "(SELECT record FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1), "
            "(SELECT group_id FROM near_duplicates WHERE document_id = d.id) "
            "FROM documents d LEFT JOIN versions v ON v.document_id = d.id GROUP BY d.id ORDER BY d.id"
        )
        for document_id, source, count, title, record, group_id in cursor:
            metadata = json.loads(record).get("metadata", {}) if record else {}
            yield {
                "id": document_id,
                "source": source,
                "versions": count,
                "title": title,
                "near_duplicate_group": group_id,
                "metadata": metadata,
            }

    @staticmethod
    def _version(row: tuple) -> Version:
        (_, document_id, number, raw_sha, raw_size, clean_sha, clean_size, encoding, script, title, date,
         record, pipeline_version, options, reason, created_at, source) = row  # fmt: skip
        return Version(
            document_id, source, number, raw_sha, raw_size, clean_sha, clean_size, encoding, script, title, date,
            json.loads(record), pipeline_version, json.loads(options), reason, created_at,
        )  # fmt: skip

    # -- writing -----------------------------------------------------------------

    def add_version(self, source: str, entry: dict[str, Any], reason: str) -> tuple[str, int]:
        """Record a cleaned document (its blobs already stored) unless nothing changed.

        Returns (outcome, document id) with outcome "new", "changed" or "unchanged".
        Must run inside ``write()`` so the comparison and the insert see the same state.
        """
        row = self.db.execute("SELECT id FROM documents WHERE source = ?", (source,)).fetchone()
        if row is None:
            cursor = self.db.execute("INSERT INTO documents (source, created_at) VALUES (?, ?)", (source, now()))
            document_id = int(cursor.lastrowid or 0)
            number, outcome = 1, "new"
        else:
            document_id = row[0]
            last = self.db.execute(
                "SELECT number, raw_sha256, clean_sha256 FROM versions WHERE document_id = ? "
                "ORDER BY number DESC LIMIT 1",
                (document_id,),
            ).fetchone()
            if (
                last is not None
                and last[1] == entry["raw_sha256"]
                and (reason == "ingest" or last[2] == entry["clean_sha256"])
            ):
                if entry.get("minhash"):  # a signature of an earlier scheme is replaced
                    self.db.execute("INSERT OR REPLACE INTO minhash VALUES (?, ?)", (document_id, entry["minhash"]))
                return "unchanged", document_id
            self.db.execute("DELETE FROM minhash WHERE document_id = ?", (document_id,))
            number, outcome = (last[0] + 1 if last else 1), "changed"
        self.db.execute(
            "INSERT INTO versions (document_id, number, raw_sha256, raw_size, clean_sha256, clean_size, encoding, "
            "script, title, date, record, pipeline_version, options, reason, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document_id, number, entry["raw_sha256"], entry["raw_size"], entry["clean_sha256"],
                entry["clean_size"], entry["encoding"], entry["script"], entry["title"], entry["date"],
                json.dumps(entry["record"], ensure_ascii=False), entry["pipeline_version"],
                json.dumps(entry["options"]), reason, now(),
            ),
        )  # fmt: skip
        if entry.get("minhash"):
            self.db.execute("INSERT INTO minhash VALUES (?, ?)", (document_id, entry["minhash"]))
        return outcome, document_id

    def update_near_duplicates(self) -> int:
        """Regroup near-duplicate documents from the stored signatures; returns groups.

        SQLite sorts each band's keys, so only a bucket at a time is in memory.
        """
        import numpy as np

        from archiver.archive.dedup import SCHEME, band_key_span, group_bands

        def band_rows(band: int) -> Iterator[tuple[int, bytes]]:
            offset, length = band_key_span(band)
            yield from self.db.execute(
                "SELECT document_id, substr(signature, ?, ?) AS band FROM minhash "
                "WHERE substr(signature, 1, ?) = ? ORDER BY band, document_id",
                (offset + 1, length, len(SCHEME), SCHEME),
            )

        def signatures_of(ids: list[int]) -> dict[int, np.ndarray]:
            found = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT document_id, signature FROM minhash WHERE document_id IN ({marks})"
                for document_id, blob in self.db.execute(query, chunk):
                    found[document_id] = np.frombuffer(blob, dtype=np.uint32, offset=len(SCHEME))
            return found

        # One read transaction: every band sees the same rows, whatever another ingest
        # commits meanwhile (its own regroup follows its commit).
        self.db.execute("BEGIN")
        try:
            largest = self.db.execute("SELECT COALESCE(MAX(document_id), 0) FROM minhash").fetchone()[0]
            pairs = list(group_bands(band_rows, signatures_of, largest))  # read fully before writing
        finally:
            self.db.execute("COMMIT")
        with self.write():
            self.db.execute("DELETE FROM near_duplicates")
            self.db.executemany("INSERT INTO near_duplicates VALUES (?, ?)", pairs)
        return len({group for _, group in pairs})

    def group_of(self, document_id: int) -> int | None:
        """The document's near-duplicate group, if it has near twins."""
        row = self.db.execute("SELECT group_id FROM near_duplicates WHERE document_id = ?", (document_id,)).fetchone()
        return None if row is None else int(row[0])

    def near_duplicate_groups(self) -> dict[int, int]:
        return dict(self.db.execute("SELECT document_id, group_id FROM near_duplicates"))

    def learned_boilerplate(self) -> LearnedBoilerplate:
        return LearnedBoilerplate.from_rows(self.db.execute("SELECT site, line, documents FROM boilerplate"))

    def save_learned_boilerplate(self, learned: LearnedBoilerplate) -> None:
        with self.write():
            self.db.execute("DELETE FROM boilerplate")
            self.db.executemany("INSERT OR REPLACE INTO boilerplate VALUES (?, ?, ?)", learned.rows())
