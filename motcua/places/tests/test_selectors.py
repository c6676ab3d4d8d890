from datetime import date

import pytest

from motcua.core.errors import NotFound, ValidationError
from motcua.places.calendar import WorkCalendar
from motcua.places.models import AdministrativeUnit, Agency, CalendarOverride
from motcua.places.selectors import calendar_overrides_for_agency, legacy_address_match, province_of

pytestmark = pytest.mark.django_db


def test_old_ward_that_was_not_split_gives_one_unit(loaded_places):
    match = legacy_address_match(province="TP. Hồ Chí Minh", district="Quận 5", ward="Phường 9")
    assert match.ward.name == "Phường 9"
    assert not match.is_split
    assert [u.name for u in match.candidates] == ["Phường An Đông"]


def test_old_commune_that_was_split_offers_every_candidate(loaded_places):
    match = legacy_address_match(province="Ho Chi Minh", district="Bình Chánh", ward="xa an phu tay")
    assert match.is_split
    assert sorted(u.name for u in match.candidates) == ["Phường Bình Đông", "Xã Bình Chánh"]


def test_abbreviations_and_missing_diacritics_are_understood(loaded_places):
    match = legacy_address_match(province="binh duong", district="TX Thuận An", ward="P. Lái Thiêu")
    assert match.district.name == "Thành phố Thuận An"
    assert all(u.parent.code == "79" for u in match.candidates)


def test_island_district_without_communes_converts_from_the_district(loaded_places):
    match = legacy_address_match(province="Bà Rịa - Vũng Tàu", district="Côn Đảo")
    assert [u.name for u in match.candidates] == ["Đặc khu Côn Đảo"]


def test_unknown_names_say_which_part_was_not_found(loaded_places):
    with pytest.raises(NotFound) as exc:
        legacy_address_match(province="Atlantis", district="Quận 1", ward="Phường 1")
    assert exc.value.field == "province" and "Atlantis" in exc.value.message_vi
    with pytest.raises(NotFound) as exc:
        legacy_address_match(province="Hồ Chí Minh", district="Quận 99", ward="Phường 1")
    assert exc.value.field == "district"
    with pytest.raises(NotFound) as exc:
        legacy_address_match(province="Hồ Chí Minh", district="Quận 1", ward="Phường Không Có")
    assert exc.value.code == "legacy_ward_not_found"
    assert "Không tìm thấy phường/xã" in exc.value.message_vi
    assert "No ward or commune" in exc.value.message_en


def test_a_district_with_communes_needs_the_ward(loaded_places):
    with pytest.raises(ValidationError) as exc:
        legacy_address_match(province="Hồ Chí Minh", district="Quận 1")
    assert exc.value.code == "legacy_ward_required"


def test_province_of_a_commune(loaded_places):
    ward = AdministrativeUnit.objects.get(name="Phường Bến Thành", valid_to__isnull=True)
    assert province_of(ward).code == "79"


def test_agency_calendar_uses_national_and_its_provinces_overrides(loaded_places):
    hcmc = AdministrativeUnit.objects.get(level=1, code="79", valid_to__isnull=True)
    hanoi = AdministrativeUnit.objects.get(level=1, code="01", valid_to__isnull=True)
    CalendarOverride.objects.create(date=date(2027, 12, 31), kind="day_off", reason="Nationwide")
    CalendarOverride.objects.create(
        date=date(2027, 12, 27), kind="day_off", province=hcmc, reason="HCMC only"
    )
    CalendarOverride.objects.create(
        date=date(2027, 12, 28), kind="day_off", province=hanoi, reason="Ha Noi only"
    )
    CalendarOverride.objects.create(
        date=date(2027, 12, 25), kind="working_day", province=hcmc, reason="Make-up"
    )
    agency = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    overrides = calendar_overrides_for_agency(agency)
    assert overrides.days_off == {date(2027, 12, 31), date(2027, 12, 27)}
    assert overrides.working_days == {date(2027, 12, 25)}
    assert overrides.reasons[date(2027, 12, 27)] == "HCMC only"
    calendar = WorkCalendar.for_agency(agency)
    assert not calendar.is_working_day(date(2027, 12, 27))
    assert calendar.is_working_day(date(2027, 12, 28))
    assert calendar.is_working_day(date(2027, 12, 25))  # a Saturday, declared a working day
    assert WorkCalendar.for_agency(agency) is calendar  # precomputed tables are shared


def test_provincial_override_wins_over_national_on_the_same_day(loaded_places):
    hcmc = AdministrativeUnit.objects.get(level=1, code="79", valid_to__isnull=True)
    CalendarOverride.objects.create(date=date(2027, 10, 2), kind="working_day", reason="Nationwide make-up")
    CalendarOverride.objects.create(date=date(2027, 10, 2), kind="day_off", province=hcmc, reason="HCMC off")
    agency = Agency.objects.get(electronic_id="000.00.00.H29")
    assert not WorkCalendar.for_agency(agency).is_working_day(date(2027, 10, 2))


def test_names_that_differ_only_by_accents_are_never_picked_silently(loaded_places):
    match = legacy_address_match(province="Thanh Hóa", district="Thiệu Hóa", ward="Thiệu Hòa")
    assert match.ward.name.endswith("Thiệu Hòa")
    with pytest.raises(ValidationError) as exc:
        legacy_address_match(province="Thanh Hoa", district="Thieu Hoa", ward="thieu hoa")
    assert exc.value.code == "legacy_name_ambiguous" and exc.value.field == "ward"
    assert "Thiệu Hòa" in exc.value.message_vi and "Thiệu Hóa" in exc.value.message_vi
