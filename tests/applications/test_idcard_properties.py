"""Property-based tests of GB 11643 validation and the masking shown on screen."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from portal.formatting import mask_id_number, mask_phone
from portal.idcard import CHECK_CHARS, is_valid, make_id_number, validate_id_number

regions = st.sampled_from(["410402", "410403", "410411", "410421", "410482", "110105"])
births = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@given(regions, births, sequences)
def test_generated_numbers_validate(region, born, seq):
    number = make_id_number(region, born, seq)
    assert len(number) == 18
    assert is_valid(number)
    validate_id_number(number)
    validate_id_number(number.lower())  # a lower-case x is accepted


@given(regions, births, sequences, st.sampled_from(CHECK_CHARS))
def test_any_other_check_character_is_refused(region, born, seq, wrong):
    number = make_id_number(region, born, seq)
    if wrong == number[-1]:
        return
    bad = number[:-1] + wrong
    assert not is_valid(bad)
    with pytest.raises(ValidationError) as exc:
        validate_id_number(bad)
    assert exc.value.code == "id_checksum"


@given(regions, births, sequences, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_a_single_mistyped_digit_is_caught(region, born, seq, position, delta):
    number = make_id_number(region, born, seq)
    digit = (int(number[position]) + delta) % 10
    typo = number[:position] + str(digit) + number[position + 1 :]
    assert not is_valid(typo)


@given(st.text(alphabet="0123456789X", min_size=0, max_size=17))
def test_short_strings_are_refused(text):
    assert not is_valid(text)


@given(regions, births, sequences)
def test_masking_keeps_region_and_last_four_only(region, born, seq):
    number = make_id_number(region, born, seq)
    masked = mask_id_number(number)
    assert len(masked) == 18
    assert masked[:6] == region
    assert masked[-4:] == number[-4:]
    assert masked[6:14] == "*" * 8
    assert f"{born:%Y%m%d}" not in masked


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_mobile_masking(second, rest):
    phone = "1" + second + rest
    masked = mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]
