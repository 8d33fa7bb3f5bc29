import pytest
from farm import read_clean, to_traditional_by_table

from archiver.repair.script import convert_script, detect_script, to_simplified


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("起著重要作用", "起着重要作用"),
        ("存在著一些問題", "存在着一些问题"),
        ("著名作家", "著名作家"),
        ("效果十分顯著", "效果十分显著"),
        ("他的著作", "他的著作"),
        ("發揮著作用", "发挥着作用"),
    ],
)
def test_zhe_is_settled_by_context(traditional: str, simplified: str) -> None:
    assert to_simplified(traditional) == simplified


def test_farm_conversion_of_zhe_text_goes_back() -> None:
    clean = read_clean("hans_zhe.txt")
    converted, fixes, _ = convert_script(to_traditional_by_table(clean), "hans")
    assert converted == clean
    assert fixes


@pytest.mark.parametrize("name", ["hant_constitution.txt", "hant_speech.txt"])
def test_consistent_traditional_text_stays(name: str) -> None:
    text = read_clean(name)
    assert detect_script(text).script == "hant"
    assert convert_script(text) == (text, [], detect_script(text))


def test_farm_mix_is_detected_and_simplified() -> None:
    farm = to_traditional_by_table(read_clean("hans_speech.txt"))
    assert detect_script(farm).script == "mixed"
    assert convert_script(farm)[0] == read_clean("hans_speech.txt")


def test_simplified_text_stays_and_keep_means_keep() -> None:
    text = read_clean("hans_constitution.txt")
    assert convert_script(text)[0] == text
    mixed = to_traditional_by_table(read_clean("hans_speech.txt"))
    assert convert_script(mixed, "keep")[0] == mixed


def test_forced_traditional() -> None:
    assert convert_script("简体中文的文章，对于干部", "hant")[0].startswith("簡體中文")


def test_script_counts_match_the_character_sets() -> None:
    """The vectorised count agrees with set membership, characters in both sets included."""
    from collections import Counter

    from archiver.lm import get_model

    model = get_model()
    text = read_clean("hans_speech.txt") + read_clean("hant_speech.txt") + "".join(model.hans_only & model.hant_only)
    counts = Counter(text)
    expected = (
        sum(n for char, n in counts.items() if char in model.hans_only),
        sum(n for char, n in counts.items() if char in model.hant_only),
    )
    assert model.script_counts(text) == expected and min(expected) > 0
