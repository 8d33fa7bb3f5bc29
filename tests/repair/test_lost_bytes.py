"""Filling bytes lost to U+FFFD inside UTF-8 (the mojibake step's helper)."""

from archiver.lm import get_model
from archiver.repair.lost_bytes import HOLE, fill_holes


def with_hole(text: str, byte_index: int) -> bytes:
    data = bytearray(text.encode("utf-8"))
    data[byte_index] = HOLE
    return bytes(data)


def test_a_lost_byte_in_a_word_is_filled() -> None:
    # 中 is E4 B8 AD: losing AD leaves 64 candidates, of which only 中 makes 中華民國.
    assert fill_holes(with_hole("中華民國", 2), get_model()) == ("中華民國", 0)


def test_a_lost_stop_before_a_line_end_is_a_stop_only_there() -> None:
    data = with_hole("大家都同意。", len("大家都同意。".encode()) - 1)  # 。 is E3 80 82
    assert fill_holes(data, get_model(), ends_line=True) == ("大家都同意。", 0)
    text, unresolved = fill_holes(data, get_model(), ends_line=False)
    assert text == "大家都同意\ufffd" and unresolved == 1  # mid-line, 、 and 。 tie


def test_bytes_no_utf8_reading_fits_are_refused() -> None:
    assert fill_holes(b"\xe4\xb8", get_model()) is None
