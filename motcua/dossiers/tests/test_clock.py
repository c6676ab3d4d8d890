"""A dossier's clock follows the working calendar as it is declared at the moment of each transition."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.time import VN_TZ
from motcua.dossiers.tests.test_lifecycle import _do, _submit
from motcua.places.models import CalendarOverride
from motcua.places.services import calendar_override_delete, calendar_override_save

pytestmark = pytest.mark.django_db

THURSDAY = datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ)


@pytest.fixture
def frozen(monkeypatch):
    import motcua.dossiers.services as services

    monkeypatch.setattr(services, "now", lambda: THURSDAY)


def test_a_day_off_declared_between_two_receptions_counts_for_the_second(world, frozen):
    first = _do(world, _submit(world, key="a"), "receive")
    # 3 working days: Wednesday 25 (Tuesday 24 is Culture Day).
    assert first.due_at == datetime(2026, 11, 25, 8, 0, tzinfo=VN_TZ)
    override = calendar_override_save(
        override=CalendarOverride(date=date(2026, 11, 20), kind="day_off", reason="Nghỉ bù"), actor=None
    )
    second = _do(world, _submit(world, key="b"), "receive")
    assert second.due_at == datetime(2026, 11, 26, 8, 0, tzinfo=VN_TZ)
    assert second.step_due_at is not None and second.step_due_at > THURSDAY
    first.refresh_from_db()
    assert first.due_at == datetime(2026, 11, 25, 8, 0, tzinfo=VN_TZ)  # computed deadlines keep their dates
    calendar_override_delete(override=override, actor=None)
    third = _do(world, _submit(world, key="c"), "receive")
    assert third.due_at == datetime(2026, 11, 25, 8, 0, tzinfo=VN_TZ)


def test_an_override_written_outside_the_service_counts_too(world, frozen):
    CalendarOverride.objects.create(date=date(2026, 11, 20), kind="day_off", reason="Nghỉ bù")
    assert _do(world, _submit(world), "receive").due_at == datetime(2026, 11, 26, 8, 0, tzinfo=VN_TZ)


def test_a_reception_reads_the_calendar_once(world, frozen):
    dossier = _submit(world)
    with CaptureQueriesContext(connection) as queries:
        _do(world, dossier, "receive")  # the due time and the first step's due time
    reads = [q["sql"] for q in queries.captured_queries if "places_calendaroverride" in q["sql"]]
    units = [q["sql"] for q in queries.captured_queries if 'FROM "places_administrativeunit"' in q["sql"]]
    assert len(reads) == 1 and not units, (reads, units)
