"""Re-read and re-hash everything, as restic's ``check --read-data`` and git's ``fsck``.

Every blob under objects/ is decompressed and hashed against its name, and every
version's raw and clean blobs must be present and sound.  Unreferenced blobs (left by
an ingest killed between writing a blob and committing its row) are reported but are
not damage: a re-run reuses them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from archiver.archive.store import Archive


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
    report = VerifyReport()
    try:
        integrity = archive.db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        report.problems.append(f"database: {error}")
        return report
    if integrity != "ok":
        report.problems.append(f"database: integrity check says {integrity}")
    stored = set(archive.blobs.all_digests())
    damaged: dict[str, str] = {}
    for digest in sorted(stored):
        report.blobs_checked += 1
        problem = archive.blobs.check(digest)
        if problem:
            damaged[digest] = problem
            report.problems.append(f"blob {digest}: {problem}")
    referenced: set[str] = set()
    for version in archive.all_versions():
        report.versions_checked += 1
        for role, digest in (("raw", version.raw_sha256), ("clean", version.clean_sha256)):
            referenced.add(digest)
            if digest not in stored:
                report.problems.append(
                    f"document {version.document_id} ({version.source}) version {version.number}: "
                    f"{role} blob {digest} is missing"
                )
            elif digest in damaged:
                report.problems.append(
                    f"document {version.document_id} ({version.source}) version {version.number}: "
                    f"{role} blob {digest} is {damaged[digest]}"
                )
    report.unreferenced = sorted(stored - referenced)
    return report
