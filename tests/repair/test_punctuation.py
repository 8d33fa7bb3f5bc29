from archiver.repair.punctuation import restore_punctuation


def test_restores_in_chinese_context() -> None:
    text, fixes = restore_punctuation("同志们:今天开会,大家好!对吗?好(注:略)")
    assert text == "同志们：今天开会，大家好！对吗？好（注：略）"
    assert len(fixes) == 7


def test_keeps_ascii_between_digits_and_latin() -> None:
    text, _ = restore_punctuation("时间,09:46:00,价格3.5元,下载(pdf),会议(2022),A,B")
    assert "09:46:00" in text and "3.5" in text and "(pdf)" in text and "(2022)" in text and "A,B" in text
    assert text.startswith("时间，")


def test_text_that_already_uses_full_width_is_left_alone() -> None:
    text = "我们说，他们来了。English, please: ok? 对，好的，谢谢。"
    assert restore_punctuation(text) == (text, [])


def test_marks_after_quoted_chinese_are_restored() -> None:
    assert restore_punctuation("做到以下“四个必须”:一是,二是")[0] == "做到以下“四个必须”：一是，二是"
    assert restore_punctuation('he said "ok", fine')[0] == 'he said "ok", fine'
