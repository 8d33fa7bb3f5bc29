"""The beam search's moves over a rebuilt GBK byte stream (see ``misaligned``).

A ``State`` is one hypothesis about the original bytes; ``step`` advances every
hypothesis over one item of the damaged line (a character, a ``(pinyin)``
annotation, a ``?pinyin)`` spot or a bare ``?``) and ``prune`` keeps the best.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import heapq
import re
from collections.abc import Iterable

from archiver.lm import get_model
from archiver.lm.model import CharModel
from archiver.repair.gbk_bytes import (
    CODEC,
    decode_pair,
    hidden_bytes,
    invalid_followers,
    trail_chars,
    vanish_options,
)
from archiver.repair.readings import has_reading

BEAM_WIDTH = 8
VANISH_PENALTY = 2.3  # -log(0.1): about one shifted pair in ten falls in a user-defined area
LOST_ASCII_COST = 6.0  # a U+FFFD standing for an ASCII byte the decoder swallowed
# A dropped pair multiplies the beam by TOP_VANISH_CHOICES squared for each of
# VANISH_STATES hypotheses.  Measured on 600 paragraphs of the seed's sentences
# damaged the farm's way (153 keep an error at these values): 4/8 with a beam of 12
# gives the same output at 1.5 times the CPU; 10/24 with 24 repairs 5 more at 17
# times; 2/4 with 6 breaks 2.  Throughput is what users of bulk runs asked for.
TOP_VANISH_CHOICES = 3
VANISH_STATES = 6  # only the best shifted hypotheses may branch on a dropped pair
MAX_BLIND_STATES = 512  # guessed lead bytes kept for the next item to judge
TOP_HIDDEN_TRAILS = 6  # trail bytes tried for a character an invalid pair swallowed


class Item:
    """One piece of a damaged line (a character, a ``(pinyin)`` annotation or a
    ``?pinyin)`` spot), parsed and encoded once: the beam reads each one many times."""

    __slots__ = ("char", "encoded", "end", "note", "plain", "spot", "start")

    def __init__(self, match: re.Match[str]) -> None:
        self.spot: str | None = match["spot"]
        self.note: str | None = match["note"]
        self.char: str | None = match["char"]
        self.start, self.end = match.span()
        self.encoded: bytes | None = None
        if self.char is not None:
            with contextlib.suppress(UnicodeEncodeError):  # then no hypothesis survives it
                self.encoded = self.char.encode(CODEC)
        # A character every hypothesis feeds the same way (no branching on it).
        self.plain = self.encoded is not None and self.char != "?"


class Items:
    """A damaged line's items, each parsed on first use: farm lines run to thousands
    of characters, and the beam reads a few dozen around each spot."""

    def __init__(self, matches: Iterable[re.Match[str]]) -> None:
        self._matches = list(matches)
        self._parsed: list[Item | None] = [None] * len(self._matches)
        self.spots = [index for index, match in enumerate(self._matches) if match.lastgroup == "spot"]

    def __len__(self) -> int:
        return len(self._matches)

    def __getitem__(self, index: int) -> Item:
        item = self._parsed[index]
        if item is None:
            item = self._parsed[index] = Item(self._matches[index])
        return item

    def spot_within(self, index: int, count: int) -> bool:
        """Whether a spot lies among the ``count`` items from ``index`` on."""
        at = bisect.bisect_left(self.spots, index)
        return at < len(self.spots) and self.spots[at] < index + count


class State:
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

    def chose(self, *hidden: int) -> State:
        return State(
            self.cost, self.out, self.last_byte, self.pending, self.prev_char, self.lost, (self.choices, hidden)
        )


def _char_cost(model: CharModel, prev: str | None, char: str) -> float:
    """``model.char_cost`` with its memo probed inline: a fifth of the search's time
    went to the method call alone."""
    cost = model.memo.get((prev, char))
    return model.char_cost(prev, char) if cost is None else cost


def _emit(state: State, model: CharModel, char: str, byte: int, extra: float = 0.0) -> State:
    cost = state.cost + extra + _char_cost(model, state.prev_char, char)
    return State(cost, (state.out, char), byte, None, char, state.lost, state.choices)


def _feed(state: State, model: CharModel, byte: int) -> State | None:
    if state.pending is None:
        if byte < 0x80:
            return _emit(state, model, chr(byte), byte)
        return State(state.cost, state.out, byte, byte, state.prev_char, state.lost, state.choices)
    char = decode_pair(state.pending, byte)
    return None if char is None else _emit(state, model, char, byte)


def feed_char(state: State, model: CharModel, encoded: bytes) -> State | None:
    """``_feed`` of each byte of one GBK character, fused for the two-byte case that is
    nearly every step: one state made instead of two, same costs, same outcome."""
    if len(encoded) != 2:
        fed: State | None = state
        for byte in encoded:
            fed = _feed(fed, model, byte) if fed is not None else None
        return fed
    first, second = encoded
    pending = state.pending
    if pending is None:
        if first < 0x80:
            return _feed(_emit(state, model, chr(first), first), model, second)
        char = decode_pair(first, second)
        if char is None:
            return None
        return State(
            state.cost + _char_cost(model, state.prev_char, char),
            (state.out, char),
            second,
            None,
            char,
            state.lost,
            state.choices,
        )
    char = decode_pair(pending, first)
    if char is None:
        return None
    cost = state.cost + _char_cost(model, state.prev_char, char)
    if second < 0x80:
        return _emit(
            State(cost, (state.out, char), first, None, char, state.lost, state.choices), model, chr(second), second
        )
    return State(cost, (state.out, char), second, second, char, state.lost, state.choices)


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
        for firsts, seconds in vanish_options(pending, next_byte)
    )


def _vanish_branches(state: State, model: CharModel, next_byte: int) -> list[State]:
    """Hypothesise a user-defined pair (v1, v2) dropped before ``next_byte``."""
    assert state.pending is not None
    branches = []
    for best_firsts, best_seconds in _likely_vanished(state.pending, next_byte, state.prev_char):
        for v1, first_char in best_firsts:
            emitted = _emit(state, model, first_char, v1, VANISH_PENALTY)
            for v2, _ in best_seconds:
                branches.append(
                    State(emitted.cost, emitted.out, v2, v2, first_char, emitted.lost, (emitted.choices, (v1, v2)))
                )
    return branches


def prune(states: list[State]) -> list[State]:
    best: dict[tuple, State] = {}
    for state in states:
        key = (state.pending, state.last_byte, state.prev_char, state.choices)  # what makes two alike
        known = best.get(key)
        if known is None or state.cost < known.cost:
            best[key] = state
    # Blind guesses all cost the same until the next item tells them apart, so
    # the beam must not cut among them.
    blind = [state for state in best.values() if state.blind]
    seen = [state for state in best.values() if not state.blind]
    return heapq.nsmallest(BEAM_WIDTH, seen, key=lambda s: s.cost) + blind[:MAX_BLIND_STATES]


# What a ``?`` in a shifted run is followed by, when that can rank guessed lead bytes:
# ("char", first GBK byte of the next character) or ("spot", its syllable).
NextItem = tuple[str, int | str] | None


# A guessed lead byte not yet made a State: (cost the next item will give it, the state
# before the ``?``, trail byte, its character, the guessed lead).  Most are cut before
# the next step, so they are built only when kept.
Guess = tuple[float, State, int, str, int]


def _invalid_pair_branches(
    state: State, model: CharModel, at_end: bool, following: NextItem = None
) -> tuple[list[State], list[Guess]]:
    """A ``?`` met while out of step: the farm's decoder read (T, y) and found no character.

    T completes the pending lead byte; y is an ASCII byte (lost: we keep U+FFFD) or,
    rarely, the lead byte of the next character.  Only T >= 0x81 can start a pair.
    At the very end of the text the decoder met T alone, and nothing was lost.
    Returns the ASCII branches, and the guessed-lead (blind) ones with the cost the
    next item will give them (their own cost when it cannot be known yet).
    """
    assert state.pending is not None
    branches = []
    for trail, trail_char in _likely_trails(state.pending, state.prev_char):
        emitted = _emit(state.chose(trail), model, trail_char, trail)
        if at_end:
            branches.append(emitted)
            continue
        lost = (emitted.out, "\ufffd")
        branches.append(State(emitted.cost + LOST_ASCII_COST, lost, None, None, None, state.lost + 1, emitted.choices))
    # The few trail bytes that can start an invalid pair with a non-ASCII byte.
    guesses: list[Guess] = []
    for trail, trail_char in _blind_trails(state.pending):
        if following is None:
            followers: tuple[tuple[float, int], ...] = tuple((0.0, y) for y in invalid_followers(trail))
        else:
            followers = _ranked_followers(trail, trail_char, following)
        cost = state.cost + _char_cost(model, state.prev_char, trail_char)  # what _emit gives
        guesses.extend((cost + next_cost, state, trail, trail_char, lead) for next_cost, lead in followers)
    return branches, guesses


def _guessed_state(guess: Guess, model: CharModel) -> State:
    _, state, trail, trail_char, lead = guess
    emitted = _emit(state.chose(trail), model, trail_char, trail)
    return State(emitted.cost, emitted.out, lead, lead, trail_char, emitted.lost, (emitted.choices, (lead,)), True)


@functools.lru_cache(maxsize=16384)
def _likely_trails(pending: int, prev_char: str | None) -> tuple[tuple[int, str], ...]:
    """The TOP_HIDDEN_TRAILS trail bytes (>= 0x81) whose character reads best after
    ``prev_char``: the character an invalid pair swallowed."""
    model = get_model()
    trails = [(t, c) for t, c in trail_chars(pending) if t >= 0x81]
    return tuple(heapq.nsmallest(TOP_HIDDEN_TRAILS, trails, key=lambda option: model.char_cost(prev_char, option[1])))


@functools.cache
def _blind_trails(pending: int) -> tuple[tuple[int, str], ...]:
    """Trail bytes (>= 0x81) completing ``pending`` that can begin an invalid pair."""
    return tuple((t, c) for t, c in trail_chars(pending) if t >= 0x81 and invalid_followers(t))


@functools.lru_cache(maxsize=16384)
def _ranked_followers(trail: int, trail_char: str, following: tuple[str, int | str]) -> tuple[tuple[float, int], ...]:
    """The BEAM_WIDTH lead bytes y the next item reads best after, with that cost.

    The next step judges a guessed y only by the character y spells with the next
    item's first byte (or with a hidden byte read as the next spot's syllable), and
    keeps BEAM_WIDTH hypotheses in all: so these are every y that can survive it.
    Carrying all ~180 made ``??`` stretches the slowest thing archiver did.
    """
    model = get_model()
    kind, value = following
    ranked = []
    for lead in invalid_followers(trail):
        if kind == "char":
            assert isinstance(value, int)
            chars: tuple[str | None, ...] = (decode_pair(lead, value),)
        else:
            assert isinstance(value, str)
            chars = tuple(decode_pair(lead, z) for z in hidden_bytes(lead, value))
        costs = [model.char_cost(trail_char, char) for char in chars if char is not None]
        if costs:
            ranked.append((min(costs), lead))
    ranked.sort()
    return tuple(ranked[:BEAM_WIDTH])


def _next_item(following: Item | None) -> NextItem:
    if following is None:
        return None
    if following.spot is not None:
        return ("spot", following.spot)
    if following.plain and following.encoded is not None and len(following.encoded) == 2:
        return ("char", following.encoded[0])
    return None


def step(
    states: list[State],
    model: CharModel,
    item: Item,
    allow_vanish: bool,
    at_end: bool,
    following: Item | None = None,
) -> list[State]:
    out: list[State] = []
    if item.spot is not None:
        for state in states:
            if state.last_byte is None:
                continue
            for z in hidden_bytes(state.last_byte, item.spot):
                fed = _feed(state.chose(z), model, z)
                if fed is not None:
                    out.append(fed)
        return out
    if item.note is not None:
        note = f"({item.note})"
        for state in states:
            if state.pending is None and state.prev_char and has_reading(state.prev_char, item.note):
                out.append(
                    State(
                        state.cost, (state.out, note), state.last_byte, None, state.prev_char, state.lost, state.choices
                    )
                )
        return out
    if item.char == "?":
        next_item = _next_item(following)
        guesses: list[Guess] = []
        for state in states:
            if state.pending is None:
                out.append(_emit(state, model, "?", 0x3F))
                continue
            branches, blind = _invalid_pair_branches(state, model, at_end, next_item)
            out.extend(branches)
            guesses.extend(blind)
        if next_item is not None:
            # The next step ranks the guesses by exactly these costs and keeps no more
            # than BEAM_WIDTH: cut now, keeping their order.
            kept = heapq.nsmallest(BEAM_WIDTH, range(len(guesses)), key=lambda index: guesses[index][0])
            guesses = [guesses[index] for index in sorted(kept)]
        out.extend(_guessed_state(guess, model) for guess in guesses)
        return out
    encoded = item.encoded
    if encoded is None:
        return []
    shifted = sorted((s for s in states if s.pending is not None), key=lambda s: s.cost)[:VANISH_STATES]
    if not allow_vanish:
        shifted = []
    for state in states:
        candidates = [state]
        if state in shifted:
            candidates += _vanish_branches(state, model, encoded[0])
        for candidate in candidates:
            fed = feed_char(candidate, model, encoded)
            if fed is not None:
                out.append(fed)
    return out


def flatten(out: tuple) -> str:
    parts = []
    while out:
        out, text = out
        parts.append(text)
    return "".join(reversed(parts))


def initial_state(items: Items, start: int) -> State:
    """The state just before item ``start``, which lies in an aligned stretch."""
    for index in range(start - 1, max(0, start - 3) - 1, -1):
        item = items[index]
        if item.char is not None:
            if item.encoded is None:
                break
            return State(0.0, (), item.encoded[-1], None, item.char)
    return State(0.0, (), None, None, None)
