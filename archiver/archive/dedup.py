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

import array
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

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


# Band b of every signature, sorted by its key: (document id, key) rows.
BandRows = Callable[[int], Iterable[tuple[int, bytes]]]
# The signatures of some documents, as uint32 vectors.
SignaturesOf = Callable[[list[int]], dict[int, np.ndarray]]


def band_key_span(band: int) -> tuple[int, int]:
    """(offset, length) in bytes of a band's key within a stored signature."""
    return len(SCHEME) + band * ROWS * 4, ROWS * 4


def group_bands(band_rows: BandRows, signatures_of: SignaturesOf, largest_id: int) -> Iterator[tuple[int, int]]:
    """(document id, group id) for every document with a near twin; the group id is
    the group's smallest document id.

    MinHash LSH as datasketch's ``MinHashLSH`` does it (the same bands, then the
    estimated Jaccard checked for every pair sharing a band), a band at a time from
    rows sorted by band key, so only one bucket's signatures are ever held: memory
    stays flat however many documents (eight bytes each for the union-find).
    datasketch itself imports scipy to choose its bands, half a second of every
    ingest, and keeps every signature in memory as a Python object.  Pairs already
    joined are not compared again: a thousand copies of one page cost a thousand
    comparisons, not half a million.
    """
    parent = array.array("q", range(largest_id + 1))  # eight bytes a document, fast to index

    def find(node: int) -> int:
        while (up := parent[node]) != node:
            parent[node] = parent[up]
            node = up
        return node

    for band in range(BANDS):
        for members in _buckets(band_rows(band)):
            roots = [find(member) for member in members]
            if len(set(roots)) == 1:
                continue  # joined in an earlier band, as copies are in every band
            vectors = signatures_of(members)
            for position, row in enumerate(members[:-1]):
                others = [other for other in members[position + 1 :] if find(other) != find(row)]
                if not others:
                    continue
                agreement = (np.stack([vectors[other] for other in others]) == vectors[row]).mean(axis=1)
                for other, similar in zip(others, agreement >= SIMILARITY, strict=True):
                    if similar and (low := find(row)) != (high := find(other)):
                        parent[max(low, high)] = min(low, high)
    roots_of = np.frombuffer(parent, dtype=np.int64).copy()
    while not np.array_equal(roots_of, roots_of[roots_of]):  # every node straight to its root
        roots_of = roots_of[roots_of]
    ids = np.arange(largest_id + 1)
    grouped = roots_of != ids
    grouped[np.unique(roots_of[grouped])] = True  # the roots that others joined
    for document_id in np.flatnonzero(grouped):
        yield int(document_id), int(roots_of[document_id])


def _buckets(rows: Iterable[tuple[int, bytes]]) -> Iterator[list[int]]:
    """Runs of two or more documents sharing a band key, from rows sorted by key."""
    members: list[int] = []
    last: bytes | None = None
    for document_id, key in rows:
        if key != last:
            if len(members) > 1:
                yield members
            members, last = [], key
        members.append(document_id)
    if len(members) > 1:
        yield members


def group(signatures: Mapping[int, bytes]) -> dict[int, int]:
    """``group_bands`` over signatures held in memory (tests, small sets)."""
    vectors = {
        document_id: np.frombuffer(blob, dtype=np.uint32, offset=len(SCHEME))
        for document_id, blob in signatures.items()
        if blob.startswith(SCHEME)
    }
    if len(vectors) < 2:
        return {}

    def band_rows(band: int) -> list[tuple[int, bytes]]:
        offset, length = band_key_span(band)
        keyed = [(signatures[document_id][offset : offset + length], document_id) for document_id in vectors]
        return [(document_id, key) for key, document_id in sorted(keyed)]

    return dict(group_bands(band_rows, lambda ids: {i: vectors[i] for i in ids}, max(vectors)))
