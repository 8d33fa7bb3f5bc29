"""Near-duplicate groups: the same speech copied by many farms, each damaged its own way.

Each clean text gets a MinHash signature over character 5-grams of its Chinese,
normalised to simplified with punctuation and spacing dropped, so script and
punctuation differences between copies do not count.  MinHash LSH, as datasketch
defines it, finds pairs above SIMILARITY; connected pairs form a group, named by its
smallest id.

The signature itself is computed here with numpy, with datasketch's own "affine32"
permutations (same seed, same mixing, same formula; a test holds the two equal): datasketch hashes
each shingle in a Python call and its import pulls in scipy, which together cost
ingest more than cleaning a page did.  Signatures carry SCHEME as a prefix, so ones
an earlier scheme stored are never compared with these; a re-ingest replaces them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

import numpy as np

from archiver.convert import opencc_converter

NUM_PERM = 128
SEED = 1  # datasketch's default: its permutations are drawn from RandomState(1)
SHINGLE = 5
SIMILARITY = 0.6  # estimated Jaccard of 5-grams above which two documents are one text
# The LSH bands datasketch's MinHashLSH chooses for SIMILARITY and NUM_PERM (its
# _optimal_param, equal weights; a test holds them equal).
BANDS, ROWS = 18, 7
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
    folded = np.sort((hashes ^ (hashes >> np.uint64(32))).astype(np.uint32))
    # Sorted and deduplicated by hand: numpy 2.3+'s np.unique hashes instead, six times slower here.
    return folded[np.concatenate(([True], folded[1:] != folded[:-1]))]


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
        # One row per permutation: the minimum then runs along contiguous memory,
        # five times faster than down the columns of the transposed matrix.
        permuted = np.multiply.outer(a, hashes[start : start + CHUNK])  # uint32 arithmetic wraps
        permuted += b[:, np.newaxis]
        np.minimum(values, permuted.min(axis=1), out=values)
    return values


def signature(text: str) -> bytes | None:
    """The MinHash of a text's character 5-grams, or None for texts too short to compare."""
    normal = opencc_converter("t2s").convert("".join(_KEEP_RE.findall(text))).lower()
    if len(normal) < SHINGLE * 4:
        return None
    return SCHEME + minhash_values(shingle_hashes(normal)).tobytes()


def group(signatures: Mapping[int, bytes] | Iterable[tuple[int, bytes]]) -> dict[int, int]:
    """Document id → group id (its group's smallest id), for documents with a near twin.

    MinHash LSH as datasketch's ``MinHashLSH`` does it (the same bands, then the
    estimated Jaccard checked for every pair sharing a band), over a numpy matrix:
    datasketch's LSH module imports scipy to choose its bands, half a second of every
    ingest, and makes a Python object per document.  Pairs already joined are not
    compared again, so a thousand copies of one page cost a thousand comparisons.
    Signatures may be streamed as (id, signature) rows: the matrix is all that is
    held, half a kilobyte a document.
    """
    rows = signatures.items() if isinstance(signatures, Mapping) else signatures
    ids: list[int] = []
    chunks: list[np.ndarray] = []
    for document_id, blob in rows:
        if blob.startswith(SCHEME):
            ids.append(document_id)
            chunks.append(np.frombuffer(blob, dtype=np.uint32, offset=len(SCHEME)))
    if len(ids) < 2:
        return {}
    matrix = np.stack(chunks)
    del chunks
    parent = list(range(len(ids)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = {}
        keys = np.ascontiguousarray(matrix[:, band * ROWS : (band + 1) * ROWS])
        for row, key in enumerate(keys):
            buckets.setdefault(key.tobytes(), []).append(row)
        for members in buckets.values():
            for position, row in enumerate(members[:-1]):
                others = [other for other in members[position + 1 :] if find(other) != find(row)]
                if not others:
                    continue
                agreement = (matrix[others] == matrix[row]).mean(axis=1)
                for other, similar in zip(others, agreement >= SIMILARITY, strict=True):
                    if similar and (low := find(row)) != (high := find(other)):
                        parent[max(low, high)] = min(low, high)
    roots: dict[int, list[int]] = {}
    for row in range(len(ids)):
        roots.setdefault(find(row), []).append(ids[row])
    return {doc: min(members) for members in roots.values() if len(members) > 1 for doc in members}
