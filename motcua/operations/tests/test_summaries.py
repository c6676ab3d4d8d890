"""The summaries kept from events agree exactly with a rebuild from the event log, on randomised
histories driven through the real dossier services (a property test), and follow every change."""

from datetime import datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.time import VN_TZ
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import dossier_transition
from motcua.operations.models import MEASURES, DayCounter, DossierFact, MonthCounter
from motcua.operations.summaries import fact_refresh, summaries_rebuild
from motcua.operations.tests.history import Clock, at_counter, do, resolve, submit

pytestmark = pytest.mark.django_db

plans = st.fixed_dictionaries(
    {
        "online": st.booleans(),
        "refused_at_reception": st.booleans(),
        "supplements": st.integers(0, 3),
        "apology": st.booleans(),
        "end": st.sampled_from(["grant", "refuse", "open", "stop", "withdraw"]),
        "deliver": st.booleans(),
        "child": st.booleans(),
        "gaps": st.lists(st.floats(0.1, 260), min_size=8, max_size=8),
    }
)


def _rows():
    """Every non-zero summary row, and every dossier's fact."""

    def table(model, period):
        out = {}
        for row in model.objects.values(
            period, "agency_id", "unit_id", "procedure_code", "sector", "channel", *MEASURES
        ):
            measures = tuple(row[m] for m in MEASURES)
            if any(measures):
                out[(row[period], row["agency_id"], row["procedure_code"], row["channel"])] = (
                    row["unit_id"],
                    row["sector"],
                    measures,
                )
        return out

    facts = {f.dossier_id: (f.received_on, f.resolved_on, f.values) for f in DossierFact.objects.all()}
    return table(DayCounter, "day"), table(MonthCounter, "month"), facts


def _play(world, clock, number, plan, parent):
    gaps = iter(plan["gaps"])

    def later():
        clock.advance(hours=next(gaps))

    key = f"p{number}"
    if plan["online"]:
        dossier = submit(world, key)
        later()
        if plan["refused_at_reception"]:
            return do(world, dossier, "refuse", note="Không thuộc thẩm quyền")
        dossier = do(world, dossier, "receive")
    else:
        dossier = at_counter(world, key)
    if plan["child"] and parent is not None:
        # An interconnected procedure links its child when it creates it; linked afterwards here, so
        # counted again the way that link will be.
        Dossier.objects.filter(pk=dossier.pk).update(parent=parent)
        dossier.refresh_from_db()
        fact_refresh(dossier)
    for _ in range(plan["supplements"]):
        later()
        dossier = do(world, dossier, "request_supplement", items=[{"vi": "Giấy tờ còn thiếu"}])
        clock.advance(hours=3)
        dossier = do(world, dossier, "supplement_at_counter")
    later()
    if plan["apology"] and clock.at < dossier.current_due_at:
        new_due = dossier.current_due_at + timedelta(days=3)
        dossier = do(world, dossier, "apologise", role="head", note="Chờ xác minh", new_due_at=new_due)
    if plan["end"] == "open":
        return dossier
    if plan["end"] == "stop":
        return do(world, dossier, "stop", role="receiver", note="Người nộp đề nghị dừng")
    if plan["end"] == "withdraw" and dossier.applicant_id is not None:
        dossier = dossier_transition(actor=world["citizen"], dossier=dossier, action="request_withdrawal")
        return do(world, dossier, "confirm_withdrawal", note="Theo đề nghị của người nộp")
    if plan["end"] == "withdraw":
        return do(world, dossier, "stop", note="Người nộp rút hồ sơ tại quầy")
    dossier = resolve(world, dossier, grant=plan["end"] == "grant")
    later()
    if plan["deliver"]:
        dossier = do(world, dossier, "deliver")
    return dossier


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(plans, min_size=1, max_size=4), start_hours=st.floats(0, 24 * 40))
def test_rebuild_from_the_event_log_equals_the_summaries_kept_from_events(
    world, monkeypatch, history, start_hours
):
    clock = Clock(monkeypatch, datetime(2026, 10, 20, 8, 0, tzinfo=VN_TZ) + timedelta(hours=start_hours))
    with transaction.atomic():
        parent = None
        for number, plan in enumerate(history):
            dossier = _play(world, clock, number, plan, parent)
            parent = parent or (
                dossier if dossier.parent_id is None and dossier.status != Status.REFUSED else None
            )
        kept = _rows()
        summaries_rebuild()
        assert _rows() == kept
        transaction.set_rollback(True)


def test_each_reception_and_result_is_counted_once_in_its_day_and_month(world, monkeypatch):
    clock = Clock(monkeypatch, datetime(2026, 11, 30, 16, 0, tzinfo=VN_TZ))  # a Monday, end of month
    dossier = do(world, submit(world, "once"), "receive")
    clock.set(2026, 12, 1, 9, 0)
    dossier = resolve(world, dossier)
    do(world, dossier, "deliver")  # a delivery changes nothing counted
    november = MonthCounter.objects.get(month="2026-11-01")
    december = MonthCounter.objects.get(month="2026-12-01")
    assert (november.received, november.received_online, november.resolved) == (1, 1, 0)
    assert (december.received, december.resolved, december.resolved_early, december.e_result) == (0, 1, 1, 1)
    assert DayCounter.objects.get(day="2026-12-01").resolved == 1


def test_a_failed_transition_leaves_the_summaries_as_they_were(world, monkeypatch):
    Clock(monkeypatch, datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ))
    dossier = do(world, submit(world, "rolled-back"), "receive")
    before = _rows()
    with pytest.raises(RuntimeError), transaction.atomic():
        resolve(world, dossier)
        raise RuntimeError("the request died after signing")
    assert _rows() == before


def test_rebuild_counts_a_history_written_before_the_sign_event_recorded_the_flags(world, monkeypatch):
    """Sign events of dossiers resolved before this version lack the index flags: the rebuild takes
    them from the dossier as it is, the way an upgrade's first rebuild will."""
    from motcua.dossiers.models import DossierEvent

    clock = Clock(monkeypatch, datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ))
    dossier = do(world, submit(world, "old"), "receive")
    clock.set(2026, 11, 19, 10, 0)
    dossier = resolve(world, dossier)
    sign = DossierEvent.objects.get(dossier=dossier, action="sign")
    sign.payload = {k: v for k, v in sign.payload.items() if k not in ("index", "working_minutes")}
    sign.save()
    summaries_rebuild()
    fact = DossierFact.objects.get(dossier_id=dossier.pk)
    assert fact.values["population_data"] == 1 and fact.values["processing_minutes"] == 120
