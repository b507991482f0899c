"""ID numbers and credit codes: every valid one accepted, every single-character change refused."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from tongban.core.errors import InvalidInput
from tongban.identity import validators

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@st.composite
def resident_ids(draw):
    region = draw(st.from_regex(r"[1-9][0-9]{5}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=timezone.localdate()))
    seq = draw(st.integers(min_value=0, max_value=999))
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def credit_codes(draw):
    head = draw(st.from_regex(r"[0-9]{8}", fullmatch=True))
    tail = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    return head + tail + uscc.calc_check_digit(head + tail)


@given(resident_ids())
def test_every_generated_resident_id_is_accepted_with_its_birth_date_and_sex(number):
    rid = validators.resident_id(number)
    assert rid.number == number
    assert rid.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert rid.sex == ("M" if int(number[16]) % 2 else "F")


@settings(max_examples=200)
@given(resident_ids(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_change_of_a_resident_id_is_refused(number, position, char):
    if number[position] == char:
        char = "1" if char != "1" else "2"
    changed = number[:position] + char + number[position + 1 :]
    with pytest.raises(InvalidInput) as exc:
        validators.resident_id(changed)
    assert exc.value.field == "id_number"


@given(credit_codes())
def test_every_generated_credit_code_is_accepted(code):
    assert validators.credit_code(code) == code


@settings(max_examples=200)
@given(credit_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_any_single_character_change_of_a_credit_code_is_refused(code, position, char):
    if code[position] == char:
        char = "1" if char != "1" else "2"
    changed = code[:position] + char + code[position + 1 :]
    with pytest.raises(InvalidInput):
        validators.credit_code(changed)


def test_wrong_check_digit_says_so_in_chinese_and_english():
    body = "99010119900307123"
    wrong = "0" if ric.calc_check_digit(body + "0") != "0" else "1"
    with pytest.raises(InvalidInput) as exc:
        validators.resident_id(body + wrong)
    assert exc.value.message_zh == "身份证号校验位错误"
    assert exc.value.message_en == "The check digit of the ID number is wrong"


def test_impossible_birth_date_is_refused_even_with_a_correct_check_digit():
    body = "99010119900230123"  # 30 February
    with pytest.raises(InvalidInput) as exc:
        validators.resident_id(body + ric.calc_check_digit(body + "0"))
    assert "出生日期不存在" in exc.value.message_zh
    assert "does not exist" in exc.value.message_en


def test_future_birth_date_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)
    body = f"990101{tomorrow:%Y%m%d}123"
    with pytest.raises(InvalidInput) as exc:
        validators.resident_id(body + ric.calc_check_digit(body + "0"))
    assert "晚于今天" in exc.value.message_zh


def test_lowercase_x_and_spaces_are_normalised():
    body = "11010519491231002"
    number = body + ric.calc_check_digit(body + "0")
    assert number.endswith("X")
    assert validators.resident_id(" " + number.lower() + " ").number == number


@pytest.mark.parametrize(
    ("value", "zh"),
    [("", "请填写身份证号"), ("1234", "应为18位"), ("99010119900307A234", "前17位应为数字")],
)
def test_malformed_id_numbers(value, zh):
    with pytest.raises(InvalidInput) as exc:
        validators.resident_id(value)
    assert zh in exc.value.message_zh


def test_mobile_numbers():
    assert validators.mobile("+86 139-0000-0000") == "13900000000"
    with pytest.raises(InvalidInput):
        validators.mobile("12345678901")
    assert validators.mobile("", required=False) == ""
