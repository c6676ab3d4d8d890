import re
from datetime import date

import pytest

from motcua.audit.models import AuditRecord
from motcua.places.models import AdministrativeUnit, Agency, UnitSuccession
from motcua.places.services import places_load

pytestmark = pytest.mark.django_db


def test_load_gives_the_2025_structure(loaded_places):
    current = AdministrativeUnit.objects.valid_on(date(2026, 1, 1))
    assert current.filter(level=1).count() == 34
    assert current.filter(level=3).count() == 3321
    hcmc = current.get(level=1, code="79")
    assert hcmc.name == "Thành phố Hồ Chí Minh"
    assert hcmc.children.filter(valid_to__isnull=True).count() == 168
    assert set(hcmc.children.values_list("kind", flat=True)) == {"ward", "commune", "special_zone"}
    assert current.filter(level=2).count() == 0  # no districts after 1 July 2025


def test_load_keeps_the_pre_2025_structure_for_history(loaded_places):
    before = AdministrativeUnit.objects.valid_on(date(2025, 6, 1))
    assert before.filter(level=1).count() == 63
    assert before.filter(level=2).count() == 696
    assert before.filter(level=3).count() == 10035
    binh_duong = before.get(level=1, name="Tỉnh Bình Dương")
    assert list(binh_duong.successors.values_list("code", flat=True)) == ["79"]


def test_every_old_commune_has_a_successor(loaded_places):
    old_communes = AdministrativeUnit.objects.filter(level=3, valid_to=date(2025, 6, 30))
    with_successor = (
        UnitSuccession.objects.filter(predecessor__in=old_communes).values("predecessor").distinct()
    )
    assert with_successor.count() == old_communes.count()


def test_second_load_changes_nothing(loaded_places):
    summary = places_load()
    assert all(s.created == 0 and s.updated == 0 for s in summary.values())
    assert AdministrativeUnit.objects.count() == 3355 + 10794


def test_load_repairs_an_edited_unit(loaded_places):
    unit = AdministrativeUnit.objects.get(level=1, code="79", valid_to__isnull=True)
    AdministrativeUnit.objects.filter(pk=unit.pk).update(name="Wrong name")
    summary = places_load()
    assert summary["units"].updated == 1
    unit.refresh_from_db()
    assert unit.name == "Thành phố Hồ Chí Minh"


def test_load_is_audited(loaded_places):
    places_load()
    assert AuditRecord.objects.filter(action="places.load").exists()


def test_hcmc_agencies_have_unique_dotted_ids(loaded_places):
    ids = list(Agency.objects.values_list("electronic_id", flat=True))
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"\d{3}\.\d{2}\.\d{2}\.H29", i) for i in ids)
    city_pc = Agency.objects.get(electronic_id="000.00.00.H29")
    assert city_pc.kind == Agency.Kind.PROVINCIAL_PEOPLES_COMMITTEE
    assert Agency.objects.filter(kind=Agency.Kind.DEPARTMENT, parent=city_pc).count() >= 7


def test_every_hcmc_commune_has_committee_centre_and_police(loaded_places):
    communes = AdministrativeUnit.objects.filter(parent__code="79", valid_to__isnull=True)
    for kind in (
        Agency.Kind.COMMUNE_PEOPLES_COMMITTEE,
        Agency.Kind.COMMUNE_SERVICE_CENTRE,
        Agency.Kind.POLICE,
    ):
        assert Agency.objects.filter(kind=kind, unit__in=communes).values("unit").distinct().count() == 168
    ben_thanh = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    assert ben_thanh.receives_dossiers
    assert ben_thanh.name == "Trung tâm Phục vụ hành chính công Phường Bến Thành"
    assert ben_thanh.name_en == "Public Administration Service Centre of Ben Thanh Ward"
    assert ben_thanh.parent.kind == Agency.Kind.COMMUNE_PEOPLES_COMMITTEE
