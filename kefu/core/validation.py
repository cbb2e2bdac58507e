"""Validation shared by forms, the API, the services, commands and imports: mainland
China phone numbers, resident ID numbers (居民身份证号码), the span of times kefu accepts,
and the length of text a model's column holds.

Pure functions with no database access, so every caller can share them. Errors are
:class:`InvalidValue` (:class:`InvalidNumber`, :class:`InvalidInstant`) carrying a stable
machine ``code`` and a lazily translated ``message``; callers compare codes, never message
text. :func:`check_lengths` raises the services' :class:`~kefu.core.errors.Invalid`.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import unicodedata
from typing import Annotated, Any, Final

import phonenumbers
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from pydantic import AfterValidator

from kefu.core.errors import Invalid

__all__ = [
    "CHINA_TZ",
    "EARLIEST",
    "FIXED",
    "ID_CHECK_CHARS",
    "ID_WEIGHTS",
    "LATEST",
    "MOBILE",
    "PROVINCE_CODES",
    "Day",
    "Instant",
    "InvalidInstant",
    "InvalidNumber",
    "InvalidValue",
    "check_day",
    "check_fields",
    "check_instant",
    "check_lengths",
    "id_number_check_digit",
    "instant_problem",
    "normalize_phone",
    "phone_kind",
    "seconds_in_range",
    "too_long",
    "validate_id_number",
]

# China has had no daylight saving time since 1991, so a fixed offset is exact and avoids
# depending on the tz database being installed.
CHINA_TZ: Final = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

MOBILE: Final = "mobile"
FIXED: Final = "fixed"

_ACCEPTED_TYPES: Final = frozenset(
    {
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE,
        # Not produced for CN by current metadata; should that change, phone_kind() still
        # tells the two apart from the digits.
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)
_SERVICE_TYPES: Final = frozenset(
    {
        PhoneNumberType.TOLL_FREE,
        PhoneNumberType.SHARED_COST,
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.UAN,
        PhoneNumberType.VOIP,
    }
)

# Province-level codes of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macao included).
PROVINCE_CODES: Final[frozenset[str]] = frozenset(
    [str(code) for code in range(11, 16)]
    + [str(code) for code in range(21, 24)]
    + [str(code) for code in range(31, 38)]
    + [str(code) for code in range(41, 47)]
    + [str(code) for code in range(50, 55)]
    + [str(code) for code in range(61, 66)]
    + ["71", "81", "82"]
)
ID_WEIGHTS: Final[tuple[int, ...]] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS: Final = "10X98765432"
_ZERO_WEIGHT: Final = ord("0") * sum(ID_WEIGHTS)
_ID_RE: Final = re.compile(r"[0-9]{17}[0-9X]")
_DIGITS_RE: Final = re.compile(r"[0-9]+")
_MIN_BIRTH_YEAR: Final = 1900


class InvalidValue(ValueError):
    """A value from outside that cannot be accepted.

    ``code`` is stable and meant for programs and tests; ``message`` is a lazy translation
    meant for people (it may be wrapped in a Django ``ValidationError`` as is).
    """

    code: str
    message: str | Promise

    def __init__(self, code: str, message: str | Promise) -> None:
        # Only the code goes into args: the default repr() would otherwise force the lazy
        # message, which fails wherever Django settings are not configured.
        super().__init__(code)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        # Forcing a lazy translation needs configured settings; scripts and tests that never
        # configure Django should still get a readable traceback instead of a second error.
        try:
            return f"{self.code}: {self.message}"
        except ImproperlyConfigured:
            return self.code


class InvalidNumber(InvalidValue):
    """A phone or ID number that cannot be accepted."""


class InvalidInstant(InvalidValue):
    """A time outside the span kefu accepts (:data:`EARLIEST` to :data:`LATEST`)."""


# --- times -------------------------------------------------------------------------------

# Every time that comes in (API, forms, commands, imports) lies in [EARLIEST, LATEST). Before
# 1970 no contact-centre record exists, and zones then had offsets in seconds (Shanghai's
# local mean time, +08:05:43, until 1901), which RFC 3339 cannot write; beyond 2099 a time is
# a typo or a garbled field, and some platforms cannot hold it (a 32-bit time_t, Python's
# year 9999).
EARLIEST: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST: Final = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
_EARLIEST_SECONDS: Final = EARLIEST.timestamp()
_LATEST_SECONDS: Final = LATEST.timestamp()


def seconds_in_range(seconds: float) -> bool:
    """Whether Unix seconds fall in [EARLIEST, LATEST); false for nan and infinities."""
    return _EARLIEST_SECONDS <= seconds < _LATEST_SECONDS


def instant_problem(value: dt.datetime) -> str:
    """ "" if the time is in [EARLIEST, LATEST), else a few words saying why not. A naive
    time is judged by its date alone (its zone is the caller's to give)."""
    # The year first: converting year 1 or 9999 with an offset to UTC would overflow.
    if not EARLIEST.year <= value.year < LATEST.year:
        return "time out of range"
    aware = value.tzinfo is not None and value.utcoffset() is not None
    if aware and not EARLIEST <= value < LATEST:
        return "time out of range"
    return ""


def check_instant(value: dt.datetime) -> dt.datetime:
    """Return ``value`` if it lies in [EARLIEST, LATEST); raise :class:`InvalidInstant`."""
    if instant_problem(value):
        raise InvalidInstant(
            "time_out_of_range",
            _("Times must lie between 1970 and 2099."),
        )
    return value


def _pydantic_instant(value: dt.datetime) -> dt.datetime:
    try:
        return check_instant(value)
    except InvalidInstant as error:
        # pydantic reports a ValueError's text as the field's message.
        raise ValueError(str(error.message)) from None


#: The datetime every API schema takes in: ISO 8601, refused outside [EARLIEST, LATEST).
Instant = Annotated[dt.datetime, AfterValidator(_pydantic_instant)]


def check_day(value: dt.date) -> dt.date:
    """Return ``value`` if its noon (UTC) lies in [EARLIEST, LATEST); raise
    :class:`InvalidInstant`: a day outside would overflow when made a time in the centre's
    zone, or a period around it."""
    check_instant(dt.datetime.combine(value, dt.time(12), tzinfo=dt.UTC))
    return value


def _pydantic_day(value: dt.date) -> dt.date:
    try:
        return check_day(value)
    except InvalidInstant as error:
        raise ValueError(str(error.message)) from None


#: The date an API schema takes in as a day of a period: refused outside 1970-2099.
Day = Annotated[dt.date, AfterValidator(_pydantic_day)]


# --- text lengths ------------------------------------------------------------------------


def too_long(model: type[models.Model], field: str, value: str) -> int | None:
    """The column's ``max_length`` if ``value`` does not fit in it, else None."""
    limit = getattr(model._meta.get_field(field), "max_length", None)
    return limit if limit is not None and len(value) > limit else None


def _refuse_long(model: type[models.Model] | models.Model, values: dict[str, Any]) -> None:
    for field in model._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        if limit is None or not isinstance(field, models.CharField):
            continue
        value = values.get(field.attname, values.get(field.name))
        if isinstance(value, str) and len(value) > limit:
            raise Invalid(
                _("%(field)s is too long: at most %(limit)d characters.")
                % {"field": field.verbose_name, "limit": limit},
                code="too_long",
                detail={"field": field.name, "max_length": limit},
            )


def check_lengths(*instances: models.Model) -> None:
    """Refuse text longer than its column holds, before a service saves the instances.

    PostgreSQL refuses such text with a database error and SQLite stores it whole, so the
    services check it themselves and both engines behave alike: :class:`Invalid` naming the
    field and its limit.
    """
    for instance in instances:
        _refuse_long(instance, instance.__dict__)


def check_fields(model: type[models.Model], **values: Any) -> None:
    """:func:`check_lengths` for the values a service is about to ``create`` a row with."""
    _refuse_long(model, values)


# --- phone numbers -----------------------------------------------------------------------


def normalize_phone(raw: str) -> str:
    """Return the canonical digits of a mainland mobile or fixed-line number.

    Mobiles come back as 11 digits ("13812345678"), fixed lines in national format with
    the trunk 0 and no separators ("02583456789", "075586013388"). Separators, a +86 or
    0086 prefix and full-width digits are accepted. Local numbers without an area code,
    400/800 service numbers, extensions and numbers outside the mainland are rejected.
    """
    text = raw.strip()
    if not text:
        raise InvalidNumber("phone_invalid", _("Enter a phone number."))
    quick = _plain_number(text)
    if quick is not None:
        return quick
    # phonenumbers maps letters to keypad digits ("1-800-FLOWERS" would become a valid
    # mobile), and words such as 转/ext mean an extension we could not store anyway.
    if any(char.isalpha() for char in text):
        raise InvalidNumber(
            "phone_invalid", _("A phone number may contain only digits and separators.")
        )
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber(
            "phone_invalid", _("Not a valid mainland mobile or fixed-line number.")
        ) from exc
    if number.country_code != 86:
        raise InvalidNumber(
            "phone_not_mainland", _("Only mainland China (+86) numbers are accepted.")
        )
    if number.extension:
        raise InvalidNumber("phone_invalid", _("Enter the number without an extension."))
    if not phonenumbers.is_valid_number(number):
        nsn = phonenumbers.national_significant_number(number)
        if len(nsn) in (7, 8) and not nsn.startswith("1"):
            raise InvalidNumber(
                "phone_invalid", _("Add the area code to a fixed-line number, e.g. 025.")
            )
        raise InvalidNumber("phone_invalid", _("Not a valid mainland mobile or fixed-line number."))
    number_type = phonenumbers.number_type(number)
    if number_type in _SERVICE_TYPES:
        raise InvalidNumber(
            "phone_invalid",
            _("Service numbers such as 400 or 800 numbers cannot be used as a contact number."),
        )
    if number_type not in _ACCEPTED_TYPES:
        raise InvalidNumber("phone_invalid", _("Not a valid mainland mobile or fixed-line number."))
    # The national format carries the trunk 0 of fixed lines and none for mobiles, which is
    # exactly how people in China write numbers; only the separators are dropped.
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return "".join(_DIGITS_RE.findall(national))


# The shapes nearly every number in a customer archive has: a mobile's 11 digits, or a
# fixed line's trunk 0, area code and subscriber number with at most one hyphen.
# `phonenumbers.parse` costs ~100 µs a number, too much for a million-row import, so these
# are judged on the library's own metadata patterns, in the order its number_type() tries
# them; anything else (spaces, +86, full-width digits, an invalid number, whose message
# the library's path gives) takes the library's path. Both paths agree: see
# kefu/core/tests/test_validation.py.
_PLAIN_MOBILE: Final = re.compile(r"1[3-9]\d{9}")
_PLAIN_FIXED: Final = re.compile(r"0(\d{2,3})-?(\d{7,8})")


_Desc = tuple[frozenset[int], "re.Pattern[str]"] | None


@functools.cache
def _plain_patterns() -> tuple[_Desc, tuple[_Desc, ...], _Desc, _Desc] | None:
    """CN's general, service, fixed-line and mobile patterns, compiled once."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    if metadata is None or metadata.general_desc is None:
        return None
    general = metadata.general_desc.possible_length or ()

    def desc(item: Any) -> _Desc:
        if item is None or not item.national_number_pattern:
            return None
        lengths = item.possible_length or general
        return frozenset(lengths), re.compile(item.national_number_pattern)

    services = (metadata.premium_rate, metadata.toll_free, metadata.shared_cost)
    return (
        desc(metadata.general_desc),
        tuple(desc(item) for item in services),
        desc(metadata.fixed_line),
        desc(metadata.mobile),
    )


@functools.cache
def _plain_pattern(length: int, trunk: bool) -> re.Pattern[str] | None:
    """One pattern for numbers of `length` digits that says what number_type() would: the
    general pattern, none of the service ones, then a fixed line or a mobile (written with
    a trunk 0: a fixed line that is not also a mobile). None: no such number is valid."""
    patterns = _plain_patterns()
    if patterns is None:
        return None
    general, services, fixed, mobile = patterns

    def fits(desc: _Desc) -> bool:
        return desc is not None and (not desc[0] or length in desc[0])

    def whole(desc: _Desc) -> str:
        return f"(?:{desc[1].pattern})\\Z" if desc is not None else "(?!)"

    if not fits(general):
        return None
    parts = [f"(?={whole(general)})"]
    parts += [f"(?!{whole(service)})" for service in services if fits(service)]
    if trunk:
        if not fits(fixed):
            return None
        if fits(mobile):
            parts.append(f"(?!{whole(mobile)})")
        body = whole(fixed)
    else:
        kinds = [whole(desc) for desc in (fixed, mobile) if fits(desc)]
        if not kinds:
            return None
        body = "|".join(kinds)
    return re.compile("".join(parts) + f"(?:{body})")


def _plain_number(text: str) -> str | None:
    """The normalised number if `text` has a plain shape and is a valid mobile or fixed
    line; None when the full parse must decide."""
    if _PLAIN_MOBILE.fullmatch(text):
        if text.startswith("179"):  # a carrier prefix to the parser: let it decide
            return None
        national, trunk = text, ""
    else:
        found = _PLAIN_FIXED.fullmatch(text)
        if found is None:
            return None
        national, trunk = found.group(1) + found.group(2), "0"
    pattern = _plain_pattern(len(national), bool(trunk))
    if pattern is None or pattern.match(national) is None:
        return None
    # Written with a trunk 0, a number the library also takes for a mobile is formatted
    # its way, and the pattern refuses it: the library decides.
    return trunk + national


def phone_kind(normalized: str) -> str:
    """Return "mobile" or "fixed" for a number produced by :func:`normalize_phone`."""
    if not normalized.isascii() or not normalized.isdigit():
        raise InvalidNumber("phone_invalid", _("Not a valid mainland mobile or fixed-line number."))
    if len(normalized) == 11 and normalized.startswith("1"):
        return MOBILE
    # Area codes are 3-4 digits with the trunk 0 and subscriber numbers 7-8 digits.
    if normalized.startswith("0") and 10 <= len(normalized) <= 12:
        return FIXED
    raise InvalidNumber("phone_invalid", _("Not a valid mainland mobile or fixed-line number."))


# --- resident ID numbers (GB 11643-1999) -------------------------------------------------


def id_number_check_digit(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character ("0"-"9" or "X") for 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidNumber("id_format", _("An ID number starts with 17 digits."))
    # The digits' character codes less "0"'s, summed at C speed (an import checks a
    # million numbers): Σ(code - 48)·w = Σ code·w - 48·Σw.
    total = sum(map(operator.mul, first17.encode(), ID_WEIGHTS)) - _ZERO_WEIGHT
    return ID_CHECK_CHARS[total % 11]


_ID_LAST: Final = frozenset("0123456789Xx")
# The birth dates met (YYYYMMDD: the date, or None when there is no such day), up to
# _BIRTHS_KEPT of them: an archive's million ID numbers share some 30,000.
_BIRTHS: dict[str, dt.date | None] = {}
_BIRTHS_KEPT: Final = 100_000


def _birth_date(digits: str) -> dt.date | None:
    if digits in _BIRTHS:
        return _BIRTHS[digits]
    try:
        birth: dt.date | None = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        birth = None
    if len(_BIRTHS) < _BIRTHS_KEPT:
        _BIRTHS[digits] = birth
    return birth


def validate_id_number(raw: str, *, today: dt.date | None = None) -> str:
    """Return the normalised (upper-case, no spaces) 18-character ID number.

    Checks, in this order so the first error is the most useful one: format, region code,
    birth date, check digit. ``today`` defaults to the current date in China and exists so
    tests can pin "not in the future".
    """
    if len(raw) == 18 and raw.isascii() and raw[:17].isdigit() and raw[17] in _ID_LAST:
        # The plain shape, as nearly every number of an imported archive is: what the
        # normalisation below would leave as it is but for a small x.
        text = raw if raw[17] != "x" else raw[:17] + "X"
    else:
        # NFKC turns full-width digits and Ｘ typed with a Chinese IME into ASCII.
        text = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
        if len(text) == 15 and text.isascii() and text.isdigit():
            raise InvalidNumber(
                "id_format",
                _("15-digit ID numbers are no longer valid; enter the 18-digit number."),
            )
        if not _ID_RE.fullmatch(text):
            raise InvalidNumber(
                "id_format", _("An ID number has 18 characters: 17 digits and a digit or X.")
            )

    region = text[:6]
    if region[:2] not in PROVINCE_CODES or region[2:] == "0000":
        raise InvalidNumber("id_region", _("The ID number has an unknown region code."))

    birth = _birth_date(text[6:14])
    if birth is None:
        raise InvalidNumber("id_birth_date", _("The ID number contains an impossible birth date."))
    if today is None:
        today = dt.datetime.now(tz=CHINA_TZ).date()
    if birth.year < _MIN_BIRTH_YEAR or birth > today:
        raise InvalidNumber("id_birth_date", _("The ID number contains an impossible birth date."))

    # id_number_check_digit's sum, without its checks of what is checked above.
    total = sum(map(operator.mul, text[:17].encode(), ID_WEIGHTS)) - _ZERO_WEIGHT
    if ID_CHECK_CHARS[total % 11] != text[17]:
        raise InvalidNumber(
            "id_check_digit", _("The ID number's check digit is wrong; please check for typos.")
        )
    return text
