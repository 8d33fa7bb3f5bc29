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

import re

from archiver.fixes import Fix, diff_fixes
from archiver.lm import get_model
from archiver.lm.model import CharModel, is_han
from archiver.lm.words import get_word_model
from archiver.repair.gbk_beam import Item, Items, State, feed_char, flatten, initial_state, prune, step
from archiver.repair.readings import PINYIN_SYLLABLE, has_reading

KIND = "misaligned"
# Mean cost per character above which a window read without dropped pairs is
# doubted (clean Chinese averages 5-7 nats; shifted garbage 12 and more).
PLAIN_READING_MAX_COST = 8.5
RARE_CHAR_COST = 11.0  # rarer than ~1 in 60,000 characters
RERANK_TOP = 8  # best character-model hypotheses the word model re-ranks
SETTLE_ITEMS = 8  # aligned characters around a spot that anchor its window
REGION_LEAD = 24  # characters before the first spot where tokenising starts
UNCERTAIN_MARGIN = 0.5  # nats: a different reading this close to the best is a tie
UNCERTAIN = "uncertain: another reading scores the same"

_ANNOTATION_RE = re.compile(rf"\(({PINYIN_SYLLABLE})\)")
SPOT_RE = re.compile(rf"\?(?P<syllable>{PINYIN_SYLLABLE})\)")
_ITEM_RE = re.compile(rf"\?(?P<spot>{PINYIN_SYLLABLE})\)|\((?P<note>{PINYIN_SYLLABLE})\)|(?P<char>.)", re.S)


def _beam(
    items: Items, start: int, model: CharModel, allow_vanish: bool, text_end: int
) -> tuple[list[State], int] | None:
    """Beam-decode from ``start`` until the stream has been back in step for a while.

    Hypotheses at the same byte and character all take the same moves at the same
    costs from then on, so only the best is stepped and the others are ``Frozen``
    until the moves may differ again (three quarters of the states the beam carried
    were such followers).
    """
    states = [initial_state(items, start)]
    frozen: Frozen | None = None
    aligned_streak = 0
    index = start
    while index < len(items):
        item = items[index]
        if aligned_streak >= SETTLE_ITEMS and not items.spot_within(index, SETTLE_ITEMS):
            break
        following = items[index + 1] if index + 1 < len(items) else None
        at_end = item.end == text_end
        stepped = _step_all(states, model, item, allow_vanish, at_end, following)
        if frozen is not None and not frozen.follows(stepped):
            states = frozen.thaw(states[0])
            frozen = None
            stepped = _step_all(states, model, item, allow_vanish, at_end, following)
        if not stepped:
            return None
        if frozen is None and len(stepped) > 1 and Frozen.can_hold(stepped):
            frozen = Frozen(stepped)
            stepped = stepped[:1]
        states = stepped
        aligned_streak = aligned_streak + 1 if all(state.pending is None for state in states) else 0
        index += 1
    if frozen is not None:
        states = frozen.thaw(states[0])
    finished = sorted((s for s in states if s.pending is None), key=lambda s: s.cost)
    return (finished, index) if finished else None


def _step_all(
    states: list[State],
    model: CharModel,
    item: Item,
    allow_vanish: bool,
    at_end: bool,
    following: Item | None,
) -> list[State]:
    if len(states) == 1 and item.plain and not (allow_vanish and states[0].pending is not None):
        # One hypothesis fed one character: step and prune would do just this.
        assert item.encoded is not None
        fed = feed_char(states[0], model, item.encoded)
        stepped = [] if fed is None else [fed]
    else:
        stepped = step(states, model, item, allow_vanish, at_end, following)
    if following is not None and following.note is not None:
        # Look ahead: an annotation must follow a complete character with its reading,
        # so hypotheses that cannot carry it are dropped before the beam is cut.
        note = following.note
        stepped = [s for s in stepped if s.pending is None and s.prev_char and has_reading(s.prev_char, note)]
    return prune(stepped) if len(stepped) > 1 else stepped


class Frozen:
    """Beam hypotheses set aside behind the best one while all are in step at the same
    byte and character: every move the best makes applies to each of them unchanged."""

    def __init__(self, states: list[State]) -> None:
        self.leader = states[0]
        self.followers = states[1:]

    @staticmethod
    def can_hold(states: list[State]) -> bool:
        first = states[0]
        key = (first.pending, first.last_byte, first.prev_char)
        return all(not s.blind and (s.pending, s.last_byte, s.prev_char) == key for s in states)

    def follows(self, stepped: list[State]) -> bool:
        """Whether the leader's last move was one the followers make alike: a single
        successor, still in step, with no hidden byte chosen and no byte lost."""
        if len(stepped) != 1:
            return False
        state = stepped[0]
        return state.choices is self.leader.choices and state.lost == self.leader.lost

    def thaw(self, leader: State) -> list[State]:
        """The followers as the moves the leader made since freezing leave them."""
        suffix = []
        out = leader.out
        while out is not self.leader.out:
            out, text = out
            suffix.append(text)
        suffix.reverse()
        extra = leader.cost - self.leader.cost
        thawed = [leader]
        for state in self.followers:
            out = state.out
            for text in suffix:
                out = (out, text)
            cost = state.cost + extra
            thawed.append(
                State(cost, out, leader.last_byte, leader.pending, leader.prev_char, state.lost, state.choices)
            )
        return thawed


def _repair_window(items: Items, start: int, model: CharModel, text_end: int) -> tuple[str, int, bool, int] | None:
    """Returns (repaired text, lost bytes, uncertain, index of the first item not consumed).

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
    return (*_rerank_by_words([(flatten(s.out), s.lost, s.cost) for s in finished[:RERANK_TOP]]), index)


def _doubtful(state: State, model: CharModel) -> bool:
    """Whether a reading without dropped pairs may be wrong: garbage on average, or
    one character so rare that a dropped pair explains it better (周嚕 for 周圍。)."""
    text = _ANNOTATION_RE.sub("", flatten(state.out))
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
    items = Items(_ITEM_RE.finditer(line, region_start))
    pieces: list[str] = [line[:region_start]]
    fixes: list[Fix] = []
    done = 0  # items before this index are already in ``pieces``
    for index in items.spots:
        if index < done:
            continue
        start = max(done, index - SETTLE_ITEMS)
        result = _repair_window(items, start, model, text_end)
        if result is None:
            continue
        window_text, lost, uncertain, end = result
        window_start = items[start].start
        window_end = items[end].start if end < len(items) else len(line)
        pieces.append(line[items[done].start if done < len(items) else len(line) : window_start])
        pieces.append(window_text)
        detail = "rebuilt GBK bytes" + (f"; {lost} swallowed ASCII byte(s) left as U+FFFD" if lost else "")
        detail += f"; {UNCERTAIN}" if uncertain else ""
        fixes.extend(diff_fixes(KIND, line[window_start:window_end], window_text, offset + window_start, detail))
        done = end
    if done < len(items):
        pieces.append(line[items[done].start :])
    return "".join(pieces), fixes


def _is_boundary(line: str, position: int) -> bool:
    """True where a Han character starts outside any parenthesis."""
    return is_han(line[position]) and line.rfind("(", 0, position) <= line.rfind(")", 0, position)


def _rerank_by_words(candidates: list[tuple[str, int, float]]) -> tuple[str, int, bool]:
    """Words settle what character bigrams rank closely (对机关 vs 专机关).

    Also says whether another, different reading scores within UNCERTAIN_MARGIN of
    the best: such a tie marked 74 of 117 wrong windows and 11 of 683 right ones in
    800 farm-damaged paragraphs, so it is reported rather than trusted silently.
    """
    texts = [_ANNOTATION_RE.sub("", text) for text, _, _ in candidates]
    best, scores = get_word_model().rerank(texts, [cost for _, _, cost in candidates])
    uncertain = any(
        text != texts[best] and score - scores[best] < UNCERTAIN_MARGIN
        for text, score in zip(texts, scores, strict=True)
    )
    return candidates[best][0], candidates[best][1], uncertain


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
