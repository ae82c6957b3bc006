"""Identity and contact formats: each parser returns the normalised value or raises a
ValidationError whose message says which part is wrong."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# GB 11643-1999: weights of the first 17 digits, and the check character for each remainder.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# Province-level codes of GB/T 2260 (the first two digits of every resident ID).
PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
        "91",
    }
)

_SEPARATORS = re.compile(r"[\s\-()（）]")
# re.ASCII: \d is 0-9 only, so that a number is stored and found by the same digits.
MOBILE_RE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$", re.ASCII)
# Area codes: 010 and 020–029 have three digits, all others four, so that a number typed without
# a separator is split the one right way. "-" before an extension accepts our own output again.
LANDLINE_RE = re.compile(
    r"^(0(?:10|2\d)|0[3-9]\d{2})-?(\d{7,8})(?:(?:转|ext\.?|#|-)(\d{1,6}))?$", re.IGNORECASE | re.ASCII
)
RESIDENT_ID_RE = re.compile(r"[0-9]{17}[0-9X]")


def _fold(value: str) -> str:
    """Full-width characters (what a Chinese input method types: １３９, Ｘ, －) as ASCII."""
    return unicodedata.normalize("NFKC", value or "")


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    gender: str  # "male" or "female", from the parity of the 17th digit

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def birth_date_of(number: str) -> datetime.date:
    """Digits 7–14 of an 18-character resident ID; ValueError when they are not a real date."""
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def parse_resident_id(value: str, *, today: datetime.date | None = None) -> ResidentId:
    number = _SEPARATORS.sub("", _fold(value)).upper()
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID has 18 characters; this one has %(count)d."),
            code="id_length",
            params={"count": len(number)},
        )
    if not RESIDENT_ID_RE.fullmatch(number):
        raise ValidationError(
            _("The first 17 characters must be digits and the last a digit or X."),
            code="id_characters",
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The region code (digits 1–6) does not start with a valid province code."),
            code="id_region",
        )
    try:
        birth_date = birth_date_of(number)
    except ValueError:
        raise ValidationError(
            _("The birth date (digits 7–14) is not a real date."), code="id_birth_date"
        ) from None
    today = today or timezone.localdate()
    if birth_date > today:
        raise ValidationError(_("The birth date (digits 7–14) is in the future."), code="id_birth_future")
    if birth_date.year < 1880:
        raise ValidationError(_("The birth date (digits 7–14) is before 1880."), code="id_birth_too_old")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit (the 18th character) does not match the other 17 digits."),
            code="id_check_digit",
        )
    gender = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number=number, birth_date=birth_date, gender=gender)


def normalise_other_document(value: str) -> str:
    number = _SEPARATORS.sub("", _fold(value)).upper()
    if not 4 <= len(number) <= 30 or not number.isalnum():
        raise ValidationError(_("A document number has 4 to 30 letters and digits."), code="document_number")
    return number


def mask_id_number(number: str) -> str:
    """3205**********123X: the region's first four and the last four, as staff read them aloud.
    A shorter document shows a third of its characters at most, none up to eight: four and four
    of a passport's nine left one hidden (E123*5678); now E******78."""
    shown = 8 if len(number) >= 18 else len(number) // 3 if len(number) > 8 else 0
    head, tail = shown // 2, shown - shown // 2
    return number[:head] + "*" * (len(number) - shown) + (number[-tail:] if tail else "")


def normalise_mobile(value: str) -> str:
    match = MOBILE_RE.match(_SEPARATORS.sub("", _fold(value)))
    if not match:
        raise ValidationError(
            _("A mobile number is 11 digits starting with 13–19, optionally after +86."),
            code="mobile",
        )
    return match.group(1)


def normalise_landline(value: str) -> str:
    compact = re.sub(r"[\s()（）]", "", _fold(value))
    match = LANDLINE_RE.match(compact)
    if not match:
        raise ValidationError(
            _(
                "A landline is an area code starting with 0 and a 7- or 8-digit number, "
                "such as 0512-63001234."
            ),
            code="landline",
        )
    area, number, extension = match.groups()
    return f"{area}-{number}" + (f"-{extension}" if extension else "")


def is_landline(value: str) -> bool:
    """Whether a number typed in one phone box is a landline: an area code begins with 0, however
    it is written ((0512), （０５１２）, 0512-)."""
    return _SEPARATORS.sub("", _fold(value)).startswith("0")


def landline_lookup_key(number: str) -> str:
    """The digits a normalised landline is found by: area code and number. Not the extension,
    which a caller ID or a switchboard's number never shows (and which, run on, would make
    0512-6300123-4 and 0512-63001234 one number)."""
    area, local, *_extension = number.split("-")
    return area + local


def phone_lookup_key(value: str) -> str | None:
    """The digits a phone is found by, whatever way it was typed; None if it is not a phone."""
    try:
        return normalise_mobile(value)
    except ValidationError:
        pass
    try:
        return landline_lookup_key(normalise_landline(value))
    except ValidationError:
        return None
