"""Bytes to text, keeping the evidence for the choice of encoding.

Order: byte-order mark, then strict UTF-8, then chardet's guess checked against the
Chinese supersets by the character model (chardet is unreliable on short Chinese
text: it calls 我们 in GBK CP874).  A file no single encoding decodes is decoded
line by line, each line in the encoding that reads best.
"""

from __future__ import annotations

import codecs
from collections import Counter
from dataclasses import dataclass, field

from archiver.errors import InputError
from archiver.lm import get_model

# Decode with the superset: pages labelled GB2312 or Big5 routinely hold GBK or
# HKSCS characters, and a superset decodes the subset identically.
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "utf-8",
}
CJK_CANDIDATES = ("gb18030", "big5hkscs")
# What non-Chinese legacy text most often is, tried after the Chinese codecs.
FALLBACK_CANDIDATES = ("shift_jis", "euc-kr", "cp1252")
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive",
    b"\x1f\x8b": "gzip-compressed data",
    b"\x28\xb5\x2f\xfd": "zstd-compressed data",
    b"\x7fELF": "an executable",
    b"SQLite format 3": "an SQLite database",
}
SNIFF_BYTES = 65536
# C0 control bytes other than tab, line breaks, form feed, and the shift and escape
# bytes ISO-2022 encodings switch character sets with: no text encoding archiver reads
# uses them for letters, so text holds almost none, while compressed or random data
# has one byte in ten.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x10, 0x1B)) + bytes(range(0x1C, 0x20))
CONTROL_SHARE_MAX = 0.05
CONTROL_COUNT_MIN = 8  # a few stray bells in a short page are not binary
# Mean model cost above which a whole-file decoding reads as garbage, so a
# line-by-line decoding is tried too (clean Chinese averages 5-7 nats a character).
MOJIBAKE_MEAN_COST = 9.0


@dataclass
class Decoded:
    text: str
    encoding: str
    confidence: float
    evidence: str
    line_encodings: dict[str, int] = field(default_factory=dict)


def normalize_encoding(name: str) -> str:
    canonical = codecs.lookup(name).name
    return SUPERSETS.get(canonical, SUPERSETS.get(name.lower(), canonical))


def reject_binary(data: bytes) -> None:
    """Raise InputError for input that is not text at all."""
    if not data:
        raise InputError("empty input")
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise InputError(f"binary input ({what}), not text")
    head = data[:SNIFF_BYTES]
    if any(head.startswith(bom) for bom, _ in BOMS):
        return  # UTF-16 and UTF-32 are full of NUL and control bytes
    if b"\x00" in head:
        raise InputError("binary input (contains NUL bytes), not text")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls >= CONTROL_COUNT_MIN and controls > CONTROL_SHARE_MAX * len(head):
        raise InputError(f"binary input ({controls} control bytes in {len(head)}), not text")


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _chardet_guess(data: bytes) -> tuple[str | None, float]:
    import chardet

    result = chardet.detect(data[:SNIFF_BYTES])
    encoding = result.get("encoding")
    return (normalize_encoding(encoding) if encoding else None), float(result.get("confidence") or 0.0)


def _best_reading(data: bytes, encodings: list[str]) -> tuple[str, str, float] | None:
    """The strict decoding with the lowest mean model cost, and its margin."""
    model = get_model()
    scored = []
    for encoding in dict.fromkeys(encodings):
        text = _try_decode(data, encoding)
        if text is not None:
            scored.append((model.mean_cost(text[:4000]), encoding, text))
    if not scored:
        return None
    scored.sort(key=lambda item: item[0])
    best_cost, encoding, text = scored[0]
    margin = scored[1][0] - best_cost if len(scored) > 1 else 10.0
    return text, encoding, margin


def decode_bytes(data: bytes) -> Decoded:
    reject_binary(data)
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = _try_decode(data, encoding)
            if text is not None:
                return Decoded(text, encoding.replace("-sig", ""), 1.0, "byte-order mark")
    text = _try_decode(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", 1.0, "valid UTF-8")
    guess, guess_confidence = _chardet_guess(data)
    candidates = ([guess] if guess else []) + list(CJK_CANDIDATES) + list(FALLBACK_CANDIDATES)
    best = _best_reading(data, candidates)
    best_cost = get_model().mean_cost(best[0][:4000]) if best is not None else 0.0
    if best is not None and best_cost > MOJIBAKE_MEAN_COST:
        by_line = _decode_lines(data)
        if get_model().mean_cost(by_line.text[:4000]) < best_cost:
            return by_line
    if best is not None:
        text, encoding, margin = best
        agrees = encoding == guess
        confidence = max(guess_confidence, 0.99) if agrees else min(0.99, 0.5 + margin / 10)
        evidence = (
            "chardet, confirmed by the character model"
            if agrees
            else (f"character model (chardet said {guess or 'nothing'})")
        )
        return Decoded(text, encoding, round(confidence, 3), evidence)
    return _decode_lines(data)


def _decode_lines(data: bytes) -> Decoded:
    """Decode a file that mixes encodings, one line at a time."""
    pieces: list[str] = []
    used: Counter[str] = Counter()
    for line in data.splitlines(keepends=True):
        text = _try_decode(line, "utf-8")
        encoding = "utf-8"
        if text is None:
            best = _best_reading(line, list(CJK_CANDIDATES) + list(FALLBACK_CANDIDATES))
            if best is None:
                text, encoding = line.decode("gb18030", errors="replace"), "gb18030 (lossy)"
            else:
                text, encoding, _ = best
        pieces.append(text)
        used[encoding] += 1
    main_encoding = used.most_common(1)[0][0]
    share = used[main_encoding] / sum(used.values())
    return Decoded("".join(pieces), main_encoding, round(share, 3), "decoded line by line", dict(used))
