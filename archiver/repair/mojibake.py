"""CJK mojibake that ftfy cannot fix: text decoded with the wrong Chinese codec.

A damaged stretch is re-encoded with the codec it was wrongly read with and decoded
with the right one (UTF-8 read as GBK: 鎴戜滑 → 我们; GBK read as Latin-1: ÎÒÃÇ → 我们;
Big5 and GBK read as each other).  A candidate replaces the stretch only when the
character model finds it far more plausible: precision first, so clean Chinese,
Japanese, Korean and Latin text is never touched.  Where a byte was lost to U+FFFD,
the UTF-8 structure and the model pick it back when they agree on one reading.

ftfy's maintainer closed CJK support as infeasible, and no other library attempts
these round trips, hence this module.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from archiver.fixes import Fix
from archiver.lm import get_model
from archiver.lm.model import CharModel, is_han
from archiver.repair.lost_bytes import HOLE, fill_holes

KIND = "cjk_mojibake"
MAX_PASSES = 3  # double and triple round trips
ACCEPT_MAX_COST = 8.0  # mean nats per non-ASCII character a repair must reach
REQUIRED_GAIN = 3.0  # and the margin by which it must beat the damaged text
COMMON_CHAR_MAX_COST = 10.5  # characters at least this frequent are never suspicious
RARE_SHARE_DIVISOR = 5  # a line is worth trying when a fifth of it is rare characters


@dataclass(frozen=True)
class RoundTrip:
    read_as: str  # the codec the bytes were wrongly decoded with
    written_in: str  # the codec they really are
    label: str


# gb18030 re-encodes what GBK decoders produce, and the private-use characters
# GB18030 decoders give the user-defined area.
UTF8_AS_GBK = RoundTrip("gb18030", "utf-8", "UTF-8 read as GBK")
UTF8_AS_BIG5 = RoundTrip("big5hkscs", "utf-8", "UTF-8 read as Big5")
# Stretches of Latin-1/cp1252 characters: legacy Chinese bytes read as Western text.
LATIN_TRIPS = (
    RoundTrip("latin-1", "gb18030", "GBK read as Latin-1"),
    RoundTrip("cp1252", "gb18030", "GBK read as cp1252"),
    RoundTrip("latin-1", "big5hkscs", "Big5 read as Latin-1"),
    RoundTrip("cp1252", "big5hkscs", "Big5 read as cp1252"),
)
# Stretches of CJK characters: one Chinese codec read as the other.
# Plain Big5 first: HKSCS re-encodes a few characters plain Big5 decoders produce
# (其 read as Big5) to other bytes.
CJK_TRIPS = (
    RoundTrip("big5", "gb18030", "GBK read as Big5"),
    RoundTrip("big5hkscs", "gb18030", "GBK read as Big5-HKSCS"),
    RoundTrip("gbk", "big5", "Big5 read as GBK"),
    RoundTrip("gbk", "big5hkscs", "Big5-HKSCS read as GBK"),
)
_UTF8_RUN = re.compile(
    rb"(?:[\xc2-\xdf\xff][\x80-\xbf\xff]|[\xe0-\xef\xff][\x80-\xbf\xff]{2}|[\xf0-\xf4\xff][\x80-\xbf\xff]{3})+"
)
_HIGH = "\x80-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122"
# GBK bytes shown as Latin-1: high characters, each optionally followed by the ASCII
# trail byte of a traditional character (中華 → ÖÐÈA).
_LATIN_RUN = re.compile(rf"(?:[{_HIGH}][\x21-\x7e]?)+")
# Western text has one accented letter among plain ones (Hôtel, régime); Chinese bytes
# read as Latin-1 come as runs of high characters.  No run, no attempt.
_HIGH_PAIR = re.compile(rf"[{_HIGH}]{{2}}")
# Garbage from a wrong Chinese codec holds any character GBK or Big5 can spell:
# Han, kana, bopomofo, Greek, Cyrillic, box drawing, full-width forms.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")
_CJK_CHAR = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff5e]")
MIN_HAN_CHARS = 2
MIN_CJK_SHARE = 0.8  # of a repair's non-ASCII characters: Chinese, not Cyrillic or kana

# Patterns whose original bytes are gone for good: reported, never changed.
UNRECOVERABLE = {
    "锟": "锟斤拷: U+FFFD written as UTF-8 and read as GBK; the original is lost",
    "烫": "烫烫烫: uninitialised stack memory (0xCC) read as GBK",
    "屯": "屯屯屯: uninitialised heap memory (0xCD) read as GBK",
    "\ufffd": "a run of U+FFFD: bytes lost before archiver saw the text",
    "?": "a run of '?': characters a lossy encoder replaced",
}
_UNRECOVERABLE_RE = re.compile(r"(?:锟斤拷)+锟?|烫{3,}|屯{3,}|\ufffd{2,}|\?{3,}")


@functools.cache
def _common_run() -> re.Pattern[str]:
    """Runs of ASCII, Latin letters (pinyin), CJK punctuation and every frequent
    character: deleting them leaves the rare ones mojibake is made of.  (A regex
    character class deletes eight times faster than str.translate with a dict.)"""
    common = "".join(sorted(get_model().common_chars(COMMON_CHAR_MAX_COST)))
    return re.compile(f"[\\x00-\u024f\u3000-\u303f\uff01-\uff60“”‘’…—·{re.escape(common)}]+")


def _suspicious(text: str) -> bool:
    """Cheap: worth trying round trips here at all?"""
    if text.isascii():
        return False
    if "\ufffd" in text or _HIGH_PAIR.search(text):
        return True
    leftover = _common_run().sub("", text)
    return len(leftover) >= 2 and len(leftover) * RARE_SHARE_DIVISOR >= len(text)


def _non_ascii_cost(text: str, model: CharModel) -> float:
    """Mean cost of what the stretch says; U+FFFD is judged by the lost-byte count."""
    chars = "".join(c for c in text if not c.isascii() and c != "\ufffd")
    return model.mean_cost(chars) if chars else 0.0


def _better(original: str, candidate: str, model: CharModel) -> bool:
    if candidate == original:
        return False
    non_ascii = [c for c in candidate if not c.isascii() and c != "\ufffd"]
    if sum(1 for c in non_ascii if _CJK_CHAR.match(c)) < MIN_CJK_SHARE * len(non_ascii):
        return False
    if sum(1 for c in non_ascii if is_han(c)) < MIN_HAN_CHARS:
        return False  # two Latin-1 letters make one bracket or one character too easily
    after = _non_ascii_cost(candidate, model)
    return after <= ACCEPT_MAX_COST and after + REQUIRED_GAIN <= _non_ascii_cost(original, model)


def _encode_chars(span: str, codec: str) -> tuple[bytes, list[int]] | None:
    """Bytes of ``span`` in ``codec`` (U+FFFD as a HOLE byte) and where each char starts."""
    pieces, starts, position = [], [], 0
    for char in span:
        if char == "\ufffd":
            encoded = bytes((HOLE,))
        else:
            try:
                encoded = char.encode(codec)
            except UnicodeEncodeError:
                return None
        starts.append(position)
        pieces.append(encoded)
        position += len(encoded)
    starts.append(position)
    return b"".join(pieces), starts


def _utf8_candidates(
    span: str, trip: RoundTrip, model: CharModel, prior: Counter[str] | None, ends_line: bool = False
) -> Iterator[tuple[int, int, str, int]]:
    """(start, end, repaired, unresolved holes) for each char-aligned UTF-8 stretch."""
    encoded = _encode_chars(span, trip.read_as)
    if encoded is None:
        return
    data, starts = encoded
    boundaries = {position: index for index, position in enumerate(starts)}
    for match in _UTF8_RUN.finditer(data):
        run, first, last = match.group(), boundaries.get(match.start()), boundaries.get(match.end())
        if last is None and (tail := _truncated_tail(data[match.end() :])) is not None:
            run, last = run + tail, len(starts) - 1
        if first is None or last is None or last - first < 2:
            continue
        decoded = fill_holes(run, model, prior, ends_line and starts[last] == len(data))
        if decoded is not None:
            yield first, last, decoded[0], decoded[1]


def _truncated_tail(rest: bytes) -> bytes | None:
    """The last character's bytes when the stretch ends partway through it, its missing
    bytes as HOLEs: a decoder that silently dropped the final bytes of 度。 leaves
    鎴戜滑…搴︺, whose last GBK character holds 。's first UTF-8 byte alone."""
    if not rest or HOLE in rest:
        return None
    needed = _UTF8_LENGTHS.get(rest[0], 0)
    if not 1 <= len(rest) < needed or any(not 0x80 <= byte <= 0xBF for byte in rest[1:]):
        return None
    return rest + bytes((HOLE,)) * (needed - len(rest))


_UTF8_LENGTHS = {lead: 2 if lead <= 0xDF else 3 if lead <= 0xEF else 4 for lead in range(0xC2, 0xF5)}


def _is_utf8_mojibake(span: str) -> bool:
    """UTF-8 read as Latin-1 or cp1252 (Ã© for é): ftfy's case, not a Chinese codec's."""
    for codec in ("cp1252", "latin-1"):
        try:
            return not span.encode(codec).decode("utf-8").isascii()
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return False


def _best_whole(span: str, trips: tuple[RoundTrip, ...], model: CharModel) -> tuple[RoundTrip, str] | None:
    """The round trip of the whole span that reads best, if any reads far better."""
    candidates = []
    for trip in trips:
        try:
            repaired = span.encode(trip.read_as).decode(trip.written_in)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if _better(span, repaired, model):
            candidates.append((_non_ascii_cost(repaired, model), trip, repaired))
    if not candidates:
        return None
    _, trip, repaired = min(candidates, key=lambda candidate: candidate[0])
    return trip, repaired


def _repair_line(line: str, offset: int, model: CharModel, fixes: list[Fix], prior: Counter[str] | None) -> str:
    replacements: list[tuple[int, int, str, str]] = []  # start, end, text, detail
    for match in _NON_ASCII_RUN.finditer(line):
        span = match.group()
        ends_line = match.end() == len(line)
        for trip in (UTF8_AS_GBK, UTF8_AS_BIG5):
            for first, last, repaired, holes in _utf8_candidates(span, trip, model, prior, ends_line):
                detail = trip.label + (f"; {holes} lost byte(s) left as U+FFFD" if holes else "")
                if not _better(span[first:last], repaired, model) and _HIGH_PAIR.search(repaired):
                    # A double round trip: UTF-8 of GBK-read-as-Latin-1 text, read as GBK.
                    inner = _best_whole(repaired, LATIN_TRIPS, model)
                    if inner is not None:
                        repaired, detail = inner[1], f"{detail}, then {inner[0].label}"
                if _better(span[first:last], repaired, model):
                    replacements.append((match.start() + first, match.start() + last, repaired, detail))
            if replacements:
                break
        if not any(match.start() <= start < match.end() for start, *_ in replacements):
            best = _best_whole(span, CJK_TRIPS, model)
            if best is not None:
                replacements.append((match.start(), match.end(), best[1], best[0].label))
    for match in _LATIN_RUN.finditer(line):
        span = match.group()
        if not _HIGH_PAIR.search(span) or _is_utf8_mojibake(span):
            continue
        best = _best_whole(span, LATIN_TRIPS, model)
        if best is not None:
            replacements.append((match.start(), match.end(), best[1], best[0].label))
    if not replacements:
        return line
    pieces, last = [], 0
    for start, end, repaired, detail in sorted(replacements):
        if start < last:
            continue
        pieces.append(line[last:start])
        pieces.append(repaired)
        fixes.append(Fix(KIND, line[start:end], repaired, offset + start, detail))
        last = end
    pieces.append(line[last:])
    return "".join(pieces)


def repair_mojibake(text: str) -> tuple[str, list[Fix]]:
    """Undo wrong-codec round trips, repeating for double ones.

    When lost bytes stay unresolved, the page is repaired once more with its own
    character counts as a tie-breaker.
    """
    if not _suspicious(text):
        return text, []
    repaired, fixes = _repair_passes(text, None)
    if any("lost byte" in fix.detail for fix in fixes):
        prior = Counter(char for char in repaired if char != "\ufffd")
        prior.update(a + b for a, b in itertools.pairwise(repaired) if "\ufffd" not in (a, b))
        repaired, fixes = _repair_passes(text, prior)
    return repaired, fixes


def _repair_passes(text: str, prior: Counter[str] | None) -> tuple[str, list[Fix]]:
    model = get_model()
    all_fixes: list[Fix] = []
    for _ in range(MAX_PASSES):
        fixes: list[Fix] = []
        lines = text.split("\n")
        offset = 0
        for index, line in enumerate(lines):
            if _suspicious(line):
                lines[index] = _repair_line(line, offset, model, fixes, prior)
            offset += len(line) + 1
        if not fixes:
            break
        all_fixes.extend(fixes)
        text = "\n".join(lines)
    return text, all_fixes


def find_unrecoverable(text: str) -> list[str]:
    """One warning per stretch whose original bytes are gone, with its offset."""
    if not any(marker in text for marker in ("锟斤拷", "烫烫烫", "屯屯屯", "\ufffd\ufffd", "???")):
        return []
    return [
        f"unrecoverable at {match.start()}: {match.group()[:12]!r} ({UNRECOVERABLE[match.group()[0]]})"
        for match in _UNRECOVERABLE_RE.finditer(text)
    ]
