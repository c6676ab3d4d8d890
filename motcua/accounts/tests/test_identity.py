"""The personal identification number (domain.md §2): format and consistency, no checksum."""

from datetime import date

import pytest

from motcua.accounts.identity import birth_facts, validate_enterprise_code, validate_personal_id
from motcua.core.errors import ValidationError


@pytest.mark.parametrize(
    "number, born, sex",
    [
        ("079090123456", date(1990, 5, 1), "male"),  # Ho Chi Minh City, 1900s male
        ("001185012345", date(1985, 1, 1), "female"),  # Ha Noi, 1900s female
        ("079206000001", date(2006, 12, 31), "male"),  # 2000s male
        ("092325123456", date(2025, 7, 1), "female"),  # 2000s female
        ("704098000001", date(1998, 3, 3), "male"),  # 704: Viet Nam's own country code
        ("250199000002", date(1999, 1, 1), "female"),  # registered in France (ISO 3166 numeric 250)
    ],
)
def test_valid_numbers(number, born, sex):
    assert validate_personal_id(number, date_of_birth=born, sex=sex) is None
    assert validate_personal_id(number) is None


@pytest.mark.parametrize(
    "number, kwargs, code",
    [
        ("07909012345", {}, "personal_id_format"),  # 11 digits
        ("0790901234567", {}, "personal_id_format"),  # 13 digits
        ("07909O123456", {}, "personal_id_format"),  # a letter O
        (" 079090123456", {}, "personal_id_format"),
        ("999090123456", {}, "personal_id_place"),  # no such province or country
        ("079090123456", {"date_of_birth": date(2090, 1, 1)}, "personal_id_century"),  # 0 means the 1900s
        ("079290123456", {"date_of_birth": date(1990, 1, 1)}, "personal_id_century"),  # 2 means the 2000s
        ("079091123456", {"date_of_birth": date(1990, 1, 1)}, "personal_id_year"),
        ("079090123456", {"sex": "female"}, "personal_id_sex"),
        ("079190123456", {"sex": "male"}, "personal_id_sex"),
    ],
)
def test_invalid_numbers_say_why(number, kwargs, code):
    with pytest.raises(ValidationError) as exc:
        validate_personal_id(number, **kwargs)
    assert exc.value.code == code
    assert exc.value.message_vi and exc.value.message_en


def test_not_a_string_is_refused():
    with pytest.raises(ValidationError):
        validate_personal_id(79090123456)  # type: ignore[arg-type]


def test_birth_facts():
    assert birth_facts("079190123456") == ("female", 1990)
    assert birth_facts("079305123456") == ("female", 2005)


@pytest.mark.parametrize(
    "code, ok",
    [
        ("0312345678", True),
        ("0312345678-001", True),
        ("031234567", False),
        ("0312345678-1", False),
        ("03123456AB", False),
    ],
)
def test_enterprise_codes(code, ok):
    if ok:
        validate_enterprise_code(code)
    else:
        with pytest.raises(ValidationError):
            validate_enterprise_code(code)
