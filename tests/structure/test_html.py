"""Saved HTML pages from three kinds of farm: body, chrome, metadata, lying charsets."""

from __future__ import annotations

from pathlib import Path

import archiver

PAGES = Path(__file__).parent.parent / "data" / "html"


def page(name: str, encoding: str, declare: str | None = None) -> bytes:
    html = (PAGES / name).read_text(encoding="utf-8")
    if declare is not None:
        html = html.replace("charset=gb2312", f"charset={declare}").replace('charset="gbk"', f'charset="{declare}"')
    return html.encode(encoding)


CHROME = ("首页", "登录", "广告", "上一篇", "下一篇", "相关推荐", "版权", "热门", "熱門", "下载", "本站")


def assert_no_chrome(text: str) -> None:
    for marker in CHROME:
        assert marker not in text, marker


def test_portal_style_page() -> None:
    document = archiver.clean(page("farm_a.html", "gbk"), "farm_a.html")
    assert document.title == "全县农村工作会议讲话"
    assert document.date == "2021-03-05"
    assert document.metadata["author"] == "王建国" and document.metadata["source"] == "县委办公室"
    assert document.encoding == "gb18030" and document.warnings == []  # gb2312 declared: a subset, not a lie
    assert document.text.startswith("同志们：\n今天，我们在这里召开全县农村工作会议")
    assert document.text.endswith("作出新的更大的贡献！")
    assert_no_chrome(document.text)
    reasons = {removed.reason for removed in document.removed}
    assert {"breadcrumb", "header", "navigation", "related", "notice"} <= reasons


def test_page_declaring_utf8_with_gbk_bytes() -> None:
    document = archiver.clean(page("farm_a.html", "gbk", declare="utf-8"), "lying.html")
    assert document.title == "全县农村工作会议讲话"
    assert "declares utf-8 but its bytes are gb18030" in document.warnings[0]


def test_traditional_page_in_big5_declared_utf8() -> None:
    document = archiver.clean(page("farm_b.html", "big5"), "farm_b.html")
    assert document.title == "中華民國憲法"
    assert document.script == "hant"  # a consistent traditional page stays traditional
    assert document.text.startswith("中華民國國民大會受全體國民之付託")
    assert document.metadata["author"] == "陳大文" and document.date == "2022-10-13"
    assert any("declares utf-8" in warning for warning in document.warnings)
    assert_no_chrome(document.text)


def test_truncated_page_with_redactions_and_a_chinese_date() -> None:
    document = archiver.clean(page("farm_c.html", "gbk"), "farm_c.html")
    assert document.title == "某市领导在长效机制建立现场会上的讲话"  # <title> minus the site name
    assert document.date == "2022-10-13"  # from 二〇二二年十月十三日
    assert document.metadata["truncated"] is True
    assert "未完" not in document.text
    assert any(removed.reason == "truncation" for removed in document.removed)
    assert document.metadata["redactions"] == {"**": 1, "XX": 1}
    assert "**市和XX县" in document.text  # redaction markers are kept
    assert document.metadata["source"] == "**市委组织部"
    assert_no_chrome(document.text)


def test_html_given_as_text_through_the_library() -> None:
    html = (PAGES / "farm_a.html").read_text(encoding="utf-8")
    assert archiver.clean(html).title == "全县农村工作会议讲话"
