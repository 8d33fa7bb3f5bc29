"""What one input holds: a single document, or one per record of a WARC file.

WARC files (``.warc``, ``.warc.gz``) are read with warcio: every response, resource
or conversion record becomes a document keyed by its WARC-Target-URI, its payload
the HTTP body with transfer and content encodings undone.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from archiver.errors import InputError

WARC_RECORD_TYPES = ("response", "resource", "conversion")


@dataclass(frozen=True)
class SourceDocument:
    key: str  # the document's name: a relative path, or the record's target URI
    data: bytes
    url: str | None = None


def is_warc(name: str, data: bytes) -> bool:
    lowered = name.lower()
    if lowered.endswith((".warc", ".warc.gz")):
        return True
    return data.startswith(b"WARC/")


def iter_warc(data: bytes) -> Iterator[SourceDocument]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type not in WARC_RECORD_TYPES:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or record.rec_headers.get_header("WARC-Record-ID")
            yield SourceDocument(url, record.content_stream().read(), url)
    except ArchiveLoadFailed as error:
        raise InputError(f"not a readable WARC file ({error})") from error
    except Exception as error:  # warcio fails in many ways on a damaged file
        raise InputError(f"not a readable WARC file ({type(error).__name__}: {error})") from error


def expand(name: str, data: bytes) -> list[SourceDocument]:
    """The documents an input holds (a WARC file holds many)."""
    if is_warc(name, data):
        documents = list(iter_warc(data))
        if not documents:
            raise InputError("WARC file holds no response, resource or conversion records")
        return documents
    return [SourceDocument(name, data)]


def site_of(key: str, url: str | None = None) -> str:
    """Where a document comes from, for learning that site's boilerplate: the host of
    its URL, else the top directory of its path ("" for files at the top)."""
    if url:
        return urlsplit(url).hostname or ""
    head, separator, _ = key.partition("/")
    return head if separator else ""
