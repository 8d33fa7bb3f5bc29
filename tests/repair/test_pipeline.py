"""The pipeline as a whole: order, line breaks."""

from __future__ import annotations

from farm import farm_damage, read_clean

from archiver.repair.pipeline import STEP_ORDER, fix_and_explain


def test_windows_and_old_mac_line_breaks_come_out_as_one_break_each() -> None:
    """A "\\r" left at the end of a line once read as a second break: every line of a
    CRLF file came out doubled."""
    damaged = farm_damage(read_clean("hans_speech.txt"))
    unix, unix_fixes = fix_and_explain(damaged)
    for ending in ("\r\n", "\r"):
        fixed, fixes = fix_and_explain(damaged.replace("\n", ending))
        assert fixed == unix and len(fixes) == len(unix_fixes)
    assert fix_and_explain("plain line\r\nnext\r\n")[0] == "plain line\nnext\n"


def test_steps_run_in_the_documented_order() -> None:
    _, fixes = fix_and_explain(farm_damage(read_clean("hans_speech.txt")))
    kinds = list(dict.fromkeys(fix.kind for fix in fixes))
    assert kinds == [kind for kind in STEP_ORDER if kind in kinds]
