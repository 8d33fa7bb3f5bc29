"""JSON-lines filtering: one record a document, unchanged lines byte-exact, streaming."""

from __future__ import annotations

import json

from farm import farm_damage, read_clean

from archiver.jsonl import FIXES_KEY, JsonlOptions, batches, filter_jsonl, fix_record_line


def _line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


def test_each_record_gets_its_own_script_decision() -> None:
    farm = read_clean("hans_speech.txt")
    taiwanese = read_clean("hant_speech.txt")
    repaired = fix_record_line(_line({"id": 1, "text": farm_damage(farm), "lang": "zh"}), JsonlOptions())
    assert repaired.repaired and repaired.error is None
    record = json.loads(repaired.line)
    assert record == {"id": 1, "text": farm, "lang": "zh"}  # other fields and their order kept
    kept = _line({"id": 2, "text": taiwanese})
    assert fix_record_line(kept, JsonlOptions()).line == kept  # traditional stays, byte for byte


def test_a_chosen_field_and_fix_counts() -> None:
    damaged = "我们在落实制度方面".encode().decode("gbk", errors="replace")
    result = fix_record_line(_line({"content": damaged, "text": "不动"}), JsonlOptions(field="content", explain=True))
    record = json.loads(result.line)
    assert record["content"] == "我们在落实制度方面" and record["text"] == "不动"
    assert record[FIXES_KEY] == {"cjk_mojibake": 1}


def test_lines_that_are_not_records_pass_through_unchanged_and_are_reported() -> None:
    options = JsonlOptions()
    for line, reason in [
        (b"not json\n", "not JSON"),
        (b"[1, 2]\n", "not a JSON object"),
        (b'{"body": "x"}\n', "no string field 'text'"),
        (b'{"text": 3}\n', "no string field 'text'"),
        (b'{"text": "\xff"}\n', "not UTF-8"),
    ]:
        result = fix_record_line(line, options)
        assert result.line == line and result.error is not None and reason in result.error
    assert fix_record_line(b"\n", options).error is None
    too_big = _line({"text": "字" * 100})
    assert "over the limit" in (fix_record_line(too_big, JsonlOptions(max_bytes=50)).error or "")


def test_the_stream_comes_out_in_order_with_its_line_endings() -> None:
    damaged = farm_damage(read_clean("hans_zhe.txt"))
    lines = [_line({"n": n, "text": damaged if n % 3 == 0 else "干净的文字。"}) for n in range(151)]
    lines[7] = b"broken\r\n"
    lines[-1] = lines[-1].rstrip(b"\n")  # a last line without a newline stays without one
    out: list[bytes] = []
    errors: list[tuple[int, str]] = []
    report = lambda number, error: errors.append((number, error))  # noqa: E731
    summary = filter_jsonl(iter(lines), out.append, JsonlOptions(), workers=2, on_error=report)
    assert [json.loads(line)["n"] for line in out if line != b"broken\r\n"] == [n for n in range(151) if n != 7]
    assert out[7] == b"broken\r\n" and errors == [(8, "not JSON (Expecting value at column 1)")]
    assert json.loads(out[-1])["text"] != damaged  # the last line was repaired...
    assert not out[-1].endswith(b"\n") and out[-2].endswith(b"\n")  # ...and still has no newline
    assert summary.lines == 151 and summary.failed == 1 and summary.repaired == 51


def test_batches_hold_a_bounded_number_of_lines() -> None:
    sizes = [len(batch) for batch in batches(iter([b"x\n"] * 130), size=64)]
    assert sizes == [64, 64, 2]


def test_any_line_comes_out_whole_or_repaired_as_json() -> None:
    """Property: whatever a line holds, the filter never raises; a line it does not
    repair comes out byte for byte, one it repairs is a JSON object with the same keys."""
    import os

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    texts = st.text(alphabet=st.sampled_from(list('機(jī)關,中文?qū)C\ufffdÃ©"\\\n{}[]:')), max_size=30)
    values = st.one_of(texts, st.integers(), st.none(), st.lists(st.integers(), max_size=2))
    records = st.dictionaries(st.sampled_from(["text", "id", "x"]), values, max_size=3)
    lines = st.one_of(st.binary(max_size=40), records.map(lambda r: json.dumps(r, ensure_ascii=False).encode()))

    @settings(
        max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "150")),
        derandomize=os.environ.get("HYPOTHESIS_DERANDOMIZE") == "1",
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(lines, st.sampled_from([b"", b"\n", b"\r\n"]))
    def check(line: bytes, ending: bytes) -> None:
        result = fix_record_line(line + ending, JsonlOptions())
        if result.repaired:
            assert result.error is None and result.line.endswith(ending)
            assert json.loads(result.line).keys() == json.loads(line).keys()
        else:
            assert result.line == line + ending

    check()
