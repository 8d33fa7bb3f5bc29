"""Content-addressed, zstd-compressed blobs, written atomically.

A blob is named by the sha256 of its uncompressed content and stored at
``objects/ab/cdef…`` like git's loose objects.  Writes go to a temporary file in the
same tree and are renamed into place, so a killed writer leaves either the whole
blob or none of it.  Durability against power loss is batched: callers run
``flush()`` (one sync of the filesystem) before committing the rows that name the
blobs, instead of two fsyncs per blob.  Identical content is stored once; two
writers racing on the same blob both produce the same file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import zstandard

COMPRESSION_LEVEL = 3  # zstd default: fast; text compresses about 3x even so


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.objects = root / "objects"
        self.tmp = root / "tmp"

    def create(self) -> None:
        self.objects.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, digest: str) -> Path:
        return self.objects / digest[:2] / digest[2:]

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists()

    def put(self, data: bytes) -> tuple[str, int]:
        """Store ``data``; returns (sha256, stored size).  Idempotent."""
        digest = sha256(data)
        target = self.path(digest)
        if self._intact(target, len(data)):
            return digest, target.stat().st_size
        compressed = zstandard.ZstdCompressor(level=COMPRESSION_LEVEL).compress(data)
        descriptor, temporary = tempfile.mkstemp(dir=self.tmp, prefix=digest[:8], suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(compressed)
            try:
                os.replace(temporary, target)
            except FileNotFoundError:  # first blob under this prefix: a mkdir per blob cost as much as zstd
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest, len(compressed)

    @staticmethod
    def _intact(target: Path, size: int) -> bool:
        """An existing blob is reused only if its zstd frame is whole: a file a power
        cut truncated before ``flush()`` is rewritten, not trusted."""
        try:
            with target.open("rb") as handle:
                header = handle.read(18)
            return zstandard.frame_content_size(header) == size
        except (OSError, zstandard.ZstdError):
            return False

    @staticmethod
    def flush() -> None:
        """Make every blob written so far durable: call before committing rows naming them."""
        os.sync()

    def get(self, digest: str) -> bytes:
        compressed = self.path(digest).read_bytes()
        return zstandard.ZstdDecompressor().decompress(compressed)

    def check(self, digest: str) -> str | None:
        """None when the blob is present and hashes to its name, else what is wrong."""
        path = self.path(digest)
        if not path.exists():
            return "missing"
        try:
            data = zstandard.ZstdDecompressor().decompress(path.read_bytes())
        except zstandard.ZstdError as error:
            return f"corrupt (cannot decompress: {error})"
        actual = sha256(data)
        return None if actual == digest else f"corrupt (content hashes to {actual[:12]}…)"

    def digests(self) -> Iterator[str]:
        """Every stored blob's name, in order, one directory listed at a time."""
        if not self.objects.exists():
            return
        for directory in sorted(self.objects.iterdir()):
            if directory.is_dir():
                for blob in sorted(os.listdir(directory)):
                    yield directory.name + blob
