from archiver.repair.latin import fix_latin_mojibake


def test_utf8_read_as_cp1252_is_fixed_beside_chinese() -> None:
    text, fixes = fix_latin_mojibake("æˆ‘ä»¬ cafÃ© “你好”，世界")
    assert text == "我们 café “你好”，世界"
    assert {fix.kind for fix in fixes} == {"latin_mojibake"}


def test_chinese_punctuation_and_quotes_survive() -> None:
    text = "他说：“你好，世界！”（注：略）"
    assert fix_latin_mojibake(text) == (text, [])


def test_gbk_read_as_latin1_is_not_mangled() -> None:
    # ftfy's decode_inconsistent_utf8 would destroy these bytes; we leave them for the CJK step.
    text = "ÎÒÃÇÔÚÂäÊµÖÆ¶È"
    assert fix_latin_mojibake(text)[0] == text


def test_marks_beside_chinese_do_not_change_what_ftfy_judges() -> None:
    """Hypothesis found 。”,¬à¬à left alone, then fixed on a second pass once its comma
    had become ，: a mark at a stretch's edge must not change ftfy's verdict."""
    from archiver import fix_text

    for text in ["。”,¬à¬à", "中文,Ã©,文字", "中(Ã©)中", "¬à¬à;中"]:
        once = fix_text(text)
        assert fix_text(once) == once, text
    assert fix_text("中文,Ã©,文字") == "中文，é，文字"
    assert fix_text("中文&amp;中文") == "中文&中文"  # an entity keeps its ';'
