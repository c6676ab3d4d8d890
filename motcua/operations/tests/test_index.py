"""The service index on a small hand-made history driven through the real dossier services, with
known answers: the edge rules of domain.md §9 and the API that serves it."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from motcua.catalogue.models import ProcedureVersion
from motcua.core.time import VN_TZ
from motcua.dossiers.models import Dossier
from motcua.operations import selectors
from motcua.operations.models import DayCounter, DossierFact, MonthCounter
from motcua.operations.selectors import Period, Scope
from motcua.operations.tests.history import Clock, at_counter, do, resolve, submit, supplement

pytestmark = pytest.mark.django_db
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def history(world, monkeypatch):
    """Received Thursday 19 November 2026 at 08:00 (due Wednesday 25, three working days later):

    A online, signed the next day with its e-result → early, online;
    B at the counter, signed Thursday 26 → late;
    C at the counter, guided twice, signed the next day → late (guide once);
    D online, refused after processing the next day → early, online (a refusal needs no e-result);
    E online, still being processed on Friday 27 → past its due time;
    F at the counter, received Thursday 26, still being processed → within time;
    G online, submitted and never received → not counted.
    """
    clock = Clock(monkeypatch, datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ))
    monkeypatch.setattr(selectors, "now", lambda: datetime(2026, 11, 27, 9, 0, tzinfo=VN_TZ))
    made = {}
    made["A"] = do(world, submit(world, "a"), "receive")
    made["B"] = at_counter(world, "b")
    made["C"] = supplement(world, supplement(world, at_counter(world, "c")))
    made["D"] = do(world, submit(world, "d"), "receive")
    made["E"] = do(world, submit(world, "e"), "receive")
    made["G"] = submit(world, "g")
    clock.set(2026, 11, 20, 9, 0)
    made["A"] = resolve(world, made["A"])
    made["C"] = resolve(world, made["C"])
    made["D"] = resolve(world, made["D"], grant=False)
    clock.set(2026, 11, 26, 10, 0)
    made["B"] = resolve(world, made["B"])
    made["F"] = at_counter(world, "f")
    return made


def _scope(world):
    return Scope(province_id=world["unit"].parent_id)


def test_the_province_index_of_a_hand_made_history(world, history):
    result = selectors.index_for(_scope(world), NOVEMBER)

    def row(code):
        i = result.indicator(code)
        return i.numerator, i.denominator, i.value

    assert row("2.1") == (2, 4, Decimal("50.00"))  # A and D; B late, C guided twice
    assert row("2.2") == (1, 2, Decimal("50.00"))  # F within time, E past it
    assert row("3.3") == (2, 4, Decimal("50.00"))  # A (with its e-result) and D (a refusal)
    assert row("4.1") == (3, 4, Decimal("75.00"))  # A, B, C signed an e-result; D is a refusal
    assert row("4.5") == (2, 4, Decimal("50.00"))  # the e-ID applicants of A and D
    assert result.indicator("3.3").score == Decimal("4.00")  # 50 % online earns full marks
    sums = selectors.sums(_scope(world), NOVEMBER)
    assert (sums["received"], sums["received_online"], sums["resolved"]) == (6, 3, 4)
    assert (sums["resolved_late"], sums["multi_supplement"], sums["resolved_early"]) == (2, 1, 2)
    in_force = ProcedureVersion.objects.in_force_on(NOVEMBER.end)
    online = in_force.filter(online_level="full").values("procedure").distinct().count()
    assert row("3.1")[:2] == (online, in_force.values("procedure").distinct().count())
    assert row("3.2")[:2] == (1, online)  # only the marital-status certificate had online dossiers


def test_statistics_keep_the_original_due_date_after_an_apology(world, monkeypatch):
    clock = Clock(monkeypatch, datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ))
    dossier = do(world, submit(world, "apology"), "receive")
    dossier = do(world, dossier, "hand_over", to_person=world["officials"]["processor"])
    later = datetime(2026, 12, 4, 16, 0, tzinfo=VN_TZ)
    dossier = do(world, dossier, "apologise", role="head", note="Chờ xác minh", new_due_at=later)
    clock.set(2026, 11, 30, 9, 0)  # before the new date, after the original one
    resolve(world, dossier)
    result = selectors.index_for(_scope(world), NOVEMBER)
    assert result.indicator("2.1").numerator == 0 and result.indicator("2.1").denominator == 1


def test_the_time_waiting_for_a_supplement_is_not_counted(world, monkeypatch):
    clock = Clock(monkeypatch, datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ))  # due Wednesday 25 08:00
    dossier = do(world, at_counter(world, "paused"), "request_supplement", items=[{"vi": "Ảnh"}])
    clock.set(2026, 11, 23, 8, 0)  # two working days waiting for the applicant
    dossier = do(world, dossier, "supplement_at_counter")
    assert Dossier.objects.get(pk=dossier.pk).statistics_due_at == datetime(2026, 11, 27, 8, 0, tzinfo=VN_TZ)
    clock.set(2026, 11, 26, 15, 0)  # after the original due time, within the moved one
    resolve(world, dossier)
    result = selectors.index_for(_scope(world), NOVEMBER)
    assert result.indicator("2.1").value == Decimal("100.00")
    # 37.5 working hours from Thursday 08:00 to Thursday 15:00 (Tuesday 24 is a holiday), 16 of them
    # waiting for the applicant: 21.5 h = 2.69 working days.
    assert result.indicator("2.3").value == Decimal("2.69")


def test_an_interconnected_child_dossier_is_not_counted(world, monkeypatch):
    Clock(monkeypatch, datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ))
    parent = at_counter(world, "parent")
    child = at_counter(world, "child")
    Dossier.objects.filter(pk=child.pk).update(parent=parent)
    child.refresh_from_db()
    resolve(world, child)
    resolve(world, parent)
    assert selectors.sums(_scope(world), NOVEMBER)["resolved"] == 1
    assert not DossierFact.objects.filter(dossier_id=child.pk).exists()


def test_summaries_are_per_day_and_per_month_and_a_period_reads_both(world, history):
    assert DayCounter.objects.filter(day=date(2026, 11, 19)).exists()
    assert MonthCounter.objects.filter(month=date(2026, 11, 1)).exists()
    # Part of November from the day rows, part of December (none) — the same answers as the month.
    part = selectors.sums(_scope(world), Period(date(2026, 11, 15), date(2026, 12, 10)))
    whole = selectors.sums(_scope(world), NOVEMBER)
    assert part == whole
    only_the_20th = selectors.sums(_scope(world), Period(date(2026, 11, 20), date(2026, 11, 20)))
    assert only_the_20th["resolved"] == 3 and only_the_20th["received"] == 0


def test_the_scope_narrows_to_a_unit_a_procedure_and_a_channel(world, history):
    unit = _scope(world).narrowed(unit_id=world["unit"].pk)
    assert selectors.sums(unit, NOVEMBER)["resolved"] == 4
    elsewhere = _scope(world).narrowed(unit_id=world["other"].unit_id)
    assert selectors.sums(elsewhere, NOVEMBER)["resolved"] == 0
    online = _scope(world).narrowed(channel=2)
    assert selectors.index_for(online, NOVEMBER).indicator("2.1").denominator == 2
    assert selectors.sums(_scope(world).narrowed(procedure_code="1.000656"), NOVEMBER)["received"] == 0


def test_the_period_splits_into_whole_months_and_edge_days():
    days, months = selectors.period_split(Period(date(2026, 1, 15), date(2026, 4, 10)))
    assert days == [(date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 4, 1), date(2026, 4, 10))]
    assert months == (date(2026, 2, 1), date(2026, 3, 1))
    assert selectors.period_split(Period(date(2026, 1, 1), date(2026, 12, 31))) == (
        [],
        (date(2026, 1, 1), date(2026, 12, 1)),
    )
    assert selectors.period_split(Period(date(2026, 3, 3), date(2026, 3, 9))) == (
        [(date(2026, 3, 3), date(2026, 3, 9))],
        None,
    )


# --- the API ------------------------------------------------------------------------------------------


def test_the_api_serves_the_index_with_scope_period_groups_and_indicators(client, world, history):
    unit = world["unit"]
    response = client.get(f"/api/v1/operations/index?from=2026-11-01&to=2026-11-30&unit={unit.code}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"]["unit"] == unit.code and body["scope"]["unit_name"] == unit.name
    assert body["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    by_code = {i["code"]: i for i in body["indicators"]}
    assert by_code["2.1"]["numerator"] == 2 and by_code["2.1"]["denominator"] == 4
    assert by_code["2.1"]["value"] == 50.0 and body["score"] is not None
    assert by_code["1.4"]["value"] is None and by_code["1.4"]["reason_en"]
    assert [g["code"] for g in body["groups"]] == ["1", "2", "3", "4", "5"]
    assert "Nguyễn" not in response.content.decode()  # aggregates only


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("from=2026-12-01&to=2026-11-01", 400, "invalid_period"),
        ("from=1-2-3", 422, "invalid_request"),
        ("unit=99999", 404, "unit_not_found"),
        ("agency=000.00.00.X00", 404, "agency_not_found"),
        ("procedure=9.999999", 404, "procedure_not_found"),
        ("channel=7", 422, "invalid_request"),
    ],
)
def test_the_api_says_what_is_wrong_with_a_query(client, world, query, status, code):
    response = client.get(f"/api/v1/operations/index?{query}")
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and response["Content-Type"] == "application/problem+json"


def test_the_api_is_documented(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/operations/index"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "unit", "agency", "procedure"}


def test_history_of_a_merged_unit_counts_under_the_unit_it_became_and_todays_province(world):
    from motcua.operations.facts import Keys
    from motcua.operations.summaries import agency_place, counters_add
    from motcua.places.models import LEGACY_END, AdministrativeUnit, Agency, UnitSuccession

    ben_thanh = world["unit"]
    old = AdministrativeUnit.objects.get(
        pk=UnitSuccession.objects.filter(successor=ben_thanh).first().predecessor_id
    )
    assert old.valid_to is not None
    old_committee = Agency.objects.create(
        electronic_id="H29.99.99.001",
        name=f"Ủy ban nhân dân {old.name}",
        kind="commune_pc",
        unit=old,
        valid_to=LEGACY_END,
    )
    unit_id, province_id = agency_place(old_committee)
    assert (unit_id, province_id) == (old.pk, ben_thanh.parent_id)  # today's city, not the old one
    keys = Keys(old_committee.pk, unit_id, province_id, "1.004873", "civil_status", 1)
    counters_add({(date(2025, 3, 4), keys): {"received": 1, "resolved": 1, "resolved_in_time": 1}})
    spring = Period(date(2025, 3, 1), date(2025, 3, 31))
    assert selectors.sums(_scope(world).narrowed(unit_id=ben_thanh.pk), spring)["resolved"] == 1
    assert selectors.sums(_scope(world), spring)["resolved"] == 1
    ranked = {row["unit"].pk: row for row in selectors.ranking_units(_scope(world), spring)}
    assert ranked[ben_thanh.pk]["resolved"] == 1 and ranked[ben_thanh.pk]["on_time"] == 100.0
