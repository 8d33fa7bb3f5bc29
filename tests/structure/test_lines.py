from archiver.structure import extract_structure, parse_date

FARM_PAGE = """某县农村工作会议讲话稿
首页 > 范文大全 > 讲话稿
发布时间：2021-03-05 来源：网络 作者：张三 阅读：120次
同志们：
今天我们开会，研究部署今年的工作。
下面我讲三点意见。
上一篇：某某讲话
下一篇：另一篇讲话
相关推荐：
第一篇文章标题
第二篇文章标题
本文来源于网络，版权归原作者所有，如有侵权请联系删除"""


def test_farm_chrome_is_removed_with_reasons() -> None:
    structure = extract_structure(FARM_PAGE)
    assert structure.title == "某县农村工作会议讲话稿"
    assert structure.date == "2021-03-05"
    assert structure.paragraphs == ["同志们：", "今天我们开会，研究部署今年的工作。", "下面我讲三点意见。"]
    reasons = [removed.reason for removed in structure.removed]
    assert reasons == ["breadcrumb", "header", "navigation", "navigation", "related", "related", "related", "notice"]
    assert structure.metadata["作者"] == "张三" and structure.metadata["来源"] == "网络"


def test_every_line_is_kept_or_reported() -> None:
    structure = extract_structure(FARM_PAGE)
    kept = [structure.title, *structure.paragraphs]
    assert len(kept) + len(structure.removed) == len(FARM_PAGE.splitlines())


def test_body_lines_that_look_like_fields_deep_in_the_text_stay() -> None:
    body = "标题\n" + "\n".join(f"第{i}段正文。" for i in range(10)) + "\n来源：这是正文里对来源的讨论"
    structure = extract_structure(body)
    assert structure.paragraphs[-1] == "来源：这是正文里对来源的讨论"


def test_dates() -> None:
    assert parse_date("时间：2022-10-13 09:46:00") == "2022-10-13T09:46:00"
    assert parse_date("2022年10月13日") == "2022-10-13"
    assert parse_date("2022/10/13") == "2022-10-13"
    assert parse_date("2022-13-45") is None
