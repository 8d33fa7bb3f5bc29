"""The CLI as a user meets it: real processes, real files, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SEED = Path(__file__).parent.parent / "samples" / "000_61d1a242538ca415.txt"


def archiver(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "archiver", *args], input=stdin, capture_output=True, timeout=120)


def test_clean_json_on_the_seed() -> None:
    result = archiver("clean", "--format", "json", str(SEED))
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == "长效机制建立现场会讲话"
    assert record["date"] == "2022-10-13T09:46:00"
    assert record["text"].startswith("同志们：")
    assert record["encoding"] == "utf-8" and record["script"] == "mixed"
    assert record["fixes"]["misaligned"] == 3 and record["fixes"]["pinyin"] == 1100
    assert {r["reason"] for r in record["removed"]} == {"header", "notice"}
    assert record["warnings"] == []


def test_clean_text_output_is_title_blank_line_body() -> None:
    result = archiver("clean", str(SEED))
    lines = result.stdout.decode().split("\n")
    assert lines[0] == "长效机制建立现场会讲话" and lines[1] == "" and lines[2] == "同志们："


def test_fix_is_a_stdin_filter_that_removes_nothing() -> None:
    result = archiver("fix", "-", stdin=SEED.read_bytes())
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.startswith("长效机制建立现场会讲话\n时间：2022-10-13 09:46:00\n导语：")
    assert "我们在落实制度" in out


def test_clean_writes_in_the_order_given_stdin_included(tmp_path: Path) -> None:
    names = []
    for number in range(1, 5):
        (tmp_path / f"f{number}.txt").write_text(f"标题{number}\n正文第{number}篇。\n", encoding="utf-8")
        names.append(str(tmp_path / f"f{number}.txt"))
    result = archiver("clean", "-f", "json", names[0], "-", *names[1:], stdin="标题\n标准输入的正文。\n".encode())
    sources = [json.loads(line)["source"] for line in result.stdout.splitlines()]
    assert result.returncode == 0 and sources == [names[0], "-", *names[1:]]


def test_fix_on_a_directory_says_to_use_clean(tmp_path: Path) -> None:
    for extra in ([], ["--jsonl"]):
        result = archiver("fix", *extra, str(tmp_path))
        assert result.returncode == 1
        expected = f"archiver: {tmp_path}: is a directory: fix takes one file or - (clean takes directories)\n"
        assert result.stderr.decode() == expected


def test_an_empty_tree_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".hidden.txt").write_text("标题\n正文。", encoding="utf-8")
    for command in (["clean"], ["inspect"], ["ingest", "--archive", str(tmp_path / "archive")]):
        result = archiver(*command, str(tmp_path / "empty"))
        assert result.returncode == 0 and result.stdout == b""
        assert "no files found in" in result.stderr.decode().splitlines()[-1]


def test_fix_explain_lists_fixes_on_stderr() -> None:
    result = archiver("fix", "--explain", "-", stdin="他(tā)说".encode())
    assert result.stdout.decode() == "他说"
    assert json.loads(result.stderr.splitlines()[0])["kind"] == "pinyin"


def test_fix_jsonl_is_a_streaming_record_filter(tmp_path: Path) -> None:
    seed_text = SEED.read_text(encoding="utf-8")
    stream = b"".join(
        [
            json.dumps({"id": "a", "text": seed_text}, ensure_ascii=False).encode() + b"\n",
            b"{oops\n",
            json.dumps({"id": "b", "text": "他(tā)说"}, ensure_ascii=False).encode() + b"\n",
        ]
    )
    result = archiver("fix", "--jsonl", "-", stdin=stream)
    assert result.returncode == 1  # one line failed; the others still came out
    first, broken, last = result.stdout.split(b"\n")[:3]
    assert "我们在落实制度" in json.loads(first)["text"] and broken == b"{oops"
    assert json.loads(last) == {"id": "b", "text": "他说"}
    errors = result.stderr.decode().splitlines()
    assert errors[0].startswith("archiver: -:2: not JSON") and errors[-1] == "archiver: 3 line(s): 2 repaired, 1 failed"
    missing = archiver("fix", "--jsonl", str(tmp_path / "missing.jsonl"))
    assert missing.returncode == 1 and missing.stderr.decode().count("\n") == 1


def test_an_archive_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    result = archiver("ingest", "--archive", str(tmp_path / "a_file" / "archive"), str(SEED))
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        f"archiver: cannot create the archive at {tmp_path / 'a_file' / 'archive'}: Not a directory"
    ]


def test_a_bug_is_reported_in_one_line_not_a_traceback() -> None:
    program = (
        "import sys, archiver.cli as cli\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('simulated bug')\n"
        "cli.inspect_bytes = broken\n"
        f"sys.argv = ['archiver', 'inspect', {str(SEED)!r}]\n"
        "cli.run()\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.decode() == "archiver: internal error (RuntimeError: simulated bug); please report it\n"


@pytest.fixture
def bad_inputs(tmp_path: Path) -> Path:
    (tmp_path / "good.txt").write_text("标题\n正文在这里。", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (tmp_path / "bundle.zip").write_bytes(b"PK\x03\x04" + bytes(32))
    (tmp_path / "big.txt").write_text("大" * 5000, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text("秘密", encoding="utf-8")
    locked.chmod(0)
    (tmp_path / "loop").symlink_to(tmp_path)
    return tmp_path


def test_bad_inputs_give_one_line_each_and_the_run_goes_on(bad_inputs: Path) -> None:
    result = archiver(
        "clean", "--format", "json", "--max-size", "10000", str(bad_inputs), str(bad_inputs / "missing.txt")
    )
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["source"]).name for r in records] == ["good.txt"] + (["locked.txt"] if os.geteuid() == 0 else [])
    errors = result.stderr.decode().splitlines()
    assert "Traceback" not in result.stderr.decode()
    expected = {
        "empty.txt": "empty input",
        "scan.pdf": "PDF",
        "photo.png": "PNG",
        "bundle.zip": "zip",
        "big.txt": "too large",
        "loop": "symlink loop",
        "missing.txt": "no such file",
    }
    for name, message in expected.items():
        assert any(name in line and message in line for line in errors), (name, errors)


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    locked = tmp_path / "locked.txt"
    locked.write_text("秘密", encoding="utf-8")
    locked.chmod(0)
    result = archiver("clean", str(locked))
    assert result.returncode == 1 and b"permission denied" in result.stderr


def test_directory_input_runs_in_parallel_in_input_order(tmp_path: Path) -> None:
    for index in range(6):
        (tmp_path / f"{index:02d}.txt").write_text(f"标题{index}\n第{index}篇正文。", encoding="utf-8")
    result = archiver("clean", "--format", "json", "--workers", "2", str(tmp_path))
    assert result.returncode == 0
    assert [json.loads(line)["title"] for line in result.stdout.splitlines()] == [f"标题{i}" for i in range(6)]


def test_inspect_changes_nothing_and_reports(tmp_path: Path) -> None:
    copy = tmp_path / "seed.txt"
    copy.write_bytes(SEED.read_bytes())
    result = archiver("inspect", "--format", "json", str(copy))
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["damage"]["misaligned"]["count"] == 3
    assert report["script"] == "mixed" and report["lossless"] is True
    assert copy.read_bytes() == SEED.read_bytes()


def test_help_and_version() -> None:
    assert b"clean" in archiver("--help").stdout
    assert archiver("--version").stdout.startswith(b"archiver ")
    assert archiver("clean", "--help").returncode == 0


def test_inspect_calls_an_inferred_lost_byte_not_lossless(tmp_path: Path) -> None:
    page = tmp_path / "lossy.txt"
    damaged = "我们要认真学习。\n大家都同意。".encode().decode("gb18030", errors="replace")
    page.write_text(damaged, encoding="utf-8")
    report = json.loads(archiver("inspect", "--format", "json", str(page)).stdout)
    assert report["damage"]["cjk_mojibake"]["count"] >= 1
    assert report["lossless"] is False and report["lost_bytes_inferred"] >= 1
    text = archiver("inspect", str(page)).stdout.decode()
    assert "lossless: no (" in text and "inferred from context" in text
