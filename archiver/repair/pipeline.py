"""Run the repair steps in their documented order and collect what they did."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from archiver.fixes import Fix, Fixes
from archiver.repair.latin import fix_latin_mojibake
from archiver.repair.misaligned import UNCERTAIN, repair_misaligned
from archiver.repair.mojibake import find_unrecoverable, repair_mojibake
from archiver.repair.pinyin import remove_pinyin
from archiver.repair.punctuation import restore_punctuation
from archiver.repair.script import ScriptChoice, ScriptReport, convert_script, detect_script

Step = Callable[[str], tuple[str, Sequence[Fix]]]
STEP_ORDER: tuple[str, ...] = ("cjk_mojibake", "latin_mojibake", "misaligned", "pinyin", "script", "punctuation")
CODEC_ROUNDS = 4  # mojibake and ftfy together, at most this often (double damage needs three)


@dataclass
class PipelineResult:
    text: str
    fixes: Fixes = field(default_factory=Fixes)
    script: ScriptReport | None = None
    warnings: list[str] = field(default_factory=list)


def run_pipeline(text: str, script: ScriptChoice = "auto", punctuation: bool = True) -> PipelineResult:
    # Line breaks become "\n" first, as ftfy and ``clean`` make them: the steps work a
    # line at a time, and a "\r" left at a line's end read as a break of its own.
    result = PipelineResult(text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text)

    def apply(step: Step) -> None:
        result.text, fixes = step(result.text)
        result.fixes.extend(fixes)

    # Codec repairs feed each other: ftfy may uncover a CJK round trip, and a repaired
    # stretch changes the Latin runs ftfy judges.  Repeat until nothing changes, so a
    # second pass over the output finds nothing left (fix_text is idempotent).
    for _ in range(CODEC_ROUNDS):
        before = len(result.fixes)
        apply(repair_mojibake)
        apply(fix_latin_mojibake)
        if len(result.fixes) == before:
            break
    apply(repair_misaligned)
    apply(remove_pinyin)
    result.text, fixes, result.script = convert_script(result.text, script)
    result.fixes.extend(fixes)
    if punctuation:
        apply(restore_punctuation)
    # Every U+FFFD left stands for bytes lost before or during the damage.
    if lost := result.text.count("\ufffd"):
        result.warnings.append(f"{lost} character(s) whose bytes were lost could not be recovered (left as U+FFFD)")
    if uncertain := sum(1 for fix in result.fixes.of_kind("misaligned") if UNCERTAIN in fix.detail):
        result.warnings.append(
            f"{uncertain} misaligned repair(s) tied with another reading: check them (clean --explain lists them)"
        )
    result.warnings.extend(find_unrecoverable(result.text))
    if result.script is None:
        result.script = detect_script(result.text)
    return result


def fix_and_explain(text: str, script: ScriptChoice = "auto") -> tuple[str, Fixes]:
    """Repair ``text`` and say how, like ``ftfy.fix_and_explain``."""
    result = run_pipeline(text, script)
    return result.text, result.fixes


def fix_text(text: str, script: ScriptChoice = "auto") -> str:
    return run_pipeline(text, script).text
