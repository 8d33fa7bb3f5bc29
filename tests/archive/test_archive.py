"""The versioned archive through the library and the CLI, as a user would drive it."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.archive.export import export, safe_relative_path
from archiver.archive.ingest import IngestOptions, ingest, reprocess
from archiver.archive.store import Archive
from archiver.archive.verify import verify

from .conftest import run_archiver


def test_ingest_then_reingest_is_idempotent(corpus: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    first = run_archiver("ingest", "--archive", str(archive), str(corpus))
    assert b"4 new, 0 changed, 0 unchanged, 0 failed" in first.stderr
    # From another working directory, with a relative path: the same documents.
    second = run_archiver("ingest", "--archive", str(archive), "corpus", cwd=tmp_path)
    assert b"0 new, 0 changed, 4 unchanged, 0 failed" in second.stderr
    listed = [
        json.loads(line) for line in run_archiver("list", "-a", str(archive), "--format", "json").stdout.splitlines()
    ]
    assert sorted(d["source"] for d in listed) == [
        "seed.txt",
        "speeches/constitution.txt",
        "speeches/county.txt",
        "speeches/taiwan.txt",
    ]
    assert all(d["versions"] == 1 for d in listed)
    seed = next(d for d in listed if d["source"] == "seed.txt")
    assert seed["title"] == "长效机制建立现场会讲话"


def test_a_changed_raw_makes_a_new_version_and_keeps_both_byte_exact(corpus: Path, tmp_path: Path) -> None:
    archive = str(tmp_path / "archive")
    page = corpus / "speeches" / "county.txt"
    original = page.read_bytes()
    run_archiver("ingest", "-a", archive, str(corpus))
    edited = original + "\n下一篇：另一篇讲话\n".encode("gbk")
    page.write_bytes(edited)
    out = run_archiver("ingest", "-a", archive, str(corpus))
    assert b"0 new, 1 changed, 3 unchanged" in out.stderr
    ident = "speeches/county.txt"
    assert run_archiver("show", "-a", archive, ident, "--version", "1", "--raw").stdout == original
    assert run_archiver("show", "-a", archive, ident, "--raw").stdout == edited
    log = [
        json.loads(line) for line in run_archiver("log", "-a", archive, ident, "--format", "json").stdout.splitlines()
    ]
    assert [entry["version"] for entry in log] == [1, 2]
    assert log[1]["encoding"] == "gb18030" and log[1]["pipeline_version"] and log[1]["options"] == {"script": "auto"}
    assert log[1]["removed"][-1]["reason"] == "navigation"
    # The clean text of both versions is the same body: the footer went to `removed`.
    assert run_archiver("diff", "-a", archive, ident).stdout == b""
    shown = run_archiver("show", "-a", archive, ident).stdout.decode()
    assert shown.startswith("讲话稿\n\n同志们：")


def test_reprocess_makes_versions_only_where_output_changes(corpus: Path, tmp_path: Path) -> None:
    with Archive.open(tmp_path / "archive", create=True) as archive:
        ingest(archive, [str(corpus)], IngestOptions(script="keep"), workers=1, quiet=True)
        summary = reprocess(archive, [], IngestOptions(script="keep"), workers=1, quiet=True)
        assert summary.counts == {"unchanged": 4}
        # The default pipeline converts the mixed farm page back to simplified.
        summary = reprocess(archive, [], IngestOptions(), workers=1, quiet=True)
        assert summary.counts["changed"] == 1 and summary.counts["unchanged"] == 3
        document_id, _ = archive.resolve("seed.txt")
        versions = archive.versions(document_id)
        assert [v.reason for v in versions] == ["ingest", "reprocess"]
        assert versions[0].raw_sha256 == versions[1].raw_sha256
        assert versions[1].script == "mixed" and "长效机制" in archive.blobs.get(versions[1].clean_sha256).decode()
    diff = run_archiver("diff", "-a", str(tmp_path / "archive"), "seed.txt", "1", "2").stdout.decode()
    assert diff.startswith("--- seed.txt (version 1)") and "+长效机制建立现场会讲话" in diff


def test_reprocess_in_parallel_visits_each_document_once_while_writing(tmp_path: Path) -> None:
    """Reprocess streams the documents from a snapshot while it adds versions: the
    versions it adds must not be picked up and reprocessed again."""
    from farm import build_farm_corpus

    build_farm_corpus(tmp_path / "corpus", 24, seed=5)
    with Archive.open(tmp_path / "archive", create=True) as archive:
        ingest(archive, [str(tmp_path / "corpus")], IngestOptions(script="keep"), workers=2, quiet=True)
        summary = reprocess(archive, [], IngestOptions(), workers=2, quiet=True)
        assert summary.counts == {"changed": 24}  # every farm page goes back to simplified
        assert {document["versions"] for document in archive.documents()} == {2}
        assert reprocess(archive, [], IngestOptions(), workers=2, quiet=True).counts == {"unchanged": 24}
        # Both versions of a document share one raw: one resource record, two conversions pointing at it.
        export(archive, tmp_path / "all.warc", "warc")
    resources: dict[str, str] = {}
    refers: list[tuple[str, str | None]] = []
    with (tmp_path / "all.warc").open("rb") as handle:
        for record in ArchiveIterator(handle):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type == "resource":
                resources[uri] = record.rec_headers.get_header("WARC-Record-ID")
            else:
                refers.append((uri, record.rec_headers.get_header("WARC-Refers-To")))
    assert len(resources) == 24 and len(refers) == 48
    assert all(resources[uri] == target for uri, target in refers)


def test_export_in_all_three_formats(corpus: Path, tmp_path: Path) -> None:
    archive = str(tmp_path / "archive")
    run_archiver("ingest", "-a", archive, str(corpus))
    jsonl = tmp_path / "out.jsonl"
    run_archiver("export", str(jsonl), "--format", "jsonl", "-a", archive)
    lines = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4 and all({"id", "text", "source", "metadata"} <= set(line) for line in lines)
    assert next(line for line in lines if line["source"] == "seed.txt")["metadata"]["title"] == "长效机制建立现场会讲话"

    tree = tmp_path / "tree"
    run_archiver("export", str(tree), "--format", "txt", "-a", archive)
    assert (tree / "speeches" / "taiwan.txt").read_text(encoding="utf-8").startswith("各位鄉親")

    warc = tmp_path / "out.warc.gz"
    run_archiver("export", str(warc), "--format", "warc", "-a", archive)
    raws, conversions = {}, []
    with warc.open("rb") as handle:
        for record in ArchiveIterator(handle):
            payload = record.content_stream().read()
            if record.rec_type == "resource":
                raws[record.rec_headers.get_header("WARC-Record-ID")] = (record.rec_headers, payload)
            else:
                assert record.rec_type == "conversion"
                conversions.append((record.rec_headers, payload))
    assert len(raws) == 4 and len(conversions) == 4
    for headers, _ in conversions:
        assert headers.get_header("WARC-Refers-To") in raws
    seed_raw = next(p for h, p in raws.values() if h.get_header("WARC-Target-URI").endswith("seed.txt"))
    assert seed_raw == (corpus / "seed.txt").read_bytes()


def test_export_never_writes_outside_out(tmp_path: Path) -> None:
    assert safe_relative_path("../../etc/passwd") == Path("etc/passwd")
    assert safe_relative_path("/etc/passwd") == Path("etc/passwd")
    assert safe_relative_path("..") == Path("_")
    with Archive.open(tmp_path / "archive", create=True) as archive:
        raw, _ = archive.blobs.put(b"raw")
        clean, _ = archive.blobs.put(b"clean\n")
        entry = {
            "raw_sha256": raw, "raw_size": 3, "clean_sha256": clean, "clean_size": 6, "encoding": "utf-8",
            "script": "none", "title": None, "date": None, "record": {}, "pipeline_version": "test", "options": {},
        }  # fmt: skip
        with archive.write():
            for source in ("../../escape.txt", "/tmp/absolute.txt", "a/../../b.txt"):
                archive.add_version(source, entry, "ingest")
        out = tmp_path / "nested" / "out"
        export(archive, out, "txt")
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.txt"))
    assert written == ["nested/out/a/b.txt", "nested/out/escape.txt", "nested/out/tmp/absolute.txt"]


def test_export_to_the_wrong_kind_of_path_says_so_in_one_line(tmp_path: Path) -> None:
    archive = str(tmp_path / "archive")
    run_archiver("ingest", "-a", archive, str(Path(__file__).parents[2] / "samples"))
    (tmp_path / "a_file.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "a_dir").mkdir()
    for out, fmt, message in [
        ("a_file.txt", "txt", "is a file; --format txt writes a directory tree there"),
        ("a_dir", "jsonl", "is a directory; --format jsonl writes one file"),
        ("a_file.txt/out.warc", "warc", "cannot write"),  # under a file
    ]:
        result = run_archiver("export", str(tmp_path / out), "-f", fmt, "-a", archive, check=False)
        errors = result.stderr.decode().splitlines()
        assert result.returncode == 1 and len(errors) == 1 and message in errors[0], errors
    assert (tmp_path / "a_file.txt").read_text(encoding="utf-8") == "mine"


def test_verify_catches_a_flipped_byte_and_a_missing_blob(corpus: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    run_archiver("ingest", "-a", str(archive), str(corpus))
    assert run_archiver("verify", "-a", str(archive)).returncode == 0
    blobs = sorted(p for p in (archive / "objects").rglob("*") if p.is_file())
    damaged = bytearray(blobs[0].read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    blobs[0].write_bytes(bytes(damaged))
    flipped = run_archiver("verify", "-a", str(archive), check=False)
    assert flipped.returncode == 1 and b"corrupt" in flipped.stderr
    blobs[1].unlink()
    missing = run_archiver("verify", "-a", str(archive), check=False)
    assert missing.returncode == 1 and b"missing" in missing.stderr


def test_bad_inputs_are_per_file_errors(tmp_path: Path) -> None:
    root = tmp_path / "bad"
    root.mkdir()
    (root / "good.txt").write_text("标题\n正文。", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    (root / "loop").symlink_to(root)
    (root / "vanished.txt").symlink_to(root / "gone-before-it-was-read.txt")
    os.close(os.open(os.fsencode(root) + b"/bad-\xff-name.txt", os.O_CREAT | os.O_WRONLY))
    result = run_archiver("ingest", "-a", str(tmp_path / "archive"), str(root), check=False)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    assert "1 new, 0 changed, 0 unchanged, 5 failed" in stderr
    for name, message in [
        ("empty.txt", "empty input"),
        ("photo.png", "PNG"),
        ("loop", "symlink loop"),
        ("vanished.txt", "no such file"),
        ("bad-\\xff-name.txt", "not valid UTF-8"),
    ]:
        assert any(name in line and message in line for line in stderr.splitlines()), (name, stderr)


def test_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    result = run_archiver("list", "-a", str(tmp_path / "nowhere"), check=False)
    assert result.returncode == 1 and b"no archive at" in result.stderr
    assert run_archiver("show", "-a", str(tmp_path / "nowhere"), "1", check=False).returncode == 1


def test_archive_env_variable(corpus: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ARCHIVER_ARCHIVE": str(tmp_path / "from-env")}
    run_archiver("ingest", str(corpus), env=env)
    assert (tmp_path / "from-env" / "archive.db").exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_library_ingest_and_verify(corpus: Path, tmp_path: Path, workers: int) -> None:
    with Archive.open(tmp_path / "archive", create=True) as archive:
        summary = ingest(archive, [str(corpus)], IngestOptions(), workers=workers, quiet=True)
        assert summary.counts["new"] == 4
        report = verify(archive)
        assert report.sound and report.versions_checked == 4 and not report.unreferenced
        assert (
            io.BytesIO(archive.blobs.get(archive.version(archive.resolve("seed.txt")[0]).raw_sha256)).read()
            == (corpus / "seed.txt").read_bytes()
        )
