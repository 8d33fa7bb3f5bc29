"""End to end on the seed and on fresh text damaged the way the seed was."""

import re
from pathlib import Path

import pytest
from farm import farm_damage, read_clean

import archiver

SEED = Path(__file__).parent.parent / "samples" / "000_61d1a242538ca415.txt"


@pytest.fixture(scope="module")
def seed() -> archiver.Document:
    return archiver.clean(SEED.read_bytes(), source=str(SEED))


def test_seed_title_date_and_body(seed: archiver.Document) -> None:
    assert seed.title == "长效机制建立现场会讲话"
    assert seed.date == "2022-10-13T09:46:00"
    assert seed.text.startswith("同志们：\n正当全市上下认真学习贯彻党的**届**全会精神，")
    assert seed.script == "mixed"


def test_seed_repairs(seed: archiver.Document) -> None:
    text = seed.text
    for repaired in ("我们在落实制度方面", "严重损害了制度的权威性", "在适当时候对机关构建长效机制"):
        assert repaired in text
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü]+\)", text)
    assert "导语" not in text and "?" not in text and "\ufffd" not in text
    assert "起着重要作用" in text and "担负着" in text and "著" not in text
    assert seed.fixes and {"misaligned", "pinyin", "script", "punctuation"} <= {f.kind for f in seed.fixes}
    assert sum(1 for f in seed.fixes if f.kind == "pinyin") == 1100


def test_seed_removed_lines_are_reported(seed: archiver.Document) -> None:
    assert [r.reason for r in seed.removed] == ["header", "notice"]
    assert seed.removed[1].line.startswith("导语")


@pytest.mark.parametrize("name", ["hans_speech.txt", "hans_constitution.txt"])
def test_fresh_farm_pages_come_back_exactly(name: str) -> None:
    original = read_clean(name)
    page = "测试标题\n时间:2022-01-01 08:00:00\n" + farm_damage(original)
    document = archiver.clean(page.encode("utf-8"))
    assert document.title == "测试标题" and document.date == "2022-01-01T08:00:00"
    assert document.text == original.strip()


@pytest.mark.parametrize("name", ["hant_constitution.txt", "hant_speech.txt", "hans_speech.txt"])
def test_clean_text_is_untouched(name: str) -> None:
    text = read_clean(name)
    fixed, fixes = archiver.fix_and_explain(text)
    assert fixed == text and fixes == []


def test_library_accepts_str_and_bytes() -> None:
    assert archiver.clean("标题\n\n正文。").text == "正文。"
    assert archiver.clean("标题\n\n正文。".encode("gbk")).encoding == "gb18030"
