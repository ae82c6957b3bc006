"""The formats a receptionist types at the window: resident IDs (GB 11643-1999), mobiles and
landlines. Property-based: any valid ID or phone, typed any reasonable way, is accepted and
normalised; any single wrong character is refused with the message that names it."""

import datetime
import re
import string

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from intake.validators import (
    PROVINCE_CODES,
    mask_id_number,
    normalise_landline,
    normalise_mobile,
    parse_resident_id,
    phone_lookup_key,
)
from petition_desk.validators import validate_record_date


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English; the page tests check them in Chinese."""
    with translation.override("en"):
        yield


# A fixed "today", passed to the parser, so that no test depends on the day it runs.
TODAY = datetime.date(2025, 6, 30)
CHECK_CHARS = "0123456789X"


def reference_check_char(first17: str) -> str:
    """GB 11643 written independently of the code under test: the weight of the digit at position
    i (counted from the right, the check char being position 1) is 2^(i-1) mod 11, and the check
    value is the one that makes the weighted sum ≡ 1 (mod 11); 10 is written X."""
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def code_of(error: ValidationError) -> str:
    return error.error_list[0].code


digits = st.text(alphabet=string.digits, min_size=1, max_size=1)
provinces = st.sampled_from(sorted(PROVINCE_CODES))
regions = st.text(alphabet=string.digits, min_size=4, max_size=4)
birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
sequences = st.text(alphabet=string.digits, min_size=3, max_size=3)


@st.composite
def valid_ids(draw) -> str:
    first17 = draw(provinces) + draw(regions) + f"{draw(birth_dates):%Y%m%d}" + draw(sequences)
    return first17 + reference_check_char(first17)


@st.composite
def with_separators(draw, text: str, separators=(" ", "-")) -> str:
    """The text with spaces or hyphens typed between some of its characters."""
    parts = []
    for char in text:
        parts.append(char)
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(separators)) * draw(st.integers(1, 2)))
    return "".join(parts)


def test_reference_check_char_agrees_with_the_standard_examples():
    # given the example of GB 11643-1999 itself and the brief's example
    # then the test's own implementation computes their check characters
    assert reference_check_char("44052418800101001") == "4"
    assert reference_check_char("11010519491231002") == "X"


# --- resident ID: accepted --------------------------------------------------------------------


@given(number=valid_ids())
@example(number="11010519491231002X")
@example(number="440524188001010014")
def test_a_valid_resident_id_is_accepted_with_birth_date_and_gender(number):
    # when
    resident_id = parse_resident_id(number, today=TODAY)

    # then
    assert resident_id.number == number
    assert resident_id.birth_date == datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert resident_id.gender == ("male" if int(number[16]) % 2 == 1 else "female")


def test_the_brief_example_is_a_woman_born_on_new_years_eve_1949():
    resident_id = parse_resident_id("11010519491231002X", today=TODAY)

    assert resident_id.birth_date == datetime.date(1949, 12, 31)
    assert resident_id.gender == "female"
    assert resident_id.masked == "1101**********002X"


@st.composite
def ids_ending_in_x(draw) -> str:
    prefix = draw(provinces) + draw(regions) + f"{draw(birth_dates):%Y%m%d}"
    sequences_giving_x = [f"{n:03d}" for n in range(1000) if reference_check_char(f"{prefix}{n:03d}") == "X"]
    return prefix + draw(st.sampled_from(sequences_giving_x)) + "X"


@given(number=ids_ending_in_x())
def test_a_lowercase_x_is_accepted_and_upper_cased(number):
    # given an ID whose check character is X, typed with a lowercase x
    typed = number[:17] + "x"

    # when
    resident_id = parse_resident_id(typed, today=TODAY)

    # then
    assert resident_id.number == number


@given(data=st.data(), number=valid_ids())
def test_spaces_and_hyphens_typed_inside_an_id_are_ignored(data, number):
    typed = data.draw(with_separators(number))

    assert parse_resident_id(f" {typed} ", today=TODAY).number == number


def test_an_id_typed_in_full_width_digits_is_the_same_id():
    """A Chinese input method in full-width mode types １１０１…: the same person, the same number
    (otherwise the same ID could be registered twice, once per way of typing it)."""
    full_width = "１１０１０５ １９４９１２３１ ００２ｘ"

    assert parse_resident_id(full_width, today=TODAY).number == "11010519491231002X"


@given(value=st.text(max_size=25))
@example(value="11010519491231002²")
@example(value="1101051949123100٢X")
@example(value="11²10519491231002X")
def test_any_typed_text_is_either_a_clean_ascii_id_or_refused(value):
    """Whatever is typed, the parser never fails with anything but a ValidationError, and what it
    accepts is 17 ASCII digits and a digit or X (so that the same ID always hashes the same)."""
    try:
        resident_id = parse_resident_id(value, today=TODAY)
    except ValidationError:
        return
    assert re.fullmatch(r"[0-9]{17}[0-9X]", resident_id.number)


# --- resident ID: refused ---------------------------------------------------------------------


@given(data=st.data(), number=valid_ids())
def test_any_other_check_char_is_refused_with_the_check_digit_message(data, number):
    # given the same 17 digits with any other check character, upper or lower case
    wrong = data.draw(st.sampled_from([char for char in CHECK_CHARS if char != number[17]]))
    wrong = data.draw(st.sampled_from([wrong, wrong.lower()]))

    # when / then
    with pytest.raises(ValidationError) as error:
        parse_resident_id(number[:17] + wrong, today=TODAY)
    assert code_of(error.value) == "id_check_digit"
    assert "check digit" in error.value.messages[0]


@given(data=st.data(), number=valid_ids())
def test_changing_one_digit_of_the_body_is_refused(data, number):
    """A single mistyped digit anywhere is caught (by the check digit, or earlier by the region or
    the date): GB 11643's check detects every single-character error."""
    position = data.draw(st.integers(0, 16))
    replacement = data.draw(st.sampled_from([d for d in string.digits if d != number[position]]))
    typo = number[:position] + replacement + number[position + 1 :]

    with pytest.raises(ValidationError) as error:
        parse_resident_id(typo, today=TODAY)
    assert code_of(error.value) in {
        "id_check_digit",
        "id_region",
        "id_birth_date",
        "id_birth_future",
        "id_birth_too_old",
    }


@pytest.mark.parametrize(
    "birth",
    ["19490230", "19491301", "19490001", "19490100", "19000229", "20230229", "19490431"],
    ids=["feb-30", "month-13", "month-00", "day-00", "1900-not-leap", "2023-not-leap", "april-31"],
)
def test_an_impossible_birth_date_is_refused(birth):
    first17 = "320509" + birth + "123"
    number = first17 + reference_check_char(first17)

    with pytest.raises(ValidationError) as error:
        parse_resident_id(number, today=TODAY)
    assert code_of(error.value) == "id_birth_date"
    assert "not a real date" in error.value.messages[0]


def test_a_leap_day_birth_is_accepted():
    first17 = "32050920000229123"

    assert parse_resident_id(first17 + reference_check_char(first17), today=TODAY).birth_date == (
        datetime.date(2000, 2, 29)
    )


@given(days_ahead=st.integers(1, 3650))
def test_a_birth_date_after_today_is_refused(days_ahead):
    birth = TODAY + datetime.timedelta(days=days_ahead)
    first17 = f"320509{birth:%Y%m%d}123"

    with pytest.raises(ValidationError) as error:
        parse_resident_id(first17 + reference_check_char(first17), today=TODAY)
    assert code_of(error.value) == "id_birth_future"


def test_a_baby_born_today_is_accepted():
    first17 = f"320509{TODAY:%Y%m%d}123"

    assert parse_resident_id(first17 + reference_check_char(first17), today=TODAY).birth_date == TODAY


@given(value=st.text(alphabet=string.digits, max_size=30).filter(lambda text: len(text) != 18))
def test_a_number_of_the_wrong_length_is_refused(value):
    with pytest.raises(ValidationError) as error:
        parse_resident_id(value, today=TODAY)
    assert code_of(error.value) == "id_length"
    assert f"this one has {len(value)}" in error.value.messages[0]


@given(data=st.data(), number=valid_ids())
def test_a_letter_inside_the_number_is_refused(data, number):
    # given a letter in one of the 17 digit positions, or a letter other than X at the end
    position = data.draw(st.integers(0, 17))
    letters = (
        string.ascii_letters if position < 17 else string.ascii_letters.replace("x", "").replace("X", "")
    )
    typo = number[:position] + data.draw(st.sampled_from(letters)) + number[position + 1 :]

    with pytest.raises(ValidationError) as error:
        parse_resident_id(typo, today=TODAY)
    assert code_of(error.value) == "id_characters"


def test_an_unknown_province_code_is_refused():
    first17 = "99010519491231002"

    with pytest.raises(ValidationError) as error:
        parse_resident_id(first17 + reference_check_char(first17), today=TODAY)
    assert code_of(error.value) == "id_region"


# --- masking ----------------------------------------------------------------------------------


@given(number=valid_ids())
def test_an_id_is_masked_to_its_first_four_and_last_four(number):
    masked = mask_id_number(number)

    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert parse_resident_id(number, today=TODAY).masked == masked
    # the birth date and the sequence are hidden
    assert number[6:14] not in masked


@pytest.mark.parametrize(("number", "masked"), [("", ""), ("1234", "****"), ("E1234567", "********")])
def test_a_short_document_number_is_masked_entirely(number, masked):
    assert mask_id_number(number) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [("E12345678", "E******78"), ("H1234567890", "H********90"), ("G12345678901", "G1********01")],
)
def test_a_passport_shows_a_third_of_its_number_at_most(number, masked):
    assert mask_id_number(number) == masked


@given(number=st.text(alphabet=string.ascii_uppercase + string.digits, min_size=4, max_size=30))
def test_no_document_shows_more_than_a_third_of_its_number_or_eight_characters(number):
    masked = mask_id_number(number)

    assert len(masked) == len(number)
    shown = len(masked) - masked.count("*")
    assert shown <= max(len(number) // 3, 8 if len(number) >= 18 else 0)
    assert all(m in ("*", c) for m, c in zip(masked, number, strict=True))


# --- mobile -----------------------------------------------------------------------------------

mobiles = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet=string.digits, min_size=9, max_size=9),
)


@given(data=st.data(), mobile=mobiles, prefix=st.sampled_from(["", "+86", "86", "+86 ", "+86-"]))
@example(data=None, mobile="13912345678", prefix="+86 ")
def test_a_mobile_typed_any_way_is_normalised_to_its_11_digits(data, mobile, prefix):
    typed = prefix + (data.draw(with_separators(mobile)) if data else "139 1234 5678")

    assert normalise_mobile(typed) == mobile
    assert phone_lookup_key(typed) == mobile


def test_a_mobile_typed_in_full_width_digits_is_normalised_to_ascii():
    assert normalise_mobile("１３９ １２３４ ５６７８") == "13912345678"


@pytest.mark.parametrize(
    "typed",
    ["12912345678", "1391234567", "139123456789", "23912345678", "+87 13912345678", "139-1234-567a", ""],
    ids=["starts-12", "10-digits", "12-digits", "starts-2", "other-country", "letter", "empty"],
)
def test_a_wrong_mobile_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalise_mobile(typed)
    assert code_of(error.value) == "mobile"
    assert "11 digits starting with 13–19" in error.value.messages[0]


@given(second=st.sampled_from("012"), rest=st.text(alphabet=string.digits, min_size=9, max_size=9))
def test_a_mobile_starting_10_11_or_12_is_refused(second, rest):
    with pytest.raises(ValidationError):
        normalise_mobile("1" + second + rest)


@given(value=st.text(max_size=20))
@example(value="１３９١٢٣٤٥٦٧٨٩")
def test_an_accepted_mobile_is_always_11_ascii_digits(value):
    try:
        mobile = normalise_mobile(value)
    except ValidationError:
        return
    assert re.fullmatch(r"1[3-9][0-9]{9}", mobile)


# --- landline ---------------------------------------------------------------------------------

# China's area codes: 010 and 020–029 have three digits, every other one four (0311, 0512, …).
area_codes = st.one_of(
    st.just("010"),
    st.builds(lambda d: "02" + d, digits),
    st.builds(
        lambda d, e: "0" + d + e, st.sampled_from("3456789"), st.text(string.digits, min_size=2, max_size=2)
    ),
)
local_numbers = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("23456789"),
    st.one_of(st.text(string.digits, min_size=6, max_size=6), st.text(string.digits, min_size=7, max_size=7)),
)


@st.composite
def landline_typings(draw, area: str, number: str) -> str:
    """One of the ways staff write a landline down."""
    between = draw(st.sampled_from(["-", " ", "", ")", "）"]))
    opening = {")": "(", "）": "（"}.get(between, "")
    body = draw(st.sampled_from([number, number[:4] + " " + number[4:]]))
    return opening + area + between + body


@given(data=st.data(), area=area_codes, number=local_numbers)
@example(data=None, area="0512", number="63001234")
@example(data=None, area="010", number="12345678")
def test_a_landline_typed_any_way_is_normalised(data, area, number):
    typed = data.draw(landline_typings(area, number)) if data else f"{area} {number}"

    assert normalise_landline(typed) == f"{area}-{number}"
    assert phone_lookup_key(typed) == area + number


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("0512-63001234", "0512-63001234"),
        ("(0512) 6300 1234", "0512-63001234"),
        ("051263001234", "0512-63001234"),
        ("010 12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("0512-63001234转123", "0512-63001234-123"),
        ("0512-63001234 ext. 123", "0512-63001234-123"),
        ("0512-63001234#8", "0512-63001234-8"),
    ],
)
def test_landline_examples(typed, normalised):
    assert normalise_landline(typed) == normalised


@given(area=area_codes, number=local_numbers, extension=st.text(string.digits, min_size=1, max_size=6))
def test_a_normalised_landline_is_accepted_again_unchanged(area, number, extension):
    """What the desk shows (0512-63001234-123) can be typed or pasted back: same number, same key."""
    for typed in (f"{area}-{number}", f"{area}-{number}转{extension}"):
        shown = normalise_landline(typed)

        assert normalise_landline(shown) == shown
        assert phone_lookup_key(shown) == phone_lookup_key(typed)


@pytest.mark.parametrize(
    "typed",
    ["512-63001234", "0512-123456", "0512-123456789", "0512-6300123a", "63001234", "0512-63001234转1234567"],
    ids=["no-leading-0", "6-digits", "9-digits", "letter", "no-area-code", "extension-too-long"],
)
def test_a_wrong_landline_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalise_landline(typed)
    assert code_of(error.value) == "landline"
    assert "0512-63001234" in error.value.messages[0]


@given(data=st.data(), mobile=mobiles)
def test_every_typing_of_a_mobile_has_the_same_lookup_key(data, mobile):
    first = data.draw(st.sampled_from(["", "+86", "86"])) + data.draw(with_separators(mobile))
    second = data.draw(st.sampled_from(["", "+86 ", "86-"])) + data.draw(with_separators(mobile))

    assert phone_lookup_key(first) == phone_lookup_key(second) == mobile


@pytest.mark.parametrize("typed", ["", "   ", "王秀英", "12345", "黎里镇汾湖大道1号"])
def test_what_is_not_a_phone_has_no_lookup_key(typed):
    assert phone_lookup_key(typed) is None


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        # 2000-01-01 00:30 in Beijing, the bureau's first day, given in UTC: judged by its UTC date
        # it read as 1999-12-31 and was refused.
        (datetime.datetime(1999, 12, 31, 16, 30, tzinfo=datetime.UTC), True),
        # 2100-01-01 00:30 in Beijing is past the last day, though its UTC date is not.
        (datetime.datetime(2099, 12, 31, 16, 30, tzinfo=datetime.UTC), False),
    ],
)
def test_a_moment_is_judged_by_its_day_in_the_bureaus_time_zone(moment, accepted):
    if accepted:
        validate_record_date(moment)
    else:
        with pytest.raises(ValidationError):
            validate_record_date(moment)
