"""Lost bytes inside UTF-8 that a wrong codec turned into U+FFFD, filled back in.

Each U+FFFD stands for one byte (HOLE); UTF-8's structure leaves a few characters
possible there, and the character model, word frequencies in context, the page's own
character pairs and, at a line end, zhon's sentence stops choose, or the hole stays.
No library infers lost bytes; this is the mojibake step's helper.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections import Counter

from zhon.hanzi import stops as zhon_stops

from archiver.lm.model import CharModel, is_han

HOLE = 0xFF  # stands for a byte lost to U+FFFD: GBK and UTF-8 never use 0xFF
HOLE_MARGIN = 2.0  # nats by which a lost byte's best reading must win, else U+FFFD (1.0 guessed wrong 1.6x as often)
HOLE_PASSES = 3  # rounds of filling lost bytes, each with the last round's choices as context
SENTENCE_STOPS = frozenset(zhon_stops)  # what a line of prose ends with: 。！？．｡
PRIOR_MIN_COUNT = 3  # uses of a character in the page before it can break a tie
PRIOR_RATIO = 3  # and how many times more often than its rivals
HOLE_WORD_WINDOW = 4  # characters either side that word frequencies look at
SCRIPT_PENALTY = 3.0  # nats for a character of the script the stretch does not use
# Readings of a lost byte that word frequencies judge, the best by character bigrams: a
# lost trail byte leaves up to 64, and judging all of them made a seed-sized page of
# lossy mojibake take seconds.
HOLE_WORD_CANDIDATES = 16


def _utf8_length(lead: int) -> int:
    return 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 0


def _script_penalties(data: bytes, model: CharModel) -> tuple[frozenset[str], float]:
    """Characters of the other script cost extra: the model holds both scripts at the
    frequencies of simplified words, so 聲 would otherwise beat 讲 in simplified text."""
    visible = data.decode("utf-8", errors="replace")
    hans = sum(1 for char in visible if char in model.hans_only)
    hant = sum(1 for char in visible if char in model.hant_only)
    if hans == hant:
        return frozenset(), 0.0
    return (model.hant_only if hans > hant else model.hans_only), SCRIPT_PENALTY


def _sequences(data: bytes) -> list[tuple[bytes, list[str]]] | None:
    """Split UTF-8 with holes into characters: (bytes, []) where known, or
    (b"", candidate characters) where a hole sits.  None when no reading fits."""
    result: list[tuple[bytes, list[str]]] = []
    index = 0
    while index < len(data):
        lead = data[index]
        if lead == HOLE:
            follow = 0
            while follow < 3 and index + 1 + follow < len(data) and 0x80 <= data[index + 1 + follow] <= 0xBF:
                follow += 1
            length = follow + 1
        else:
            length = _utf8_length(lead)
            if not length:
                return None
        sequence = data[index : index + length]
        if len(sequence) < length:
            return None
        if HOLE in sequence:
            options = _fillings(sequence)
            if not options:
                return None
            result.append((b"", list(options)))
        else:
            result.append((sequence, []))
        index += length
    return result


@functools.lru_cache(maxsize=4096)
def _fillings(sequence: bytes) -> tuple[str, ...]:
    """The characters a UTF-8 sequence with lost bytes can have been: a page repeats
    the same few shapes hundreds of times, and each costs up to 13,000 decodes."""
    options = []
    slots = [range(0x80, 0xF5) if byte == HOLE else (byte,) for byte in sequence]
    for filled in itertools.product(*slots):
        try:
            options.append(bytes(filled).decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return tuple(options)


def fill_holes(
    data: bytes, model: CharModel, prior: Counter[str] | None = None, ends_line: bool = False
) -> tuple[str, int] | None:
    """Decode UTF-8 with lost bytes.  Each lost byte leaves a few characters UTF-8
    allows there; the character model and word frequencies in context (同志们, not
    同志他) choose, left to right.  Where the runner-up is within HOLE_MARGIN of the
    best, the character stays U+FFFD rather than a guess, unless ``prior`` (the
    document's own character counts) clearly favours one: the 。 ending every other
    paragraph of the page, or unless the lost character ends a line (``ends_line``)
    and exactly one tied reading is a sentence stop (zhon's list: 。！？．｡): prose
    lines end sentences, and no character model here has seen a line break.
    Returns the text and the count of U+FFFD left.
    """
    parsed = _sequences(data)
    if parsed is None:
        return None
    try:
        chars = [sequence.decode("utf-8") if sequence else "\ufffd" for sequence, _ in parsed]
    except UnicodeDecodeError:
        return None
    holes = [(index, options) for index, (_, options) in enumerate(parsed) if options]
    if not holes:
        return "".join(chars), 0
    from archiver.lm.words import get_word_model

    words = get_word_model()
    other_script, penalty = _script_penalties(data, model)

    scored_before: dict[tuple, list[tuple[float, str]]] = {}

    def score(index: int, options: list[str]) -> list[tuple[float, str]]:
        """Each reading's cost in its context; a hole whose neighbours the last round did
        not fill is not scored again."""
        prev = chars[index - 1] if index > 0 else None
        after = chars[index + 1] if index + 1 < len(chars) else None
        start = max(0, index - HOLE_WORD_WINDOW)
        around = "".join(chars[start : index + HOLE_WORD_WINDOW + 1])
        if (known := scored_before.get((index, around))) is not None:
            return known
        pair_costs = {
            char: model.char_cost(prev, char)
            + (model.char_cost(char, after) if after and after != "\ufffd" else 0.0)
            + (penalty if char in other_script else 0.0)
            for char in options
        }
        unique = "".join(heapq.nsmallest(HOLE_WORD_CANDIDATES, pair_costs, key=pair_costs.__getitem__))
        # option_costs reads only HOLE_WORD_WINDOW characters either side: pass just those,
        # not the whole run joined again for every hole.
        word_costs = words.option_costs(around, index - start, unique, HOLE_WORD_WINDOW, to_simplified=True)
        scored = scored_before[(index, around)] = sorted((word_costs[char] + pair_costs[char], char) for char in unique)
        return scored

    # Clear choices first, then again with them as context: two lost bytes side by
    # side (中華 read as GBK loses a byte of each) each need the other to be known.
    for _ in range(HOLE_PASSES):
        waiting = []
        for index, options in holes:
            scored = score(index, options)
            if len(scored) == 1 or scored[1][0] - scored[0][0] >= HOLE_MARGIN:
                chars[index] = scored[0][1]
            else:
                waiting.append((index, options))
        if len(waiting) == len(holes):
            break
        holes = waiting
    unresolved = 0
    for index, options in holes:
        scored = score(index, options)
        tied = [c for cost, c in scored if cost - scored[0][0] < HOLE_MARGIN]
        prev = chars[index - 1] if index > 0 else None
        after = chars[index + 1] if index + 1 < len(chars) else ("\n" if ends_line else None)
        if ends_line and index == len(chars) - 1 and len(stops := [c for c in tied if c in SENTENCE_STOPS]) == 1:
            chars[index] = stops[0]
        elif prior and (favourite := _favourite(prior, tied, prev, after)):
            chars[index] = favourite
        else:
            unresolved += 1
    return "".join(chars), unresolved


def _favourite(prior: Counter[str], tied: list[str], prev: str | None, after: str | None) -> str | None:
    """The tied reading the document itself uses far more often than the others in the
    same company: its character pairs with the neighbours (。 before a line break)."""

    def pair_uses(char: str) -> int:
        # A missing neighbour counts nothing: prior[char] alone would be the unigram,
        # and ， outnumbers every stop in a page.
        return (prior[prev + char] if prev else 0) + (prior[char + after] if after else 0)

    counts = sorted(((pair_uses(char), char) for char in tied), reverse=True)
    if counts[0][0] < PRIOR_MIN_COUNT and all(is_han(char) for char in tied):
        # Single characters settle between Han readings (the page's own 華 over 菜), but
        # not punctuation: 、 may outnumber 。 in a page, never before a line break.
        counts = sorted(((prior[char], char) for char in tied), reverse=True)
    if counts[0][0] >= PRIOR_MIN_COUNT and counts[0][0] >= PRIOR_RATIO * (counts[1][0] if len(counts) > 1 else 0):
        return counts[0][1]
    return None
