"""The fix record: counts without building records, records identical when built."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from archiver import fix_and_explain
from archiver.fixes import Fix, Fixes, count_by_kind, diff_fixes, lazy_char_diff, lazy_diff

SEED = Path(__file__).parent.parent / "samples" / "000_61d1a242538ca415.txt"


def test_counts_of_a_farm_page_match_the_records_once_built() -> None:
    _, fixes = fix_and_explain(SEED.read_text(encoding="utf-8"))
    assert isinstance(fixes, Fixes)
    counted = fixes.counts()  # before any record exists
    built = list(fixes)
    assert counted == dict(Counter(fix.kind for fix in built))
    assert len(fixes) == len(built) and counted["pinyin"] == 1100
    assert all(isinstance(fix, Fix) for fix in built) and fixes[0] == built[0]


def test_lazy_diffs_build_what_the_eager_diff_would() -> None:
    before, after = "機關黨員在會上講話", "机关党员在会上讲话"
    assert list(lazy_diff("script", before, after, offset=5)) == diff_fixes("script", before, after, offset=5)
    lazy = lazy_diff("script", before, after)
    assert len(lazy) == len(diff_fixes("script", before, after)) == 3
    per_char = lazy_char_diff("punctuation", "甲,乙:丙", "甲，乙：丙")
    assert [(fix.before, fix.after, fix.position) for fix in per_char] == [(",", "，", 1), (":", "：", 3)]


def test_batches_keep_their_order_and_compare_as_lists() -> None:
    fixes = Fixes([Fix("pinyin", "(jī)", "", 1)])
    fixes.add_lazy("script", 2, lambda: [Fix("script", "機", "机", 0), Fix("script", "關", "关", 1)])
    fixes.extend([Fix("punctuation", ",", "，", 4)])
    assert [fix.kind for fix in fixes] == ["pinyin", "script", "script", "punctuation"]
    assert count_by_kind(fixes) == {"pinyin": 1, "script": 2, "punctuation": 1}
    assert Fixes() == [] and not Fixes() and fixes != []


def test_a_document_with_lazy_fixes_pickles_with_its_records() -> None:
    import pickle

    from archiver import clean

    document = clean(SEED.read_bytes(), source="seed.txt")
    copy = pickle.loads(pickle.dumps(document))
    assert copy.fixes == list(document.fixes) and len(copy.fixes) == len(document.fixes)
    assert copy.to_dict()["fixes"] == document.to_dict()["fixes"]
