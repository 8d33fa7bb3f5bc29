"""Repair the byte-misaligned garbage a byte-level pinyin insert leaves, e.g. ``?qū)C``.

How it arises: a farm inserted ``(pinyin)`` after the GBK bytes of chosen characters
with a plain byte replace.  Where the two bytes it matched were the second byte of one
character and the first of the next, the insert split a character; the farm's lossy
GBK decoder then turned the orphaned lead byte and ``(`` into ``?``, decoded the
following bytes one byte out of step, and dropped pairs in the user-defined area.

How we undo it: re-encode the damaged line to GBK and rebuild the original byte stream
with a beam search.  Each ``?`` + ``pinyin)`` hides one byte, constrained because the
hidden byte and the byte before it must spell a character with that reading; a ``?``
inside a shifted run hides a trail byte and one ASCII byte; a dropped pair is
hypothesised only while the stream is out of step.  Every surviving hypothesis must
decode as strict GBK and keep every annotation on a character that reads so; the
character model picks among them.  No library undoes a byte-level corruption of this
kind, hence this module.
"""

from __future__ import annotations

import functools
import heapq
import re

from archiver.fixes import Fix, diff_fixes
from archiver.lm import get_model
from archiver.lm.model import CharModel, is_han
from archiver.lm.words import get_word_model
from archiver.repair.readings import PINYIN_SYLLABLE, has_reading

KIND = "misaligned"
CODEC = "gbk"
BEAM_WIDTH = 12
VANISH_PENALTY = 2.3  # -log(0.1): about one shifted pair in ten falls in a user-defined area
LOST_ASCII_COST = 6.0  # a U+FFFD standing for an ASCII byte the decoder swallowed
# A dropped pair multiplies the beam by TOP_VANISH_CHOICES squared for each of
# VANISH_STATES hypotheses: on the seed's sentences, 10/24 (and a beam of 24) cost 5x
# the time of 4/8 (and 12) and repaired not one spot more.
TOP_VANISH_CHOICES = 4
VANISH_STATES = 8  # only the best shifted hypotheses may branch on a dropped pair
MAX_BLIND_STATES = 512  # guessed lead bytes kept for the next item to judge
TOP_HIDDEN_TRAILS = 6  # trail bytes tried for a character an invalid pair swallowed
# Mean cost per character above which a window read without dropped pairs is
# doubted (clean Chinese averages 5-7 nats; shifted garbage 12 and more).
PLAIN_READING_MAX_COST = 8.5
RARE_CHAR_COST = 11.0  # rarer than ~1 in 60,000 characters
RERANK_TOP = 8  # best character-model hypotheses the word model re-ranks
SETTLE_ITEMS = 8  # aligned characters around a spot that anchor its window
REGION_LEAD = 24  # characters before the first spot where tokenising starts

_ANNOTATION_RE = re.compile(rf"\(({PINYIN_SYLLABLE})\)")
SPOT_RE = re.compile(rf"\?(?P<syllable>{PINYIN_SYLLABLE})\)")
_ITEM_RE = re.compile(rf"\?(?P<spot>{PINYIN_SYLLABLE})\)|\((?P<note>{PINYIN_SYLLABLE})\)|(?P<char>.)", re.S)


def _is_user_defined(first: int, second: int) -> bool:
    """GBK's user-defined areas, which the farm decoder silently dropped."""
    return (
        (0xAA <= first <= 0xAF and 0xA1 <= second <= 0xFE)
        or (0xF8 <= first <= 0xFE and 0xA1 <= second <= 0xFE)
        or (0xA1 <= first <= 0xA7 and 0x40 <= second <= 0xA0)
    )


_PAIRS: dict[int, str] = {}  # filled on first use; a cached call per lookup cost more


def _pair_table() -> dict[int, str]:
    if not _PAIRS:
        for first in range(0x81, 0xFF):
            for second in range(0x40, 0xFF):
                if second == 0x7F:
                    continue
                try:
                    _PAIRS[(first << 8) | second] = bytes((first, second)).decode(CODEC)
                except UnicodeDecodeError:
                    continue
    return _PAIRS


def _decode_pair(first: int, second: int) -> str | None:
    return (_PAIRS or _pair_table()).get((first << 8) | second)


@functools.lru_cache(maxsize=4096)
def _hidden_bytes(previous: int, syllable: str) -> tuple[int, ...]:
    """Bytes z such that (previous, z) is a GBK character read as ``syllable``."""
    return tuple(
        z for z in range(0x40, 0xFF) if (char := _decode_pair(previous, z)) is not None and has_reading(char, syllable)
    )


@functools.lru_cache(maxsize=512)
def _trail_chars(lead: int) -> tuple[tuple[int, str], ...]:
    return tuple((z, c) for z in range(0x40, 0xFF) if (c := _decode_pair(lead, z)) is not None)


class _State:
    """One hypothesis about the original byte stream (a plain slotted class: the beam
    creates hundreds of thousands of these, and dataclasses.replace is too slow)."""

    __slots__ = ("blind", "choices", "cost", "last_byte", "lost", "out", "pending", "prev_char")

    def __init__(
        self,
        cost: float,
        out: tuple,
        last_byte: int | None,
        pending: int | None,
        prev_char: str | None,
        lost: int = 0,
        choices: tuple = (),
        blind: bool = False,
    ) -> None:
        self.cost = cost
        self.out = out  # linked list (previous, text) to avoid copying
        self.last_byte = last_byte
        self.pending = pending  # a lead byte waiting for its trail
        self.prev_char = prev_char
        self.lost = lost  # ASCII bytes we know were swallowed
        self.choices = choices  # hidden bytes chosen so far: distinct choices stay distinct
        self.blind = blind  # a lead byte guessed with no evidence yet: the next item judges it

    def key(self) -> tuple:
        return (self.pending, self.last_byte, self.prev_char, self.choices)

    def chose(self, *hidden: int) -> _State:
        return _State(
            self.cost, self.out, self.last_byte, self.pending, self.prev_char, self.lost, (self.choices, hidden)
        )


def _char_cost(model: CharModel, prev: str | None, char: str) -> float:
    cost = model.memo.get((prev, char))
    return model.char_cost(prev, char) if cost is None else cost


def _emit(state: _State, model: CharModel, char: str, byte: int, extra: float = 0.0) -> _State:
    cost = model.memo.get((state.prev_char, char))
    if cost is None:
        cost = model.char_cost(state.prev_char, char)
    cost = state.cost + extra + cost
    return _State(cost, (state.out, char), byte, None, char, state.lost, state.choices)


def _feed(state: _State, model: CharModel, byte: int) -> _State | None:
    if state.pending is None:
        if byte < 0x80:
            return _emit(state, model, chr(byte), byte)
        return _State(state.cost, state.out, byte, byte, state.prev_char, state.lost, state.choices)
    char = _decode_pair(state.pending, byte)
    return None if char is None else _emit(state, model, char, byte)


def _feed_char(state: _State, model: CharModel, encoded: bytes) -> _State | None:
    """``_feed`` of each byte of one GBK character, fused for the two-byte case that is
    nearly every step: one state made instead of two, same costs, same outcome."""
    if len(encoded) != 2:
        fed: _State | None = state
        for byte in encoded:
            fed = _feed(fed, model, byte) if fed is not None else None
        return fed
    first, second = encoded
    pending = state.pending
    if pending is None:
        if first < 0x80:
            return _feed(_emit(state, model, chr(first), first), model, second)
        char = _decode_pair(first, second)
        if char is None:
            return None
        return _State(
            state.cost + _char_cost(model, state.prev_char, char),
            (state.out, char),
            second,
            None,
            char,
            state.lost,
            state.choices,
        )
    char = _decode_pair(pending, first)
    if char is None:
        return None
    cost = state.cost + _char_cost(model, state.prev_char, char)
    if second < 0x80:
        return _emit(
            _State(cost, (state.out, char), first, None, char, state.lost, state.choices), model, chr(second), second
        )
    return _State(cost, (state.out, char), second, second, char, state.lost, state.choices)


# (v1 range, v2 range) of GBK's user-defined areas, as lead/trail byte ranges.
_USER_DEFINED_GROUPS = (
    (tuple(range(0xA1, 0xA8)), tuple(range(0x81, 0xA1))),
    (tuple(range(0xAA, 0xB0)) + tuple(range(0xF8, 0xFF)), tuple(range(0xA1, 0xFF))),
)


@functools.lru_cache(maxsize=4096)
def _vanish_options(
    pending: int, next_byte: int
) -> tuple[tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]], ...]:
    """Per user-defined group: (v1, char) completing ``pending``; (v2, char) with ``next_byte``."""
    groups = []
    for v1_range, v2_range in _USER_DEFINED_GROUPS:
        firsts = tuple((v1, c) for v1 in v1_range if (c := _decode_pair(pending, v1)) is not None)
        seconds = tuple((v2, c) for v2 in v2_range if (c := _decode_pair(v2, next_byte)) is not None)
        if firsts and seconds:
            groups.append((firsts, seconds))
    return tuple(groups)


@functools.lru_cache(maxsize=16384)
def _likely_vanished(
    pending: int, next_byte: int, prev_char: str | None
) -> tuple[tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]], ...]:
    """The TOP_VANISH_CHOICES likeliest (v1, char) and (v2, char) of each group: the same
    few contexts recur along a shifted run, and ranking a hundred options is the cost."""
    model = get_model()
    return tuple(
        (
            tuple(heapq.nsmallest(TOP_VANISH_CHOICES, firsts, key=lambda pick: model.char_cost(prev_char, pick[1]))),
            tuple(heapq.nsmallest(TOP_VANISH_CHOICES, seconds, key=lambda pick: model.char_cost(None, pick[1]))),
        )
        for firsts, seconds in _vanish_options(pending, next_byte)
    )


def _vanish_branches(state: _State, model: CharModel, next_byte: int) -> list[_State]:
    """Hypothesise a user-defined pair (v1, v2) dropped before ``next_byte``."""
    assert state.pending is not None
    branches = []
    for best_firsts, best_seconds in _likely_vanished(state.pending, next_byte, state.prev_char):
        for v1, first_char in best_firsts:
            emitted = _emit(state, model, first_char, v1, VANISH_PENALTY)
            for v2, _ in best_seconds:
                branches.append(
                    _State(emitted.cost, emitted.out, v2, v2, first_char, emitted.lost, (emitted.choices, (v1, v2)))
                )
    return branches


def _prune(states: list[_State]) -> list[_State]:
    best: dict[tuple, _State] = {}
    for state in states:
        key = (state.pending, state.last_byte, state.prev_char, state.choices)
        known = best.get(key)
        if known is None or state.cost < known.cost:
            best[key] = state
    # Blind guesses all cost the same until the next item tells them apart, so
    # the beam must not cut among them.
    blind = [state for state in best.values() if state.blind]
    seen = [state for state in best.values() if not state.blind]
    return heapq.nsmallest(BEAM_WIDTH, seen, key=lambda s: s.cost) + blind[:MAX_BLIND_STATES]


@functools.cache
def _invalid_followers(lead: int) -> tuple[int, ...]:
    """Lead bytes y such that (lead, y) is neither a GBK character nor user-defined."""
    return tuple(y for y in range(0x81, 0xFF) if _decode_pair(lead, y) is None and not _is_user_defined(lead, y))


def _invalid_pair_branches(
    state: _State, model: CharModel, at_end: bool, next_bytes: bytes | None = None
) -> list[_State]:
    """A ``?`` met while out of step: the farm's decoder read (T, y) and found no character.

    T completes the pending lead byte; y is an ASCII byte (lost: we keep U+FFFD) or,
    rarely, the lead byte of the next character.  Only T >= 0x81 can start a pair.
    At the very end of the text the decoder met T alone, and nothing was lost.
    ``next_bytes``, the GBK bytes of the next item when it is a character, lets the
    (T, y) guesses be ranked now instead of all carried to the next step.
    """
    assert state.pending is not None
    trails = [(t, c) for t, c in _trail_chars(state.pending) if t >= 0x81]
    branches = []
    likely = heapq.nsmallest(TOP_HIDDEN_TRAILS, trails, key=lambda option: model.char_cost(state.prev_char, option[1]))
    for trail, trail_char in likely:
        emitted = _emit(state.chose(trail), model, trail_char, trail)
        if at_end:
            branches.append(emitted)
            continue
        lost = (emitted.out, "\ufffd")
        branches.append(_State(emitted.cost + LOST_ASCII_COST, lost, None, None, None, state.lost + 1, emitted.choices))
    # The few trail bytes that can start an invalid pair with a non-ASCII byte.
    for trail, trail_char in trails:
        followers = _invalid_followers(trail)
        if not followers:
            continue
        if next_bytes is not None and len(next_bytes) == 2:
            followers = _best_followers(trail, trail_char, next_bytes[0])
        emitted = _emit(state.chose(trail), model, trail_char, trail)
        for lead in followers:
            choices = (emitted.choices, (lead,))
            branches.append(_State(emitted.cost, emitted.out, lead, lead, trail_char, emitted.lost, choices, True))
    return branches


def _keep_best_blind(states: list[_State], model: CharModel, next_first: int) -> list[_State]:
    """Of the guessed lead bytes, keep the BEAM_WIDTH that the next character reads best
    after: the next step ranks them by exactly that cost and keeps no more."""
    blind = []
    for order, state in enumerate(states):
        if state.blind and state.pending is not None:
            char = _decode_pair(state.pending, next_first)
            if char is not None:
                blind.append((state.cost + _char_cost(model, state.prev_char, char), order))
    keep = {order for _, order in heapq.nsmallest(BEAM_WIDTH, blind)}
    return [state for order, state in enumerate(states) if not state.blind or order in keep]


@functools.lru_cache(maxsize=16384)
def _best_followers(trail: int, trail_char: str, next_first: int) -> tuple[int, ...]:
    """The lead bytes y after which the next character's first byte reads best.

    The next step judges a guessed y only by the character (y, next_first) spells
    after ``trail_char``, and keeps BEAM_WIDTH hypotheses in all: so the BEAM_WIDTH
    best y of each trail are every y that can survive it.  Carrying all ~180 made
    ``??`` stretches of shifted text the slowest thing archiver did.
    """
    model = get_model()
    ranked = []
    for lead in _invalid_followers(trail):
        char = _decode_pair(lead, next_first)
        if char is not None:
            ranked.append((model.char_cost(trail_char, char), lead))
    ranked.sort()
    return tuple(lead for _, lead in ranked[:BEAM_WIDTH])


def _step(
    states: list[_State],
    model: CharModel,
    match: re.Match[str],
    allow_vanish: bool,
    at_end: bool,
    following: re.Match[str] | None = None,
) -> list[_State]:
    out: list[_State] = []
    if match["spot"] is not None:
        for state in states:
            if state.last_byte is None:
                continue
            for z in _hidden_bytes(state.last_byte, match["spot"]):
                fed = _feed(state.chose(z), model, z)
                if fed is not None:
                    out.append(fed)
        return out
    if match["note"] is not None:
        note = f"({match['note']})"
        for state in states:
            if state.pending is None and state.prev_char and has_reading(state.prev_char, match["note"]):
                out.append(
                    _State(
                        state.cost, (state.out, note), state.last_byte, None, state.prev_char, state.lost, state.choices
                    )
                )
        return out
    char = match["char"]
    if char == "?":
        next_bytes = None
        if following is not None and following["char"] not in (None, "?"):
            try:
                next_bytes = following["char"].encode(CODEC)
            except UnicodeEncodeError:
                next_bytes = None
        for state in states:
            if state.pending is None:
                out.append(_emit(state, model, "?", 0x3F))
                continue
            out.extend(_invalid_pair_branches(state, model, at_end, next_bytes))
        if next_bytes is not None and len(next_bytes) == 2:
            out = _keep_best_blind(out, model, next_bytes[0])
        return out
    try:
        encoded = char.encode(CODEC)
    except UnicodeEncodeError:
        return []
    shifted = sorted((s for s in states if s.pending is not None), key=lambda s: s.cost)[:VANISH_STATES]
    if not allow_vanish:
        shifted = []
    for state in states:
        candidates = [state]
        if state in shifted:
            candidates += _vanish_branches(state, model, encoded[0])
        for candidate in candidates:
            fed = _feed_char(candidate, model, encoded)
            if fed is not None:
                out.append(fed)
    return out


def _flatten(out: tuple) -> str:
    parts = []
    while out:
        out, text = out
        parts.append(text)
    return "".join(reversed(parts))


def _initial_state(items: list[re.Match[str]], start: int) -> _State:
    """The state just before item ``start``, which lies in an aligned stretch."""
    for item in reversed(items[max(0, start - 3) : start]):
        if item["char"] is not None:
            try:
                encoded = item["char"].encode(CODEC)
            except UnicodeEncodeError:
                break
            return _State(0.0, (), encoded[-1], None, item["char"])
    return _State(0.0, (), None, None, None)


def _beam(
    items: list[re.Match[str]], start: int, model: CharModel, allow_vanish: bool, text_end: int
) -> tuple[list[_State], int] | None:
    """Beam-decode from ``start`` until the stream has been back in step for a while."""
    states = [_initial_state(items, start)]
    aligned_streak = 0
    index = start
    while index < len(items):
        upcoming_spot = any(item["spot"] is not None for item in items[index : index + SETTLE_ITEMS])
        if aligned_streak >= SETTLE_ITEMS and not upcoming_spot:
            break
        item = items[index]
        following = items[index + 1] if index + 1 < len(items) else None
        stepped = _step(states, model, item, allow_vanish, item.end() == text_end, following)
        if following is not None and following["note"] is not None:
            # Look ahead: an annotation must follow a complete character with its reading,
            # so hypotheses that cannot carry it are dropped before the beam is cut.
            note = following["note"]
            stepped = [s for s in stepped if s.pending is None and s.prev_char and has_reading(s.prev_char, note)]
        states = _prune(stepped)
        if not states:
            return None
        aligned = all(state.pending is None for state in states)
        aligned_streak = aligned_streak + 1 if aligned else 0
        index += 1
    finished = sorted((s for s in states if s.pending is None), key=lambda s: s.cost)
    return (finished, index) if finished else None


def _repair_window(
    items: list[re.Match[str]], start: int, model: CharModel, text_end: int
) -> tuple[str, int, int] | None:
    """Returns (repaired text, lost bytes, index of the first item not consumed).

    Dropped pairs are hypothesised only when the window does not read as Chinese
    without them: most spots need none, and the branching is what costs time.
    """
    result = _beam(items, start, model, False, text_end)
    if result is None or _doubtful(result[0][0], model):
        with_vanish = _beam(items, start, model, True, text_end)
        if with_vanish is not None and (result is None or with_vanish[0][0].cost < result[0][0].cost):
            result = with_vanish
    if result is None:
        return None
    finished, index = result
    text, lost = _rerank_by_words([(_flatten(s.out), s.lost, s.cost) for s in finished[:RERANK_TOP]])
    return text, lost, index


def _doubtful(state: _State, model: CharModel) -> bool:
    """Whether a reading without dropped pairs may be wrong: garbage on average, or
    one character so rare that a dropped pair explains it better (周嚕 for 周圍。)."""
    text = _ANNOTATION_RE.sub("", _flatten(state.out))
    if state.cost / max(1, len(text)) > PLAIN_READING_MAX_COST:
        return True
    return any(model.char_cost(None, char) >= RARE_CHAR_COST for char in text)


def _repair_line(line: str, model: CharModel, offset: int, last: bool) -> tuple[str, list[Fix]]:
    """Repair each spot's window; a window no hypothesis survives stays as it was.

    Only a region around the spots is tokenised: farm lines run to thousands of
    characters and the beam needs a few dozen.
    """
    text_end = len(line) if last else -1  # where the farm's decoder ran out of bytes
    first_spot = SPOT_RE.search(line)
    assert first_spot is not None
    region_start = max(0, first_spot.start() - REGION_LEAD)
    # Step back to a point that is surely not inside an annotation.
    while region_start > 0 and not _is_boundary(line, region_start):
        region_start -= 1
    items = list(_ITEM_RE.finditer(line, region_start))
    pieces: list[str] = [line[:region_start]]
    fixes: list[Fix] = []
    done = 0  # items before this index are already in ``pieces``
    for index, item in enumerate(items):
        if index < done or item["spot"] is None:
            continue
        start = max(done, index - SETTLE_ITEMS)
        result = _repair_window(items, start, model, text_end)
        if result is None:
            continue
        window_text, lost, end = result
        window_start = items[start].start()
        window_end = items[end].start() if end < len(items) else len(line)
        pieces.append(line[items[done].start() if done < len(items) else len(line) : window_start])
        pieces.append(window_text)
        detail = "rebuilt GBK bytes" + (f"; {lost} swallowed ASCII byte(s) left as U+FFFD" if lost else "")
        fixes.extend(diff_fixes(KIND, line[window_start:window_end], window_text, offset + window_start, detail))
        done = end
    if done < len(items):
        pieces.append(line[items[done].start() :])
    return "".join(pieces), fixes


def _is_boundary(line: str, position: int) -> bool:
    """True where a Han character starts outside any parenthesis."""
    return is_han(line[position]) and line.rfind("(", 0, position) <= line.rfind(")", 0, position)


def _rerank_by_words(candidates: list[tuple[str, int, float]]) -> tuple[str, int]:
    """Words settle what character bigrams rank closely (对机关 vs 专机关)."""
    texts = [_ANNOTATION_RE.sub("", text) for text, _, _ in candidates]
    best = get_word_model().rerank(texts, [cost for _, _, cost in candidates])
    return candidates[best][:2]


def repair_misaligned(text: str) -> tuple[str, list[Fix]]:
    """Rebuild the windows around ``?pinyin)`` spots; everything else passes untouched."""
    if "?" not in text or not SPOT_RE.search(text):
        return text, []
    model = get_model()
    fixes: list[Fix] = []
    lines = text.split("\n")
    offset = 0
    for index, line in enumerate(lines):
        if "?" in line and SPOT_RE.search(line):
            lines[index], line_fixes = _repair_line(line, model, offset, index == len(lines) - 1)
            fixes.extend(line_fixes)
        offset += len(line) + 1
    return "\n".join(lines), fixes
