"""WARC input: every response, resource or conversion record is a document keyed by URL."""

from __future__ import annotations

import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.sources import expand, site_of
from tests.test_cli import archiver

PAGES = Path(__file__).parent / "data" / "html"


def build_warc(path: Path) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        body = (PAGES / "farm_a.html").read_text(encoding="utf-8").encode("gbk")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "http://fanwen.example/a/1.html", "response", payload=io.BytesIO(body), http_headers=headers
            )
        )
        writer.write_record(
            writer.create_warc_record("http://fanwen.example/a/1.html", "request", payload=io.BytesIO(b"GET /a/1.html"))
        )
        text = "标题\n时间：2022-10-13\n同志们：\n今天开会。".encode("gbk")
        writer.write_record(
            writer.create_warc_record(
                "http://other.example/t.txt", "resource", payload=io.BytesIO(text), warc_content_type="text/plain"
            )
        )


def test_records_become_documents(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    build_warc(warc)
    documents = expand("crawl.warc.gz", warc.read_bytes())
    assert [d.key for d in documents] == ["http://fanwen.example/a/1.html", "http://other.example/t.txt"]
    assert site_of(documents[0].key, documents[0].url) == "fanwen.example"


def test_clean_and_ingest_a_warc(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc"
    build_warc(warc)
    result = archiver("clean", "--format", "json", str(warc))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == ["http://fanwen.example/a/1.html", "http://other.example/t.txt"]
    assert records[0]["title"] == "全县农村工作会议讲话" and records[0]["metadata"]["url"] == records[0]["source"]
    assert records[0]["text"].startswith("同志们：") and "相关推荐" not in records[0]["text"]
    assert records[1]["title"] == "标题" and records[1]["text"] == "同志们：\n今天开会。"
    archive = tmp_path / "archive"
    assert archiver("ingest", "-a", str(archive), str(warc)).returncode == 0
    listed = archiver("list", "-a", str(archive), "-f", "json").stdout.splitlines()
    assert [json.loads(line)["source"] for line in listed] == [r["source"] for r in records]


def test_a_broken_warc_is_one_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.warc"
    broken.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999\r\n\r\ntruncated")
    result = archiver("clean", str(broken))
    assert result.returncode == 1
    assert b"broken.warc" in result.stderr and b"Traceback" not in result.stderr
