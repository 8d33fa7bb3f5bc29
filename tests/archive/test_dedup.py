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


def test_groups_are_those_datasketchs_lsh_finds() -> None:
    """Texts sharing from all to none of their sentences, so that many pairs fall
    near the threshold: the numpy LSH must join exactly the pairs datasketch's does."""
    import random

    from farm import corpus_sentences

    from archiver.archive.dedup import group, signature

    rng = random.Random(5)
    sentences = corpus_sentences()
    signatures: dict[int, bytes] = {}
    for family in range(20):
        base = rng.sample(sentences, 12)
        for variant in range(6):  # a copy that lost and gained more sentences each time
            text = "".join([s for s in base if rng.random() > variant * 0.08] + rng.sample(sentences, variant))
            if (found := signature(text)) is not None:
                signatures[family * 6 + variant + 1] = found
    expected = _datasketch_groups(signatures)
    assert len(set(expected.values())) >= 10 and len(expected) < len(signatures)  # both kinds occur
    assert group(signatures) == expected
