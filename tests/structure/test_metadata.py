import pytest

from archiver.structure import extract_structure, parse_date
from archiver.structure.metadata import count_redactions, parse_chinese_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2022年10月13日", "2022-10-13"),
        ("二〇二二年十月十三日", "2022-10-13"),
        ("二〇二一年三月五日", "2021-03-05"),
        ("二〇二〇年十二月三十一日", "2020-12-31"),
        ("2022/10/13", "2022-10-13"),
        ("时间：2022-10-13 09:46:00", "2022-10-13T09:46:00"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_impossible_chinese_date() -> None:
    assert parse_chinese_date("二〇二二年十三月十三日") is None


def test_bylines_sources_and_truncation_in_plain_text() -> None:
    structure = extract_structure(
        "某某讲话\n发布时间：2022年10月13日 来源：人民网\n本报记者 李四\n同志们：\n正文第一段。（未完，全文共3456字）"
    )
    assert structure.details.author == "李四"
    assert structure.details.source == "人民网"
    assert structure.details.truncated is True
    assert structure.paragraphs == ["同志们：", "正文第一段。"]
    assert [r.reason for r in structure.removed] == ["header", "byline", "truncation"]


def test_redaction_markers() -> None:
    assert count_redactions("**市的XX同志和××单位*年来") == {"**": 1, "XX": 1, "××": 1, "*": 1}
    assert count_redactions("没有标记的正文") == {}
