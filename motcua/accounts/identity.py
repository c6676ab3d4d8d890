"""Identifiers of people and businesses (domain.md §2).

The personal identification number ("số định danh cá nhân") has 12 digits and **no check digit**:
1–3 the province (pre-2025 list) or the country where the birth was registered, 4 the century and sex,
5–6 the last two digits of the birth year, 7–12 random. It never tells where a person lives now.
"""

from __future__ import annotations

import re
from datetime import date

import pycountry

from motcua.core.errors import ValidationError

# Province codes of the 63 pre-2025 provinces, as used in the first three digits.
LEGACY_PROVINCE_CODES = frozenset(
    f"{c:03d}"
    for c in (
        1,
        2,
        4,
        6,
        8,
        10,
        11,
        12,
        14,
        15,
        17,
        19,
        20,
        22,
        24,
        25,
        26,
        27,
        30,
        31,
        33,
        34,
        35,
        36,
        37,
        38,
        40,
        42,
        44,
        45,
        46,
        48,
        49,
        51,
        52,
        54,
        56,
        58,
        60,
        62,
        64,
        66,
        67,
        68,
        70,
        72,
        74,
        75,
        77,
        79,
        80,
        82,
        83,
        84,
        86,
        87,
        89,
        91,
        92,
        93,
        94,
        95,
        96,
    )
)
# Digit 4: (century start, male digit, female digit).
_CENTURIES = {1900: ("0", "1"), 2000: ("2", "3"), 2100: ("4", "5"), 2200: ("6", "7"), 1800: ("8", "9")}
_DIGIT_TO_CENTURY = {
    d: (century, sex) for century, (m, f) in _CENTURIES.items() for d, sex in ((m, "male"), (f, "female"))
}
_TWELVE_DIGITS = re.compile(r"^[0-9]{12}$")
_ENTERPRISE_CODE = re.compile(r"^[0-9]{10}(-[0-9]{3})?$")


def _invalid(code: str, vi: str, en: str) -> ValidationError:
    return ValidationError(vi, en, code=code, field="personal_id")


def _place_code_known(prefix: str) -> bool:
    if prefix in LEGACY_PROVINCE_CODES:
        return True
    return pycountry.countries.get(numeric=prefix) is not None


def validate_personal_id(number: str, *, date_of_birth: date | None = None, sex: str | None = None) -> None:
    """Return None when ``number`` is a well-formed personal identification number consistent with the
    date of birth and sex given; raise :class:`motcua.core.errors.ValidationError` saying what is wrong.

    ``sex`` is ``"male"`` or ``"female"``. There is no checksum to verify: a well-formed number may still
    belong to nobody, which only the population registry can tell.
    """
    if not isinstance(number, str) or not _TWELVE_DIGITS.match(number):
        raise _invalid(
            "personal_id_format",
            "Số định danh cá nhân phải gồm đúng 12 chữ số.",
            "A personal identification number has exactly 12 digits.",
        )
    if not _place_code_known(number[:3]):
        raise _invalid(
            "personal_id_place",
            f"Ba chữ số đầu ({number[:3]}) không phải mã tỉnh hoặc mã quốc gia nơi đăng ký khai sinh.",
            f"The first three digits ({number[:3]}) are not a province or country code of birth "
            "registration.",
        )
    century, encoded_sex = _DIGIT_TO_CENTURY[number[3]]
    if sex is not None:
        if sex not in ("male", "female"):
            raise ValueError(f"sex must be 'male' or 'female', got {sex!r}")
        if sex != encoded_sex:
            raise _invalid(
                "personal_id_sex",
                "Chữ số thứ 4 của số định danh không khớp với giới tính đã khai.",
                "The fourth digit of the number does not match the sex given.",
            )
    if date_of_birth is not None:
        if date_of_birth.year // 100 * 100 != century:
            raise _invalid(
                "personal_id_century",
                f"Chữ số thứ 4 ({number[3]}) cho biết người sinh vào thế kỷ {century // 100 + 1}, "
                f"không khớp năm sinh {date_of_birth.year}.",
                f"The fourth digit ({number[3]}) means a birth in the {century}s, which does not "
                f"match the birth year {date_of_birth.year}.",
            )
        if number[4:6] != f"{date_of_birth.year % 100:02d}":
            raise _invalid(
                "personal_id_year",
                f"Chữ số thứ 5–6 ({number[4:6]}) phải là hai số cuối năm sinh ({date_of_birth.year}).",
                f"Digits 5–6 ({number[4:6]}) must be the last two digits of the birth year "
                f"({date_of_birth.year}).",
            )


def birth_facts(number: str) -> tuple[str, int]:
    """The sex and the century of birth a well-formed number encodes (for display and prefill checks)."""
    validate_personal_id(number)
    century, sex = _DIGIT_TO_CENTURY[number[3]]
    return sex, century + int(number[4:6])


def validate_enterprise_code(code: str) -> None:
    """Enterprise code (also its tax code): 10 digits; a branch or dependent unit adds -3 digits."""
    if not isinstance(code, str) or not _ENTERPRISE_CODE.match(code):
        raise ValidationError(
            "Mã số doanh nghiệp gồm 10 chữ số (đơn vị phụ thuộc: 10 chữ số, dấu -, 3 chữ số).",
            "An enterprise code has 10 digits (a branch: 10 digits, a dash, 3 digits).",
            code="enterprise_code_format",
            field="enterprise_code",
        )
