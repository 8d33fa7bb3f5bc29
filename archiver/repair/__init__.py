"""Repair steps, one module per kind of damage, run in a fixed order.

Each step is a pure function ``text -> (text, fixes)``.  The order matters:

1. ``cjk_mojibake``: wrong-codec round trips (UTF-8 read as GBK, GBK read as
   Latin-1, Big5/GBK), lossy ones included.  It runs before ftfy, whose
   decode_inconsistent_utf8 would destroy GBK-as-Latin-1 bytes.
2. ``latin_mojibake`` (ftfy, outside CJK text): UTF-8 read as cp1252 and the like,
   so later steps see real characters.
3. ``misaligned``: rebuilds GBK bytes around ``?pinyin)`` spots.  It needs the
   farm's raw text, annotations and folded punctuation included, so it runs before
   anything rewrites them.
4. ``pinyin``: removes annotations that are real readings of the character before.
5. ``script``: mixed documents back to simplified (or as the caller forces).
6. ``punctuation``: full-width marks restored last, once the text is Chinese again.
"""

from archiver.repair.pipeline import STEP_ORDER, fix_and_explain, fix_text, run_pipeline

__all__ = ["STEP_ORDER", "fix_and_explain", "fix_text", "run_pipeline"]
