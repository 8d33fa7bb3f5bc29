"""Re-read and re-hash everything, as restic's ``check --read-data`` and git's ``fsck``.

Every blob under objects/ is decompressed and hashed against its name, and every
version's raw and clean blobs must be present and sound.  Unreferenced blobs (left by
an ingest killed between writing a blob and committing its row) are reported but are
not damage: a re-run reuses them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from archiver.archive.store import Archive, Version


@dataclass
class VerifyReport:
    blobs_checked: int = 0
    versions_checked: int = 0
    problems: list[str] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems


def verify(archive: Archive) -> VerifyReport:
    """Memory stays flat however large the archive: the referenced digests go to a
    temporary table, and the blob store is listed one directory at a time."""
    report = VerifyReport()
    try:
        integrity = archive.db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        report.problems.append(f"database: {error}")
        return report
    if integrity != "ok":
        report.problems.append(f"database: integrity check says {integrity}")
    db = archive.db
    db.execute("CREATE TEMP TABLE IF NOT EXISTS referenced (digest TEXT PRIMARY KEY)")
    db.execute("BEGIN")  # one transaction for all the inserts into the temporary table
    db.execute("DELETE FROM referenced")
    for version in archive.all_versions():
        report.versions_checked += 1
        for role, digest in (("raw", version.raw_sha256), ("clean", version.clean_sha256)):
            db.execute("INSERT OR IGNORE INTO referenced VALUES (?)", (digest,))
            if not archive.blobs.exists(digest):
                report.problems.append(f"{_describe(version, role, digest)} is missing")
    db.execute("COMMIT")
    for digest in archive.blobs.digests():
        report.blobs_checked += 1
        problem = archive.blobs.check(digest)
        if problem:
            report.problems.append(f"blob {digest}: {problem}")
            report.problems.extend(f"{_describe(v, role, digest)} is {problem}" for v, role in _users(archive, digest))
        if db.execute("SELECT 1 FROM referenced WHERE digest = ?", (digest,)).fetchone() is None:
            report.unreferenced.append(digest)
    db.execute("DROP TABLE referenced")
    return report


def _describe(version: Version, role: str, digest: str) -> str:
    return f"document {version.document_id} ({version.source}) version {version.number}: {role} blob {digest}"


def _users(archive: Archive, digest: str) -> Iterator[tuple[Version, str]]:
    """The versions naming a damaged blob (rare: a scan is fine)."""
    for version in archive.all_versions():
        for role, named in (("raw", version.raw_sha256), ("clean", version.clean_sha256)):
            if named == digest:
                yield version, role
