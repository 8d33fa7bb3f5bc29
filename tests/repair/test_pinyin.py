from archiver.repair.pinyin import remove_pinyin


def test_removes_real_readings_only() -> None:
    text, fixes = remove_pinyin("他(tā)说，会议(2022)和(注:略)都在長效機(jī)制里")
    assert text == "他说，会议(2022)和(注:略)都在長效機制里"
    assert [fix.before for fix in fixes] == ["(tā)", "(jī)"]


def test_wrong_reading_is_kept() -> None:
    assert remove_pinyin("他(mā)")[0] == "他(mā)"


def test_heteronyms_tone_numbers_and_full_width_parentheses() -> None:
    assert remove_pinyin("重(chóng)新 重(zhong4)要 行（háng）业")[0] == "重新 重要 行业"


def test_latin_before_parenthesis_is_not_an_annotation() -> None:
    assert remove_pinyin("文件(pdf)和A(ta)")[0] == "文件(pdf)和A(ta)"
