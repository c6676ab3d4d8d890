"""Reads of the places app: units, agencies, old-address conversion, calendar overrides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from motcua.core.errors import NotFound, ValidationError
from motcua.places.models import LEGACY_END, REFORM_DATE, AdministrativeUnit, Agency, CalendarOverride
from motcua.places.text import name_key, typed_name_keys


def unit_list_current(*, level: int | None = None, province_code: str | None = None) -> QuerySet:
    """Units in force today, e.g. the communes of one province for a select list."""
    qs = AdministrativeUnit.objects.filter(valid_to__isnull=True).select_related("parent")
    if level is not None:
        qs = qs.filter(level=level)
    if province_code is not None:
        qs = qs.filter(parent__code=province_code, parent__valid_to__isnull=True)
    return qs.order_by("level", "name")


def service_centre_list(*, query: str = "") -> list[Agency]:
    """Public administration service centres in force, the provincial ones first, then by name;
    ``query`` matches the centre's or its unit's name with or without diacritics."""
    centres = list(
        Agency.objects.filter(kind__in=Agency.RECEPTION_KINDS, valid_to__isnull=True)
        .select_related("unit__parent")
        .order_by("kind", "unit__name")
    )
    centres.sort(key=lambda a: (a.kind != Agency.Kind.PROVINCIAL_SERVICE_CENTRE, a.unit.name))
    if query:
        wanted = name_key(query)
        centres = [
            a for a in centres if wanted in name_key(a.name) or any(wanted in k for k in a.unit.search_keys)
        ]
    return centres


def places_loaded() -> bool:
    """Whether `motcua places load` has run: all 3,355 units of 2025 and the demo agencies exist."""
    current = AdministrativeUnit.objects.filter(valid_to__isnull=True, valid_from=REFORM_DATE).count()
    return current == 34 + 3321 and Agency.objects.exists()


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    """The province-level unit a unit belongs to (itself for a province)."""
    while unit.level != AdministrativeUnit.Level.PROVINCE and unit.parent_id is not None:
        unit = unit.parent
    return unit


@dataclass(frozen=True)
class CalendarOverrides:
    days_off: frozenset[date]
    working_days: frozenset[date]
    reasons: dict[date, str]


def calendar_overrides(*, province: AdministrativeUnit | None = None) -> CalendarOverrides:
    """Declared days off and make-up working days: nationwide ones, plus one province's if given.

    A provincial override wins over a nationwide one on the same date.
    """
    scope = Q(province__isnull=True) | Q(province=province) if province else Q(province__isnull=True)
    rows = CalendarOverride.objects.filter(scope).values_list("date", "kind", "province_id", "reason")
    by_date: dict[date, tuple[str, str]] = {}
    for day, kind, _province_id, reason in sorted(rows, key=lambda r: r[2] is not None):  # national first
        by_date[day] = (kind, reason)
    return CalendarOverrides(
        days_off=frozenset(d for d, (k, _) in by_date.items() if k == CalendarOverride.Kind.DAY_OFF),
        working_days=frozenset(d for d, (k, _) in by_date.items() if k == CalendarOverride.Kind.WORKING_DAY),
        reasons={d: r for d, (_, r) in by_date.items()},
    )


def calendar_overrides_for_agency(agency: Agency) -> CalendarOverrides:
    """The overrides an agency works by: nationwide ones and its province's."""
    return calendar_overrides(province=province_of(agency.unit))


@dataclass(frozen=True)
class LegacyAddressMatch:
    """A pre-2025 address and the 2025 units it became. Several candidates when the old commune was
    split: the person chooses (we never pick one silently)."""

    province: AdministrativeUnit
    district: AdministrativeUnit
    ward: AdministrativeUnit | None
    candidates: list[AdministrativeUnit] = field(default_factory=list)

    @property
    def is_split(self) -> bool:
        return len(self.candidates) > 1


def _match(units: list[AdministrativeUnit], typed: str, *, field: str) -> AdministrativeUnit | None:
    """The unit a typed name means. Names that differ only by accents (Ba Tô / Ba Tơ) share a key:
    then the accents decide, and if they cannot, the person is asked — never a silent pick."""
    keys = typed_name_keys(typed)
    found: list[AdministrativeUnit] = []
    for tier in (lambda u: u.search_keys[:2], lambda u: u.search_keys):  # exact names first, then aliases
        for key in keys:
            found = [u for u in units if key in tier(u)]
            if found:
                break
        if found:
            break
    if len(found) <= 1:
        return found[0] if found else None
    wanted = " ".join(typed.split()).casefold()
    exact = [u for u in found if wanted in (u.name.casefold(), u.short_name.casefold())]
    if len(exact) == 1:
        return exact[0]
    names = ", ".join(u.name for u in found)
    raise ValidationError(
        f"“{typed}” có thể là: {names}. Hãy gõ tên có dấu đầy đủ.",
        f"“{typed}” could be: {names}. Type the name with its full accents.",
        code="legacy_name_ambiguous",
        field=field,
    )


def legacy_address_match(*, province: str, district: str, ward: str = "") -> LegacyAddressMatch:
    """Convert an old (ward, district, province) address to the 2025 commune-level unit(s).

    Island districts that had no communes (e.g. Côn Đảo) convert from the district itself.
    """
    if not province.strip() or not district.strip():
        raise ValidationError(
            "Hãy nhập cả tỉnh/thành phố và quận/huyện của địa chỉ cũ.",
            "Enter both the province and the district of the old address.",
            code="legacy_address_incomplete",
        )
    legacy = AdministrativeUnit.objects.filter(valid_to=LEGACY_END)
    old_province = _match(list(legacy.filter(level=1)), province, field="province")
    if old_province is None:
        raise NotFound(
            f"Không tìm thấy tỉnh/thành phố cũ “{province}”.",
            f"No pre-2025 province called “{province}” was found.",
            code="legacy_province_not_found",
            field="province",
        )
    old_district = _match(list(legacy.filter(level=2, parent=old_province)), district, field="district")
    if old_district is None:
        raise NotFound(
            f"Không tìm thấy quận/huyện “{district}” thuộc {old_province.name}.",
            f"No district called “{district}” was found in {old_province.name}.",
            code="legacy_district_not_found",
            field="district",
        )
    old_ward = None
    source = old_district
    if ward.strip():
        old_ward = _match(list(legacy.filter(level=3, parent=old_district)), ward, field="ward")
        if old_ward is None:
            raise NotFound(
                f"Không tìm thấy phường/xã “{ward}” thuộc {old_district.name}.",
                f"No ward or commune called “{ward}” was found in {old_district.name}.",
                code="legacy_ward_not_found",
                field="ward",
            )
        source = old_ward
    elif old_district.children.exists():
        raise ValidationError(
            f"{old_district.name} có nhiều phường/xã: hãy nhập phường/xã cũ.",
            f"{old_district.name} had several wards and communes: enter the old ward or commune.",
            code="legacy_ward_required",
            field="ward",
        )
    candidates = list(
        source.successors.filter(valid_to__isnull=True).select_related("parent").order_by("name")
    )
    return LegacyAddressMatch(old_province, old_district, old_ward, candidates)
