import re

import pytest
from farm import farm_damage, fold_punctuation, read_clean, to_traditional_by_table

from archiver.repair.misaligned import SPOT_RE, repair_misaligned
from archiver.repair.pinyin import remove_pinyin

SEED_SPOTS = [
    ("我們?cè)诼鋵?shí)制度", "我們在落實制度"),
    ("嚴(yán)重?fù)p害", "嚴重損害"),
    ("時(shí)候?qū)C(jī)關(guān)", "時候對機關"),
]


@pytest.mark.parametrize(("damaged", "original"), SEED_SPOTS)
def test_seed_spots_are_rebuilt(damaged: str, original: str) -> None:
    repaired, fixes = repair_misaligned(damaged)
    assert remove_pinyin(repaired)[0] == original
    assert fixes and all(fix.kind == "misaligned" for fix in fixes)


@pytest.mark.parametrize("name", ["hans_speech.txt", "hans_constitution.txt"])
def test_farm_damage_on_fresh_text_is_undone(name: str) -> None:
    clean = read_clean(name)
    expected = fold_punctuation(to_traditional_by_table(clean))
    damaged = farm_damage(clean)
    repaired, _ = repair_misaligned(damaged)
    assert not SPOT_RE.search(repaired)
    assert remove_pinyin(repaired)[0] == expected


def test_long_shifted_run_with_dropped_pair() -> None:
    # Annotating 冊 (83 D4) splits 們|在 and shifts everything up to the next annotation.
    clean = "我们在落实制度方面还存在一些问题"
    damaged = farm_damage(clean, characters=("冊", "實"))
    assert "?" in damaged
    repaired, _ = repair_misaligned(damaged)
    assert remove_pinyin(repaired)[0] == fold_punctuation(to_traditional_by_table(clean))


def test_lines_without_spots_are_untouched() -> None:
    text = "你好吗?我很好(hǎo)。\n第二行?没有注音"
    assert repair_misaligned(text) == (text, [])


def test_unrepairable_spot_is_left_alone() -> None:
    text = "abc?zzz)def"
    repaired, fixes = repair_misaligned(text)
    assert repaired == text and fixes == []


def test_every_spot_in_a_damaged_corpus_is_counted() -> None:
    damaged = farm_damage(read_clean("hans_constitution.txt"))
    spots = len(SPOT_RE.findall(damaged))
    _, fixes = repair_misaligned(damaged)
    assert spots > 0
    assert len(fixes) >= 1
    assert all(re.search(r"\?", fix.before) for fix in fixes)


def test_invalid_pair_inside_a_shifted_run() -> None:
    # 服務: the shifted decoder read (FE, 84), no GBK character, and printed one '?'.
    clean = "党员干部队伍好、工作机制好、发展工作业绩好、服务群众好、履行义务好"
    damaged = farm_damage(clean)
    assert "??" in damaged
    repaired, _ = repair_misaligned(damaged)
    assert remove_pinyin(repaired)[0] == fold_punctuation(to_traditional_by_table(clean))


def test_dropped_pair_and_swallowed_comma() -> None:
    # 圍。 lost the pair (FA A1); later the shifted decoder swallowed the comma.
    clean = "必须把各方力量凝聚在党组织的周围。由此出发，一定要把坚持"
    damaged = farm_damage(clean)
    repaired, fixes = repair_misaligned(damaged)
    expected = fold_punctuation(to_traditional_by_table(clean)).replace(",", "\ufffd")
    assert remove_pinyin(repaired)[0] == expected
    assert any("swallowed" in fix.detail for fix in fixes)


def test_a_tied_reading_is_reported_not_trusted_silently() -> None:
    # Two dropped pairs after 牆|上 leave readings the models cannot tell apart.
    clean = "制度规则只不过是落在了纸上、贴在了墙上、汇集在小册子里，这样一些堆砌出来的文字是没有任何意义的。"
    damaged = farm_damage(clean)
    _, fixes = repair_misaligned(damaged)
    assert any("uncertain" in fix.detail for fix in fixes)
    from archiver.repair.pipeline import run_pipeline

    assert any("tied with another reading" in warning for warning in run_pipeline(damaged).warnings)
    # A spot the models settle clearly carries no such mark.
    for damaged, _ in SEED_SPOTS:
        assert not any("uncertain" in fix.detail for fix in repair_misaligned(damaged)[1])


def test_frozen_followers_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stepping only the best of hypotheses in step at one byte and character is a
    shortcut: every window must come out as stepping each of them does."""
    import random

    from farm import corpus_sentences

    from archiver.repair import misaligned

    rng = random.Random(8)
    sentences = corpus_sentences()
    damaged = [farm_damage("".join(rng.sample(sentences, 3))) for _ in range(300)]
    damaged = [text for text in damaged if SPOT_RE.search(text)]
    frozen_used = 0
    real_can_hold = misaligned.Frozen.can_hold

    def counting_can_hold(states: list) -> bool:
        nonlocal frozen_used
        held = real_can_hold(states)
        frozen_used += held
        return held

    monkeypatch.setattr(misaligned.Frozen, "can_hold", staticmethod(counting_can_hold))
    shortcut = [repair_misaligned(text) for text in damaged]
    assert frozen_used >= 20 and len(damaged) >= 40  # the shortcut was taken, often
    monkeypatch.setattr(misaligned.Frozen, "can_hold", staticmethod(lambda states: False))
    assert [repair_misaligned(text) for text in damaged] == shortcut
