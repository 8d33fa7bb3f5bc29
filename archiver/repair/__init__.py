"""Repair steps, one module per kind of damage, run in a fixed order.

Each step is a pure function ``text -> (text, fixes)``.  The order matters:

1. ``latin_mojibake`` (ftfy, word by word): UTF-8 read as cp1252 is undone first
   so later steps see real characters.
2. ``misaligned``: rebuilds GBK bytes around ``?pinyin)`` spots.  It needs the
   farm's raw text, annotations and folded punctuation included, so it runs before
   anything rewrites them.
3. ``pinyin``: removes annotations that are real readings of the character before.
4. ``script``: mixed documents back to simplified (or as the caller forces).
5. ``punctuation``: full-width marks restored last, once the text is Chinese again.
"""

from archiver.repair.pipeline import STEP_ORDER, fix_and_explain, fix_text, run_pipeline

__all__ = ["STEP_ORDER", "fix_and_explain", "fix_text", "run_pipeline"]
