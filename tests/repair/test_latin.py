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
