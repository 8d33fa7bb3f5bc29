"""Near-duplicate groups: one speech copied by three farms, each damaged differently."""

from __future__ import annotations

import json
from pathlib import Path

from farm import farm_damage, read_clean

from .conftest import run_archiver


def test_three_damaged_copies_form_one_group(tmp_path: Path) -> None:
    speech = read_clean("hans_speech.txt")
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "farm_one.txt").write_text("农村工作会议讲话\n" + farm_damage(speech), encoding="utf-8")
    mojibake = ("农村工作会议讲话\n" + speech).encode("gbk").decode("latin-1")
    (root / "farm_two.txt").write_text(mojibake, encoding="utf-8")  # GBK read as Latin-1, saved as UTF-8
    (root / "farm_three.txt").write_bytes(("在农村工作会议上的讲话\n" + speech.replace("，", ",")).encode("gb18030"))
    (root / "other_one.txt").write_text(read_clean("hans_constitution.txt"), encoding="utf-8")
    (root / "other_two.txt").write_text(read_clean("hant_speech.txt"), encoding="utf-8")
    archive = str(tmp_path / "archive")
    run_archiver("ingest", "-a", archive, str(root))
    listed = {
        d["source"]: d["near_duplicate_group"]
        for d in map(json.loads, run_archiver("list", "-a", archive, "-f", "json").stdout.splitlines())
    }
    group = listed["farm_one.txt"]
    assert group is not None
    assert listed["farm_two.txt"] == group and listed["farm_three.txt"] == group
    assert listed["other_one.txt"] is None and listed["other_two.txt"] is None
    exported = tmp_path / "out.jsonl"
    run_archiver("export", str(exported), "-a", archive)
    groups = {
        json.loads(line)["source"]: json.loads(line)["metadata"]["near_duplicate_group"] for line in exported.open()
    }
    assert groups["farm_two.txt"] == group


def test_signature_is_datasketchs_minhash_of_the_same_shingle_hashes() -> None:
    """The numpy signature must be exactly what datasketch computes with its affine32
    permutations, so LSH and Jaccard estimates mean what datasketch documents."""
    import numpy as np
    from datasketch import MinHash

    from archiver.archive.dedup import NUM_PERM, SCHEME, SEED, minhash_values, shingle_hashes, signature

    normal = read_clean("hans_speech.txt").replace("，", "").replace("。", "").replace("\n", "")
    hashes = shingle_hashes(normal)
    assert len(hashes) > 100 and len(np.unique(hashes)) == len(hashes)
    reference = MinHash(num_perm=NUM_PERM, scheme="affine32", seed=SEED, hashfunc=int)
    reference.update_batch([int(h) for h in hashes])
    assert np.array_equal(minhash_values(hashes), reference.hashvalues.astype(np.uint32))
    stored = signature(read_clean("hans_speech.txt"))
    assert stored is not None and stored.startswith(SCHEME) and len(stored) == len(SCHEME) + 4 * NUM_PERM


def test_signatures_of_another_scheme_are_never_compared() -> None:
    from archiver.archive.dedup import group, signature

    speech = signature(read_clean("hans_speech.txt"))
    assert speech is not None
    old_scheme = speech[speech.index(b":") + 1 :]  # what an earlier archiver stored: no prefix
    assert group({1: speech, 2: speech}) == {1: 1, 2: 1}
    assert group({1: speech, 2: old_scheme}) == {}


def test_bands_are_those_datasketch_chooses() -> None:
    from datasketch.lsh import _optimal_param

    from archiver.archive.dedup import BANDS, NUM_PERM, ROWS, SIMILARITY

    assert _optimal_param(SIMILARITY, NUM_PERM, 0.5, 0.5) == (BANDS, ROWS)


def _datasketch_groups(signatures: dict[int, bytes]) -> dict[int, int]:
    """The grouping done with datasketch's MinHashLSH itself: the reference."""
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from archiver.archive.dedup import NUM_PERM, SCHEME, SEED, SIMILARITY, permutations

    lsh = MinHashLSH(threshold=SIMILARITY, num_perm=NUM_PERM)
    hashes = {
        key: MinHash(
            num_perm=NUM_PERM,
            hashvalues=np.frombuffer(blob[len(SCHEME) :], dtype=np.uint32),
            scheme="affine32",
            seed=SEED,
            permutations=np.array(permutations()),
        )
        for key, blob in signatures.items()
    }
    for key, minhash in hashes.items():
        lsh.insert(key, minhash)
    components = {key: {key} for key in hashes}
    for key, minhash in hashes.items():
        for other in lsh.query(minhash):
            similar = minhash.jaccard(hashes[other]) >= SIMILARITY
            if other != key and similar and components[key] is not components[other]:
                merged = components[key] | components[other]
                for member in merged:
                    components[member] = merged
    return {key: min(members) for key, members in components.items() if len(members) > 1}


def _family_signatures() -> dict[int, bytes]:
    """Texts sharing from all to none of their sentences, so that many pairs fall
    near the threshold."""
    import random

    from farm import corpus_sentences

    from archiver.archive.dedup import signature

    rng = random.Random(5)
    sentences = corpus_sentences()
    signatures: dict[int, bytes] = {}
    for family in range(20):
        base = rng.sample(sentences, 12)
        for variant in range(6):  # a copy that lost and gained more sentences each time
            text = "".join([s for s in base if rng.random() > variant * 0.08] + rng.sample(sentences, variant))
            if (found := signature(text)) is not None:
                signatures[family * 6 + variant + 1] = found
    return signatures


def test_groups_are_those_datasketchs_lsh_finds() -> None:
    """The numpy LSH must join exactly the pairs datasketch's does."""
    from archiver.archive.dedup import group

    signatures = _family_signatures()
    expected = _datasketch_groups(signatures)
    assert len(set(expected.values())) >= 10 and len(expected) < len(signatures)  # both kinds occur
    assert group(signatures) == expected


def test_the_archive_regroups_from_sqlite_as_datasketch_does(tmp_path: Path) -> None:
    """The archive sorts each band in SQLite and holds a bucket at a time: same groups."""
    from archiver.archive.store import Archive

    signatures = _family_signatures()
    with Archive.open(tmp_path / "archive", create=True) as archive:
        with archive.write():
            archive.db.executemany("INSERT INTO minhash VALUES (?, ?)", signatures.items())
        groups = archive.update_near_duplicates()
        expected = _datasketch_groups(signatures)
        assert archive.near_duplicate_groups() == expected and groups == len(set(expected.values()))


def test_a_chain_of_near_twins_is_one_group() -> None:
    """A is near B and B near C, though A is not near C, and the three share one band
    bucket only: one group all the same (a shortcut that dropped B from the bucket
    once it joined A never compared B with C)."""
    import numpy as np

    from archiver.archive.dedup import BANDS, NUM_PERM, ROWS, SCHEME, group

    rng = np.random.default_rng(2)

    def fresh(count: int) -> np.ndarray:
        return rng.integers(0, 2**32, count, dtype=np.uint64).astype(np.uint32)

    a = fresh(NUM_PERM)
    b, c = a.copy(), a.copy()
    for band in range(1, BANDS):  # every band but the first differs for every pair
        b[band * ROWS], c[band * ROWS] = fresh(2)
    spare = [i for i in range(ROWS, NUM_PERM) if i % ROWS]
    b[spare[:20]] = c[spare[:20]] = fresh(20)  # B and C leave A here...
    c[spare[20:40]] = fresh(20)  # ...and C leaves B here
    agree = {pair: int((x == y).sum()) for pair, (x, y) in {"ab": (a, b), "bc": (b, c), "ac": (a, c)}.items()}
    assert agree["ab"] >= 0.6 * NUM_PERM and agree["bc"] >= 0.6 * NUM_PERM and agree["ac"] < 0.6 * NUM_PERM
    signatures = {1: SCHEME + a.tobytes(), 2: SCHEME + b.tobytes(), 3: SCHEME + c.tobytes()}
    assert group(signatures) == {1: 1, 2: 1, 3: 1} == _datasketch_groups(signatures)
