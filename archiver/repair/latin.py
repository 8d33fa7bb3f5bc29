"""Latin-script mojibake (æˆ‘ä»¬, cafÃ©) via ftfy, configured so it cannot hurt CJK text.

ftfy's defaults fold ，to , (fix_character_width), straighten curly quotes that
Chinese uses for quotation, and its decode_inconsistent_utf8 step mangles GBK read
as Latin-1; all three are off.  ftfy only sees lines that contain characters
mojibake is made of, so clean Chinese text costs nothing here.
"""

from __future__ import annotations

import functools
import re

import ftfy

from archiver.fixes import Fix, diff_fixes

KIND = "latin_mojibake"
# What UTF-8 read as Latin-1/cp1252 always contains: a lead byte shown as Â..ô
# followed by a continuation byte shown as \x80-\xbf or its cp1252 picture.  Pinyin
# tone marks (jī, shí) never match, so annotated farm text costs ftfy nothing.
_SUSPICIOUS_RE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160"
    "\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]"
)


@functools.cache
def _config() -> ftfy.TextFixerConfig:
    return ftfy.TextFixerConfig(
        unescape_html=False,
        fix_character_width=False,
        uncurl_quotes=False,
        decode_inconsistent_utf8=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )


# Words with no CJK characters or spaces: ftfy judges each alone, because one
# Chinese character on a line stops it from re-encoding the whole line.
_NON_CJK_RUN_RE = re.compile(r"[^\s\u3000-\u303f\u3400-\u9fff\uf900-\uffef]+")


def fix_latin_mojibake(text: str) -> tuple[str, list[Fix]]:
    if not _SUSPICIOUS_RE.search(text):
        return text, []
    fixes: list[Fix] = []

    def fix_run(match: re.Match[str]) -> str:
        run = match.group()
        if not _SUSPICIOUS_RE.search(run):
            return run
        fixed, explanation = ftfy.fix_and_explain(run, config=_config())
        if fixed != run:
            steps = ", ".join(step for _, step in explanation or [])
            fixes.extend(diff_fixes(KIND, run, fixed, match.start(), detail=f"ftfy: {steps}"))
        return fixed

    return _NON_CJK_RUN_RE.sub(fix_run, text), fixes
