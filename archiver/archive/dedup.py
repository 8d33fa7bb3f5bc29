"""Near-duplicate groups: the same speech copied by many farms, each damaged its own way.

Each clean text gets a MinHash signature (datasketch, CRC32 as the shingle hash: a
fifth of SHA-1's cost, and stable across processes) over character 5-grams of its
Chinese, normalised to simplified with punctuation and spacing dropped, so script and
punctuation differences between copies do not count.  MinHash LSH finds pairs above
SIMILARITY; connected pairs form a group, named by its smallest document id.
"""

from __future__ import annotations

import functools
import re
import zlib
from typing import TYPE_CHECKING

import numpy as np

from archiver.convert import opencc_converter

if TYPE_CHECKING:
    from datasketch import MinHash

# datasketch is imported where it is used: its package pulls in scipy, half a second
# that every `archiver` command would otherwise pay at start-up.

NUM_PERM = 128
SCHEME = "affine32"  # datasketch 2's hashing; signatures are stored as uint32
SHINGLE = 5
SIMILARITY = 0.6  # estimated Jaccard of 5-grams above which two documents are one text
_KEEP_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]+")


def signature(text: str) -> bytes | None:
    """The MinHash of a text's character 5-grams, or None for texts too short to compare."""
    normal = opencc_converter("t2s").convert("".join(_KEEP_RE.findall(text))).lower()
    if len(normal) < SHINGLE * 4:
        return None
    shingles = {normal[i : i + SHINGLE].encode("utf-8") for i in range(len(normal) - SHINGLE + 1)}
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashfunc=zlib.crc32, permutations=_permutations())
    minhash.update_batch(list(shingles))
    return minhash.hashvalues.astype(np.uint32).tobytes()


@functools.cache
def _permutations():  # type: ignore[no-untyped-def]
    """Drawn once: datasketch would draw them again for every signature."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def _minhash(blob: bytes) -> MinHash:
    from datasketch import MinHash

    hashvalues = np.frombuffer(blob, dtype=np.uint32)
    return MinHash(num_perm=NUM_PERM, hashvalues=hashvalues, scheme=SCHEME, permutations=_permutations())


def group(signatures: dict[int, bytes]) -> dict[int, int]:
    """Document id → group id (its group's smallest id), for documents with a near twin."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=SIMILARITY, num_perm=NUM_PERM)
    hashes = {document_id: _minhash(blob) for document_id, blob in signatures.items()}
    for document_id, minhash in hashes.items():
        lsh.insert(document_id, minhash)
    parent = {document_id: document_id for document_id in hashes}

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for document_id, minhash in hashes.items():
        for other in lsh.query(minhash):
            if other != document_id and hashes[document_id].jaccard(hashes[other]) >= SIMILARITY:
                low, high = sorted((find(document_id), find(other)))
                parent[high] = low
    members: dict[int, list[int]] = {}
    for document_id in hashes:
        members.setdefault(find(document_id), []).append(document_id)
    return {doc: min(ids) for ids in members.values() if len(ids) > 1 for doc in ids}
