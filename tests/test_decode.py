import codecs
import random

import pytest
from farm import read_clean

from archiver.decode import decode_bytes
from archiver.errors import InputError

SENTENCE = "长效机制建立现场会讲话，我们在落实制度方面还存在着一些问题。"


@pytest.mark.parametrize("encoding", ["gbk", "gb2312", "gb18030"])
def test_gb_family_decodes_with_the_superset(encoding: str) -> None:
    decoded = decode_bytes(SENTENCE.encode(encoding))
    assert decoded.text == SENTENCE
    assert decoded.encoding == "gb18030"
    assert 0 < decoded.confidence <= 1


def test_short_gbk_text_that_chardet_misreads() -> None:
    decoded = decode_bytes("我们".encode("gbk"))
    assert decoded.text == "我们"


def test_big5() -> None:
    text = "中華民國基於三民主義，為民有民治民享之民主共和國。"
    decoded = decode_bytes(text.encode("big5"))
    assert decoded.text == text and decoded.encoding == "big5hkscs"


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_byte_order_marks(bom: bytes, encoding: str) -> None:
    decoded = decode_bytes(bom + SENTENCE.encode(encoding))
    assert decoded.text == SENTENCE and decoded.evidence == "byte-order mark"


def test_mixed_encodings_are_decoded_line_by_line() -> None:
    data = "第一行是UTF-8\n".encode() + "第二行是国标码\n".encode("gbk") + "第三行是大五碼".encode("big5")
    decoded = decode_bytes(data)
    assert decoded.text == "第一行是UTF-8\n第二行是国标码\n第三行是大五碼"
    assert decoded.line_encodings == {"utf-8": 1, "gb18030": 1, "big5hkscs": 1}


def test_japanese_and_korean_keep_their_codecs() -> None:
    assert decode_bytes("こんにちは、世界".encode("shift_jis")).text == "こんにちは、世界"
    assert decode_bytes("대한민국 헌법".encode("euc-kr")).text == "대한민국 헌법"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"PK\x03\x04\x14\x00", "zip"),
        (b"abc\x00\x01\x02def", "NUL"),
        (random.Random(4).randbytes(300).replace(b"\x00", b"\x01"), "control bytes"),
    ],
)
def test_binary_and_empty_input_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_bytes(data)


def test_compressed_data_without_a_signature_is_refused() -> None:
    import lzma

    speech = read_clean("hans_seed_speech.txt").encode("utf-8")
    packed = lzma.compress(speech, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2}])
    packed = packed.replace(b"\x00", b"\x01")  # no NUL byte to give it away
    with pytest.raises(InputError, match="control bytes"):
        decode_bytes(packed)


def test_a_few_stray_control_bytes_do_not_make_text_binary() -> None:
    for repeats in (1, 40):  # few in all; many, but a small share of the bytes
        text = "第一段\x07内容。\n第二段\x1a内容。\f\n第三段\x1b[0m内容。\n" * repeats
        assert decode_bytes(text.encode("utf-8")).text == text
        assert decode_bytes(text.encode("gbk")).text == text
