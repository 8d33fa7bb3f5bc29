"""Boilerplate learned from one site's own pages, with nothing on any rule list."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from farm import read_clean

from archiver.structure.learned import BoilerplateCounter, document_keys, threshold
from archiver.structure.lines import classify_chrome
from tests.test_cli import archiver

SITE_PHRASES = [
    "欢迎光临红星文库，海量精品范文免费阅读",
    "更多精彩内容请关注红星文库微信公众号",
    "本篇文章由红星文库编辑整理，仅供学习交流",
    "红星文库——您身边的写作好帮手",
]
SHARED = (
    "要坚持以人民为中心的发展思想，把群众满意作为衡量工作成效的根本标准，切实解决好群众最关心最直接最现实的利益问题。"
)


def build_site(root: Path, pages: int = 30) -> None:
    rng = random.Random(5)
    paragraphs = [
        p for name in ("hans_speech.txt", "hans_constitution.txt") for p in read_clean(name).splitlines() if len(p) > 10
    ]
    site = root / "hongxing"
    site.mkdir(parents=True)
    for index in range(pages):
        body = rng.sample(paragraphs, 3)
        if index in (3, 17):
            body.insert(1, SHARED)  # two speeches quote the same paragraph: it must survive
        lines = [f"第{index}号讲话稿", SITE_PHRASES[0], f"阅读：{rng.randint(10, 999)}次", *body, SITE_PHRASES[1]]
        if index % 2:
            lines.insert(4, SITE_PHRASES[2])
        lines.append(SITE_PHRASES[3])
        (site / f"{index:02d}.txt").write_text("\n".join(lines), encoding="utf-8")


def test_the_site_phrases_are_on_no_rule_list() -> None:
    for phrase in SITE_PHRASES:
        assert classify_chrome(phrase) == "page"  # no rule matched


def test_a_sites_recurring_lines_are_removed_and_a_shared_quote_survives(tmp_path: Path) -> None:
    build_site(tmp_path)
    result = archiver("clean", "--format", "json", str(tmp_path))
    assert result.returncode == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 30
    for record in records:
        for phrase in SITE_PHRASES:
            assert phrase not in record["text"]
        assert not re.search(r"阅读：\d+次", record["text"])
        learned = [r["line"] for r in record["removed"] if r["reason"] == "learned"]
        assert SITE_PHRASES[0] in learned
    quoting = [r for r in records if SHARED in r["text"]]
    assert sorted(Path(r["source"]).name for r in quoting) == ["03.txt", "17.txt"]


def test_learned_lines_are_kept_in_the_archive_for_single_files(tmp_path: Path) -> None:
    build_site(tmp_path / "corpus")
    archive = tmp_path / "archive"
    assert archiver("ingest", "-a", str(archive), str(tmp_path / "corpus")).returncode == 0
    single = tmp_path / "new.txt"
    single.write_text(f"新讲话\n{SITE_PHRASES[0]}\n正文一段。\n{SITE_PHRASES[3]}", encoding="utf-8")
    alone = json.loads(archiver("clean", "-f", "json", str(single)).stdout)
    assert SITE_PHRASES[0] in alone["text"]  # nothing learned without the archive
    informed = json.loads(archiver("clean", "-f", "json", "--archive", str(archive), str(single)).stdout)
    assert informed["text"] == "正文一段。"


def test_threshold_grows_with_the_site() -> None:
    assert threshold(30) == 4 and threshold(1000) == 100
    words = "甲乙丙丁戊己庚辛壬癸"
    with BoilerplateCounter() as counter:
        for index in range(10):
            counter.add("site", document_keys(f"页眉\n正文{words[index]}的一段不同内容\n本站页脚文字"))
        learned = counter.learned()
    matcher = learned.matcher("site")
    assert matcher("本站页脚文字") and not matcher("正文丙的一段不同内容")
    assert learned.matcher("elsewhere") is None


def test_copies_of_one_page_are_one_witness(tmp_path: Path) -> None:
    """A dump holding one speech many times must not learn the speech's own title and
    headings as the site's chrome."""
    build_site(tmp_path)
    speech = "长效机制建设讲话\n同志们：\n一、充分认识建设的重要性\n今天我们在这里召开现场会，总结经验。"
    for index in range(30):  # as many copies as the site has pages
        (tmp_path / "hongxing" / f"copy_{index:02d}.txt").write_text(speech, encoding="utf-8")
    result = archiver("clean", "--format", "json", str(tmp_path))
    assert result.returncode == 0
    copies = [json.loads(line) for line in result.stdout.splitlines() if "copy_" in json.loads(line)["source"]]
    assert len(copies) == 30
    for record in copies:
        assert record["title"] == "长效机制建设讲话"
        assert record["text"].startswith("同志们：\n一、充分认识建设的重要性")
        assert not [r for r in record["removed"] if r["reason"] == "learned"]
