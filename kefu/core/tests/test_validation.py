"""Tests for kefu.core.validation: mainland phone numbers and resident ID numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.core.validation import (
    ID_CHECK_CHARS,
    PROVINCE_CODES,
    InvalidNumber,
    id_number_check_digit,
    normalize_phone,
    phone_kind,
    validate_id_number,
)

# --- phone numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # China Mobile
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("+8613912345678", "13912345678"),
        ("86 15012345678", "15012345678"),
        ("18751234567", "18751234567"),
        ("19812345678", "19812345678"),
        ("13412345678", "13412345678"),
        ("14712345678", "14712345678"),
        ("17812345678", "17812345678"),
        ("19512345678", "19512345678"),
        # China Unicom
        ("13012345678", "13012345678"),
        ("186-1234-5678", "18612345678"),
        ("15512345678", "15512345678"),
        ("16612345678", "16612345678"),
        ("17612345678", "17612345678"),
        ("19612345678", "19612345678"),
        # China Telecom
        ("13312345678", "13312345678"),
        ("18912345678", "18912345678"),
        ("17712345678", "17712345678"),
        ("19912345678", "19912345678"),
        ("19012345678", "19012345678"),
        ("15312345678", "15312345678"),
        # China Broadnet
        ("19212345678", "19212345678"),
        # Virtual operators (虚拟运营商)
        ("17012345678", "17012345678"),
        ("17112345678", "17112345678"),
        ("16712345678", "16712345678"),
        ("16512345678", "16512345678"),
        # Separators people actually type, full-width digits from a Chinese IME
        ("138.1234.5678", "13812345678"),
        ("  13812345678  ", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_normalize_mobile(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected
    assert phone_kind(expected) == "mobile"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Beijing 010
        ("010-62345678", "01062345678"),
        ("01062345678", "01062345678"),
        ("+86 10 6234 5678", "01062345678"),
        # Nanjing 025
        ("025-83456789", "02583456789"),
        ("(025)83456789", "02583456789"),
        ("（025）83456789", "02583456789"),
        ("02583456789", "02583456789"),
        ("025 8345 6789", "02583456789"),
        ("+86 25 8345 6789", "02583456789"),
        ("0086-025-83456789", "02583456789"),
        ("+86(0)25 83456789", "02583456789"),
        ("025－52345678", "02552345678"),
        # Shenzhen 0755
        ("0755-86013388", "075586013388"),
        ("0755 8601 3388", "075586013388"),
        # Shanghai, Suzhou, a 7-digit subscriber number in a smaller city
        ("021-51234567", "02151234567"),
        ("0512-65123456", "051265123456"),
        ("0913-8765432", "09138765432"),
    ],
)
def test_normalize_fixed_line(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected
    assert phone_kind(expected) == "fixed"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "电话",
        "1-800-FLOWERS",  # phonenumbers would map the letters onto keypad digits
        "13812345678abc",
        "138 1234 567",  # 10 digits
        "138123456789",  # 12 digits
        "1381234567",
        "12345678901",  # no such mobile prefix
        "14012345678",
        "10012345678",
        "83456789",  # local number without area code
        "6234567",
        "010-6234567",  # Beijing numbers have 8 digits
        "0797-81234567",
        "4008123123",  # 400 shared-cost service number
        "400-812-3123",
        "+86 400 812 3123",
        "8008208820",  # 800 toll-free
        "95598",  # short service codes
        "10010",
        "025-83456789#12",  # extensions cannot be stored
        "025-83456789 转 123",
        "025-83456789 ext 12",
        "++86 138",
    ],
)
def test_normalize_phone_rejects_invalid(raw: str) -> None:
    with pytest.raises(InvalidNumber) as excinfo:
        normalize_phone(raw)
    assert excinfo.value.code == "phone_invalid"


@pytest.mark.parametrize(
    "raw",
    [
        "+1 650 253 0000",  # United States
        "+44 20 7946 0958",  # United Kingdom
        "+852 9123 4567",  # Hong Kong mobile
        "00852 91234567",
        "+853 6612 3456",  # Macao
        "+886 912 345 678",  # Taiwan
        "+81 3-1234-5678",  # Japan
    ],
)
def test_normalize_phone_rejects_foreign(raw: str) -> None:
    with pytest.raises(InvalidNumber) as excinfo:
        normalize_phone(raw)
    assert excinfo.value.code == "phone_not_mainland"


def test_invalid_number_is_value_error_with_lazy_message() -> None:
    with pytest.raises(ValueError, match="phone_invalid") as excinfo:
        normalize_phone("4008123123")
    error = excinfo.value
    assert isinstance(error, InvalidNumber)
    assert error.args == ("phone_invalid",)
    # repr() and str() must work without configured Django settings.
    assert repr(error) == "InvalidNumber('phone_invalid')"
    assert str(error).startswith("phone_invalid")


@pytest.mark.parametrize("normalized", ["", "abc", "1381234567", "23812345678", "0251234", "+86"])
def test_phone_kind_rejects_non_normalized(normalized: str) -> None:
    with pytest.raises(InvalidNumber):
        phone_kind(normalized)


# --- ID numbers --------------------------------------------------------------------------

VALID_IDS = [
    "11010519491231002X",  # the example from GB 11643-1999
    "320106198502143015",  # 南京鼓楼, checked by hand
    "320115199608180026",
    "310115198805121635",
    "440305197911294719",
    "510107197701010036",
    "650102200002290052",  # leap day
    "110101199003078881",
    "540102197506120022",  # 拉萨
    "82010119800101123X",  # Macao region code
]


def test_valid_id_examples_are_self_consistent() -> None:
    for number in VALID_IDS:
        assert id_number_check_digit(number[:17]) == number[17]


@pytest.mark.parametrize("number", VALID_IDS)
def test_validate_id_number_accepts(number: str) -> None:
    assert validate_id_number(number) == number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", "11010519491231002X"),  # lower-case x accepted
        (" 110105 19491231 002X ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width IME input
        ("320106\u300019850214 3015", "320106198502143015"),  # ideographic space
    ],
)
def test_validate_id_number_normalises(raw: str, expected: str) -> None:
    assert validate_id_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "id_format"),
        ("110105194912310", "id_format"),  # old 15-digit number
        ("320106850214301", "id_format"),
        ("11010519491231002", "id_format"),  # 17 characters
        ("11010519491231002XX", "id_format"),
        ("1101051949123100X2", "id_format"),  # X only allowed last
        ("11010519491231002Y", "id_format"),
        ("A1010519491231002X", "id_format"),
        ("990105194912310027", "id_region"),  # region 99 does not exist
        ("001011199003078881", "id_region"),
        ("191011199003078881", "id_region"),
        ("720101199003078881", "id_region"),
        ("320000199003078881", "id_region"),  # province-level code, not a county
        ("320106199002313015", "id_birth_date"),  # 31 February
        ("320106198502303015", "id_birth_date"),  # 30 February
        ("320106199013013015", "id_birth_date"),  # month 13
        ("320106199001003015", "id_birth_date"),  # day 0
        ("320106190002293015", "id_birth_date"),  # 1900 was not a leap year
        ("320106189912313015", "id_birth_date"),  # before 1900
        ("440524188001010014", "id_birth_date"),  # 1880, the GB 11643 example
        ("320106209901013015", "id_birth_date"),  # future
        ("110105194912310021", "id_check_digit"),
        ("320106198502143016", "id_check_digit"),
        ("32010619850214301X", "id_check_digit"),
    ],
)
def test_validate_id_number_rejects(raw: str, code: str) -> None:
    with pytest.raises(InvalidNumber) as excinfo:
        validate_id_number(raw)
    assert excinfo.value.code == code


def test_checks_run_in_documented_order() -> None:
    # Bad region, bad date and bad check digit at once: the region is reported first.
    with pytest.raises(InvalidNumber) as excinfo:
        validate_id_number("990000199002310000")
    assert excinfo.value.code == "id_region"
    # Bad date and bad check digit: the date is reported first.
    with pytest.raises(InvalidNumber) as excinfo:
        validate_id_number("320106199002310000")
    assert excinfo.value.code == "id_birth_date"


def test_birth_date_boundary_uses_today() -> None:
    first17 = "32010620240615301"
    number = first17 + id_number_check_digit(first17)
    assert validate_id_number(number, today=dt.date(2024, 6, 15)) == number
    with pytest.raises(InvalidNumber) as excinfo:
        validate_id_number(number, today=dt.date(2024, 6, 14))
    assert excinfo.value.code == "id_birth_date"


def test_earliest_birth_year_is_1900() -> None:
    first17 = "11010519000101001"
    number = first17 + id_number_check_digit(first17)
    assert validate_id_number(number) == number


@pytest.mark.parametrize("bad", ["", "1234567890123456", "123456789012345678", "1101051949123100X"])
def test_check_digit_requires_17_digits(bad: str) -> None:
    with pytest.raises(InvalidNumber) as excinfo:
        id_number_check_digit(bad)
    assert excinfo.value.code == "id_format"


def test_every_check_character_is_reachable() -> None:
    # Varying the sequence digits must produce all 11 check characters, including X.
    seen = {id_number_check_digit(f"32010219900307{n:03d}") for n in range(1000)}
    assert seen == set(ID_CHECK_CHARS)


_REGIONS = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(min_value=1, max_value=9999).map(lambda n: f"{n:04d}"),
)
_BIRTH_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
_SEQUENCES = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@given(region=_REGIONS, birth=_BIRTH_DATES, sequence=_SEQUENCES, data=st.data())
def test_property_valid_numbers_pass_and_wrong_check_digit_fails(
    region: str, birth: dt.date, sequence: str, data: st.DataObject
) -> None:
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    check = id_number_check_digit(first17)
    assert validate_id_number(first17 + check) == first17 + check
    assert validate_id_number(first17 + check.lower()) == first17 + check

    wrong = data.draw(st.sampled_from([char for char in ID_CHECK_CHARS if char != check]))
    with pytest.raises(InvalidNumber) as excinfo:
        validate_id_number(first17 + wrong)
    assert excinfo.value.code == "id_check_digit"


def _library_path(raw: str) -> str | None:
    """normalize_phone with the plain-shape shortcut switched off: the library decides."""
    from unittest import mock

    from kefu.core import validation

    with mock.patch.object(validation, "_plain_number", return_value=None):
        try:
            return validation.normalize_phone(raw)
        except InvalidNumber:
            return None


def test_the_plain_shape_shortcut_agrees_with_the_phone_library() -> None:
    """The shortcut for plain mobiles and fixed lines (a million-row import's speed) gives
    exactly what phonenumbers gives, valid and invalid alike, over every prefix."""
    import random

    rng = random.Random(16)
    samples = [f"1{p:02d}{rng.randrange(10**8):08d}" for p in range(100) for _ in range(40)]
    for _ in range(6000):
        area = rng.choice([f"{rng.randrange(10, 100)}", f"{rng.randrange(100, 1000)}"])
        subscriber = str(rng.randrange(10**6, 10**8)).zfill(rng.choice([7, 8]))
        samples.append(f"0{area}{rng.choice(['', '-'])}{subscriber}")
    accepted = 0
    for raw in samples:
        expected = _library_path(raw)
        try:
            got: str | None = normalize_phone(raw)
        except InvalidNumber:
            got = None
        assert got == expected, raw
        accepted += got is not None
    assert accepted > len(samples) // 3  # both kinds of result were compared
