"""Latin-script mojibake (æˆ‘ä»¬, cafÃ©) and ftfy's other fixes, kept away from CJK text.

ftfy sees only the stretches of a line that hold no CJK characters, so nothing it
does can touch Chinese.  Two of its defaults are off because Chinese relies on what
they change: fix_character_width (it folds ，to ,) and uncurl_quotes (“” are Chinese
quotation marks).  decode_inconsistent_utf8 mangles GBK read as Latin-1, so it is off
for a stretch whose bytes read as GB18030; the CJK step runs first and repairs those.
ftfy is called only where its own badness check, or something its other fixers act
on, says it has work: a farm page's thousand pinyin annotations never reach it.
"""

from __future__ import annotations

import functools
import re

import ftfy
from ftfy.badness import is_bad
from ftfy.chardata import LIGATURES

from archiver.fixes import Fix, diff_fixes

KIND = "latin_mojibake"
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# What ftfy's fixers other than the encoding fix act on: entities, terminal escapes,
# control and C1 characters, ligatures, odd line breaks, stray byte-order marks.
_OTHER_WORK = "&\x1b\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\r\u2028\u2029\ufeff" + "".join(map(chr, LIGATURES))
_OTHER_WORK_RE = re.compile(f"[{_OTHER_WORK}]")
# Characters Chinese pages are full of and mojibake never needs alone: ASCII, pinyin
# vowels, Chinese quotes and dashes.  A stretch made only of these is not ftfy's work.
_ORDINARY = "\x00-\x7f" + _CJK + "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü“”‘’…—·"
_WORK_CHAR_RE = re.compile(f"[^{_ORDINARY}\n]|[{_OTHER_WORK}]")
_RUN_WITH_WORK_RE = re.compile(f"[^{_CJK}\n]*(?:[^{_ORDINARY}]|[{_OTHER_WORK}])[^{_CJK}\n]*")
# A stretch whose GBK reading scores at most this (nats a character) is Chinese
# read as Latin-1; decode_inconsistent_utf8 must not touch it.
GBK_READING_MAX_COST = 9.0


@functools.cache
def _config(inconsistent_utf8: bool) -> ftfy.TextFixerConfig:
    return ftfy.TextFixerConfig(
        fix_character_width=False,
        uncurl_quotes=False,
        decode_inconsistent_utf8=inconsistent_utf8,
        explain=True,
    )


def _reads_as_chinese(run: str) -> bool:
    from archiver.lm import get_model

    for codec in ("latin-1", "cp1252"):
        try:
            reading = run.encode(codec).decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        chinese = "".join(char for char in reading if not char.isascii())
        if chinese and get_model().mean_cost(chinese) <= GBK_READING_MAX_COST:
            return True
    return False


# ASCII marks, and the quotes the punctuation step looks through, at a stretch's edges:
# beside Chinese they become full-width, which ends the stretch there, so ftfy must
# judge the stretch without them or a second pass would judge another one (。”,¬à¬à
# was left alone, then fixed once its comma was ，).  No UTF-8 sequence holds an ASCII
# byte, so no mojibake is cut; an HTML entity keeps its closing ';', and '?' stays, as
# lossy decoders put it where a byte was (â€? for ”).
_LEADING_EDGE = re.compile("[,:;!()\"'\u2019\u201d]+")
_TRAILING_EDGE = re.compile("[,:;!()\"'\u2018\u201c]+$")
_ENTITY_END = re.compile(r"&#?\w+$")


def _core(run: str) -> tuple[int, int]:
    """Where ``run`` starts and ends without the marks at its edges."""
    leading = _LEADING_EDGE.match(run)
    start = leading.end() if leading else 0
    trailing = _TRAILING_EDGE.search(run, start)
    end = trailing.start() if trailing else len(run)
    if end < len(run) and run[end] == ";" and _ENTITY_END.search(run, start, end):
        end += 1
    return start, end


def _has_work(run: str) -> bool:
    return (not run.isascii() and is_bad(run)) or bool(_OTHER_WORK_RE.search(run))


def fix_latin_mojibake(text: str) -> tuple[str, list[Fix]]:
    if not _WORK_CHAR_RE.search(text):
        return text, []
    fixes: list[Fix] = []
    offset = 0

    def fix_run(match: re.Match[str]) -> str:
        start, end = _core(match.group())
        run = match.group()[start:end]
        if not _has_work(run):
            return match.group()
        config = _config(inconsistent_utf8=not _reads_as_chinese(run))
        fixed, explanation = ftfy.fix_and_explain(run, config=config)
        if fixed != run:
            steps = ", ".join(step for _, step in explanation or [])
            fixes.extend(diff_fixes(KIND, run, fixed, offset + match.start() + start, detail=f"ftfy: {steps}"))
        return match.group()[:start] + fixed + match.group()[end:]

    # Runs never cross a line break, and the run pattern is slow to scan: only the
    # lines that hold a character ftfy could act on are scanned for runs.
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if _WORK_CHAR_RE.search(line):
            lines[index] = _RUN_WITH_WORK_RE.sub(fix_run, line)
        offset += len(line) + 1
    return "\n".join(lines), fixes
