"""Names people understand for the population registry's attributes (domain.md §6)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pycountry
from django.utils.translation import get_language

ATTRIBUTES: dict[str, tuple[str, str]] = {
    "full_name": ("họ và tên", "full name"),
    "other_names": ("tên gọi khác", "other names"),
    "personal_id": ("số định danh cá nhân", "personal identification number"),
    "date_of_birth": ("ngày sinh", "date of birth"),
    "sex": ("giới tính", "sex"),
    "place_of_birth": ("nơi sinh", "place of birth"),
    "birth_registration_place": ("nơi đăng ký khai sinh", "place of birth registration"),
    "home_town": ("quê quán", "home town"),
    "ethnicity": ("dân tộc", "ethnicity"),
    "religion": ("tôn giáo", "religion"),
    "nationality": ("quốc tịch", "nationality"),
    "id_card": ("thẻ căn cước", "identity card"),
    "permanent_residence": ("nơi thường trú", "permanent residence"),
    "temporary_residence": ("nơi tạm trú", "temporary residence"),
    "current_residence": ("nơi ở hiện tại", "current residence"),
    "marital_status": ("tình trạng hôn nhân", "marital status"),
    "date_of_death": ("ngày mất", "date of death"),
    "phone": ("số điện thoại", "phone"),
    "email": ("thư điện tử", "e-mail"),
    "household": ("hộ gia đình", "household"),
    "children": ("con", "children"),
    "head_full_name": ("họ tên chủ hộ", "head of household"),
    "relation": ("quan hệ với chủ hộ", "relation to the head"),
}
RELATIVES = {
    "father": ("cha", "father"),
    "mother": ("mẹ", "mother"),
    "spouse": ("vợ/chồng", "spouse"),
    "household": ("hộ", "household"),
    "id_card": ("thẻ căn cước", "ID card"),
}


def attribute_label(path: str, *, english: bool = False) -> str:
    """``"spouse.full_name"`` → ``"họ và tên (vợ/chồng)"``."""
    index = 1 if english else 0
    head, _, rest = path.partition(".")
    if rest and head in RELATIVES:
        inner = ATTRIBUTES.get(rest.split(".")[-1], (rest, rest))[index]
        return f"{inner} ({RELATIVES[head][index]})"
    return ATTRIBUTES.get(path, (path, path))[index]


SOURCES = {
    "population": ("CSDL quốc gia về dân cư", "National population database"),
    "business": ("CSDL quốc gia về đăng ký doanh nghiệp", "National business registration database"),
    "document_store": ("Kho dữ liệu của công dân", "Citizen's document store"),
}


def source_label(code: str, *, english: bool = False) -> str:
    """``"population.local"`` → the registry's name people know."""
    names = SOURCES.get(code.partition(".")[0])
    return names[1 if english else 0] if names else code


def display_value(field: dict, value: Any) -> str:
    """A registry value as a person reads it: dates day-first, options by their label, countries and
    places by name."""
    english = (get_language() or "vi").startswith("en")
    if isinstance(value, bool):
        return ("Yes" if value else "No") if english else ("Có" if value else "Không")
    if isinstance(value, dict):
        return ", ".join(part for part in (value.get("text", ""), value.get("label", "")) if part) or str(
            value
        )
    if field.get("type") == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return value
    for option in field.get("options", []):
        if option["value"] == value:
            return option["label"]["en" if english else "vi"]
    if field.get("type") == "country" and isinstance(value, str):
        country = pycountry.countries.get(alpha_2=value)
        return "Việt Nam" if value == "VN" and not english else (country.name if country else value)
    words = {
        "male": ("Nam", "Male"),
        "female": ("Nữ", "Female"),
        "single": ("Độc thân", "Single"),
        "married": ("Đã kết hôn", "Married"),
        "divorced": ("Đã ly hôn", "Divorced"),
        "widowed": ("Góa", "Widowed"),
    }
    if value in words:
        return words[value][1 if english else 0]
    return str(value)


# What people call each kind of document the store keeps (its items carry only the kind's key).
DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "id_card": ("Thẻ căn cước", "Identity card"),
    "birth_certificate": ("Giấy khai sinh", "Birth certificate"),
    "marriage_certificate": ("Giấy chứng nhận kết hôn", "Marriage certificate"),
    "marital_status_certificate": ("Giấy xác nhận tình trạng hôn nhân", "Certificate of marital status"),
    "land_use_certificate": ("Giấy chứng nhận quyền sử dụng đất", "Land use right certificate"),
    "driving_licence": ("Giấy phép lái xe", "Driving licence"),
    "household_business_certificate": (
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        "Household business registration certificate",
    ),
    "death_extract": ("Trích lục khai tử", "Death extract"),
    "construction_permit": ("Giấy phép xây dựng", "Construction permit"),
}


def document_kind_label(kind: str, *, english: bool = False) -> str:
    names = DOCUMENT_KINDS.get(kind)
    return (names[1] if english else names[0]) if names else kind.replace("_", " ")
