"""Near-duplicate groups: the same speech copied by many farms, each damaged its own way.

Each clean text gets a MinHash signature over character 5-grams of its Chinese,
normalised to simplified with punctuation and spacing dropped, so script and
punctuation differences between copies do not count.  MinHash LSH (datasketch) finds
pairs above SIMILARITY; connected pairs form a group, named by its smallest id.

The signature itself is computed here with numpy, with datasketch's own "affine32"
permutations (same seed, same mixing, same formula; a test holds the two equal): datasketch hashes
each shingle in a Python call and its import pulls in scipy, which together cost
ingest more than cleaning a page did.  Signatures carry SCHEME as a prefix, so ones
an earlier scheme stored are never compared with these; a re-ingest replaces them.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import numpy as np

from archiver.convert import opencc_converter

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SEED = 1  # datasketch's default: its permutations are drawn from RandomState(1)
SHINGLE = 5
SIMILARITY = 0.6  # estimated Jaccard of 5-grams above which two documents are one text
SCHEME = b"mh5a32:"  # 5-gram polynomial shingle hash, affine32 permutations
CHUNK = 4096  # shingles permuted at once: bounds the temporary matrix to 2 MB
_KEEP_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]+")
_MULTIPLIER = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime, as a polynomial base


@functools.cache
def permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 (a, b): h -> a*h + b mod 2**32 with odd a."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def shingle_hashes(normal: str) -> np.ndarray:
    """32-bit hashes of the distinct character 5-grams, computed for all at once."""
    codes = np.frombuffer(normal.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - SHINGLE + 1
    hashes = codes[:count].copy()
    for offset in range(1, SHINGLE):
        hashes = hashes * _MULTIPLIER + codes[offset : offset + count]  # wraps mod 2**64
    return np.unique((hashes ^ (hashes >> np.uint64(32))).astype(np.uint32))


def _fmix32(hashes: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, which datasketch applies before permuting."""
    hashes = hashes ^ (hashes >> np.uint32(16))
    hashes = hashes * np.uint32(0x85EBCA6B)
    hashes = hashes ^ (hashes >> np.uint32(13))
    hashes = hashes * np.uint32(0xC2B2AE35)
    return hashes ^ (hashes >> np.uint32(16))


def minhash_values(hashes: np.ndarray) -> np.ndarray:
    a, b = permutations()
    hashes = _fmix32(hashes.astype(np.uint32))
    values = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(hashes), CHUNK):
        chunk = hashes[start : start + CHUNK, np.newaxis]
        np.minimum(values, (chunk * a + b).min(axis=0), out=values)  # uint32 arithmetic wraps
    return values


def signature(text: str) -> bytes | None:
    """The MinHash of a text's character 5-grams, or None for texts too short to compare."""
    normal = opencc_converter("t2s").convert("".join(_KEEP_RE.findall(text))).lower()
    if len(normal) < SHINGLE * 4:
        return None
    return SCHEME + minhash_values(shingle_hashes(normal)).tobytes()


def _minhash(blob: bytes) -> MinHash:
    from datasketch import MinHash

    hashvalues = np.frombuffer(blob[len(SCHEME) :], dtype=np.uint32)
    return MinHash(
        num_perm=NUM_PERM, hashvalues=hashvalues, scheme="affine32", seed=SEED, permutations=np.array(permutations())
    )


def group(signatures: dict[int, bytes]) -> dict[int, int]:
    """Document id → group id (its group's smallest id), for documents with a near twin."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=SIMILARITY, num_perm=NUM_PERM)
    hashes = {document_id: _minhash(blob) for document_id, blob in signatures.items() if blob.startswith(SCHEME)}
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
