"""GBK byte facts the misaligned repair relies on, checked against the issue's account."""

from archiver.repair.gbk_bytes import (
    decode_pair,
    hidden_bytes,
    invalid_followers,
    is_user_defined,
    trail_chars,
    vanish_options,
)


def test_the_seed_spots_bytes() -> None:
    # 們 is 82 83 and 在 is D4 DA; the pair 83 D4 is 冊 (cè), so (cè) landed inside 在.
    assert decode_pair(0x82, 0x83) == "們" and decode_pair(0xD4, 0xDA) == "在"
    assert decode_pair(0x83, 0xD4) == "冊"
    assert 0xD4 in hidden_bytes(0x83, "cè")
    assert all(decode_pair(0x83, z) is not None for z in hidden_bytes(0x83, "cè"))
    # 對 lost A6 99, which fall in a user-defined area the farm's decoder dropped.
    assert is_user_defined(0xA6, 0x99) and not is_user_defined(0xD4, 0xDA)


def test_pairs_the_decoder_cannot_read() -> None:
    assert decode_pair(0xD4, 0x28) is None  # a lead byte before "(": the farm's "?"
    for lead in range(0x81, 0xFF):
        for follower in invalid_followers(lead):
            assert decode_pair(lead, follower) is None and not is_user_defined(lead, follower)
    assert all(char == bytes((0xB0, trail)).decode("gbk") for trail, char in trail_chars(0xB0))


def test_a_dropped_pair_must_complete_and_continue() -> None:
    for firsts, seconds in vanish_options(0x87, 0xA3):
        assert all(decode_pair(0x87, v1) == char for v1, char in firsts)
        assert all(decode_pair(v2, 0xA3) == char for v2, char in seconds)


def test_hidden_bytes_are_every_trail_spelling_a_reading() -> None:
    """The reading index must answer exactly what trying every trail byte answers."""
    import random

    from archiver.repair.readings import has_reading

    rng = random.Random(3)
    syllables = ["cè", "fù", "qū", "ji1", "ji", "ZHONG", "lü", "lv4", "de", "n", "m2", "shi4"]
    for syllable in syllables:
        for lead in [0x83, 0xD4, 0xF2, *rng.sample(range(0x81, 0xFF), 25)]:
            brute = tuple(
                z for z in range(0x40, 0xFF) if (c := decode_pair(lead, z)) is not None and has_reading(c, syllable)
            )
            assert hidden_bytes(lead, syllable) == brute, (syllable, hex(lead))
