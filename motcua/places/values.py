"""Place values: where someone was born or lives, as a dossier records it.

domain.md §6: a place of birth must allow a 2025 unit, an old (pre-merger) unit, a foreign country
or free text, so that people born abroad or before the merger can apply. A value keeps the unit's
name as it was when recorded, so it still reads right after the next merger.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

import pycountry

from motcua.core.errors import ValidationError
from motcua.places.models import AdministrativeUnit


class PlaceKind(StrEnum):
    UNIT = "unit"  # a unit of the 2025 structure
    LEGACY_UNIT = "legacy_unit"  # a unit that existed before 1 July 2025
    FOREIGN = "foreign"  # a foreign country, optionally with a city or address
    TEXT = "text"  # free text, when nothing else fits


@dataclass(frozen=True)
class PlaceValue:
    kind: PlaceKind
    unit_code: str = ""
    unit_level: int = 0
    country: str = ""  # ISO 3166-1 alpha-2
    text: str = ""  # street and number, a foreign city, or the free-text place
    label: str = ""  # the unit's full name (with its province) or the country name, as recorded

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", 0)}

    def __str__(self) -> str:
        return ", ".join(part for part in (self.text, self.label) if part)


def _invalid(vi: str, en: str, field: str) -> ValidationError:
    return ValidationError(vi, en, code="invalid_place", field=field)


def place_value_clean(data: dict) -> PlaceValue:
    """Validate a place as submitted (form or API) and return it with its label filled in."""
    try:
        kind = PlaceKind(data.get("kind", ""))
    except ValueError:
        raise _invalid("Hãy chọn loại địa điểm.", "Choose what kind of place this is.", "kind") from None
    text = str(data.get("text", "")).strip()[:300]
    if kind in (PlaceKind.UNIT, PlaceKind.LEGACY_UNIT):
        code = str(data.get("unit_code", "")).strip()
        units = AdministrativeUnit.objects.filter(code=code).select_related("parent__parent")
        units = (
            units.filter(valid_to__isnull=True) if kind == PlaceKind.UNIT else units.exclude(valid_to=None)
        )
        level = str(data.get("unit_level") or AdministrativeUnit.Level.COMMUNE)
        unit = units.filter(level=int(level)).first() if level in {"1", "2", "3"} else None
        if unit is None:
            raise _invalid(
                "Không tìm thấy đơn vị hành chính đã chọn.",
                "The administrative unit chosen was not found.",
                "unit_code",
            )
        names, current = [], unit
        while current is not None:
            names.append(current.name)
            current = current.parent
        return PlaceValue(kind, unit_code=unit.code, unit_level=unit.level, text=text, label=", ".join(names))
    if kind == PlaceKind.FOREIGN:
        country = pycountry.countries.get(alpha_2=str(data.get("country", "")).upper())
        if country is None or country.alpha_2 == "VN":
            raise _invalid(
                "Hãy chọn một quốc gia khác Việt Nam.", "Choose a country other than Viet Nam.", "country"
            )
        return PlaceValue(kind, country=country.alpha_2, text=text, label=country.name)
    if not text:
        raise _invalid("Hãy nhập địa điểm.", "Enter the place.", "text")
    return PlaceValue(kind, text=text)
