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
# Latin-1 supplement, Latin Extended, C1 controls, general punctuation used by
# cp1252 mojibake, and HTML entities: the only inputs ftfy can change here.
_SUSPICIOUS_RE = re.compile(r"[\u0080-\u024f\u02c6-\u02dc\u2013-\u203a\u20ac\u2122]|&[#\w]+;")


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
