"""The synthetic history: plausible shares, logs the services could have written, summaries a rebuild
agrees with, and pre-2025 history folded into today's units."""

import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core.time import to_local, today
from motcua.dossiers.clock import dossier_timeliness, statistics_due, working_minutes_taken
from motcua.dossiers.codes import dossier_code_next
from motcua.dossiers.handlers import index_flags
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from motcua.operations import selectors
from motcua.operations.generate import REFERENCE_PREFIX, history_generate, history_present
from motcua.operations.models import MEASURES, DayCounter, DossierFact, MonthCounter
from motcua.operations.selectors import Period, Scope
from motcua.operations.summaries import summaries_rebuild
from motcua.places.calendar import WorkCalendar
from motcua.places.models import LEGACY_END, REFORM_DATE, Agency

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-(\d{6})-(\d{4})$")
SIGN_KEYS = {"outcome", "timeliness", "working_minutes", "index"}


@pytest.fixture
def history(loaded_places, loaded_catalogue):
    assert not history_present()
    made = history_generate(dossiers=2000, years=5, seed=3, progress=None)
    return made


def _rows(model, period):
    values = model.objects.values(
        period, "agency_id", "unit_id", "province_id", "procedure_code", "channel", *MEASURES
    )
    return {
        (r[period], r["agency_id"], r["unit_id"], r["province_id"], r["procedure_code"], r["channel"]): tuple(
            r[m] for m in MEASURES
        )
        for r in values
        if any(r[m] for m in MEASURES)
    }


def _facts():
    return {
        f.dossier_id: (
            f.agency_id,
            f.unit_id,
            f.province_id,
            f.channel,
            f.received_on,
            f.resolved_on,
            f.values,
        )
        for f in DossierFact.objects.all()
    }


def test_the_history_has_the_dossiers_asked_unique_codes_and_the_shares_of_a_province(history):
    assert history == 2000 == Dossier.objects.count() and history_present()
    assert not Dossier.objects.exclude(reference__startswith=REFERENCE_PREFIX).exists()
    received = list(Dossier.objects.filter(received_at__isnull=False).select_related("receiving_agency"))
    codes = [d.code for d in received]
    assert len(set(codes)) == len(codes) and not Dossier.objects.filter(received_at=None).exclude(code=None)
    last = defaultdict(int)
    for dossier in received:
        match = CODE.match(dossier.code)
        assert match and dossier.code.startswith(dossier.receiving_agency.electronic_id + "-"), dossier.code
        assert match[1] == f"{to_local(dossier.received_at):%y%m%d}"
        key = (dossier.receiving_agency_id, to_local(dossier.received_at).date())
        last[key] = max(last[key], int(match[2]))
    counters = {(c.agency_id, c.day): c.last for c in DossierCodeCounter.objects.all()}
    assert counters == dict(last)  # a reception made later that day numbers on from the history
    agency_id, day = max(last, key=lambda key: key[1])
    number = dossier_code_next(agency=Agency.objects.get(pk=agency_id), day=day)
    assert number.endswith(f"-{last[(agency_id, day)] + 1:04d}")

    # The shares look like a province's.
    dossiers = list(Dossier.objects.all())
    last_year = [
        d for d in dossiers if d.received_at and d.received_at.date() > today() - timedelta(days=365)
    ]
    first_year = [
        d for d in dossiers if d.received_at and d.received_at.date() < today() - timedelta(days=4 * 365)
    ]
    online = sum(d.channel == 2 for d in last_year) / len(last_year)
    assert 0.35 < online < 0.65  # about half online by now (domain.md §10)
    assert sum(d.channel == 2 for d in first_year) / len(first_year) < online - 0.15
    statuses = Counter(d.status for d in dossiers)
    assert 0.005 < (statuses[2] + statuses[4] + statuses[7]) / len(dossiers) < 0.06  # the last weeks
    assert statuses[3] and statuses[8] and statuses[10] > 0.85 * len(dossiers)
    supplements = Counter(min(d.supplement_requests, 2) for d in dossiers)
    assert supplements[1] > 40 and supplements[2] >= 1
    assert all(d.counts_as_late == (d.supplement_requests > 1) for d in dossiers)
    assert any(d.outcome == "refused" for d in dossiers)
    sums = selectors.sums(
        Scope(selectors.province_default().pk), Period(today() - timedelta(days=5 * 365), today())
    )
    assert 0.005 < sums["resolved_late"] / sums["resolved"] < 0.08
    assert sums["multi_supplement"] >= 1
    assert 0.8 < sums["e_result"] / sums["resolved"] <= 1
    calendar = WorkCalendar.nationwide()
    assert all(calendar.is_working_day(to_local(d.received_at).date()) for d in dossiers if d.received_at)
    assert all(
        7.5 <= to_local(d.received_at).hour + to_local(d.received_at).minute / 60 <= 17 for d in last_year
    )


def test_each_log_is_what_the_services_would_have_written(history):
    logs = defaultdict(list)
    for event in DossierEvent.objects.order_by("at", "id"):
        logs[event.dossier_id].append(event)
    dossiers = Dossier.objects.select_related("procedure_version", "competent_agency__unit__parent")
    for dossier in dossiers:
        log = logs[dossier.pk]
        assert (
            log[0].action == ("submit" if dossier.channel == 2 else "receive") and log[0].from_status is None
        )
        for before, after in pairwise(log):
            assert after.from_status == before.to_status and after.from_stage == before.to_stage, dossier.pk
        assert log[-1].to_status == dossier.status and log[-1].to_stage == dossier.stage
        actions = [e.action for e in log]
        assert dossier.supplement_requests == actions.count("request_supplement")
        assert statistics_due(dossier) == dossier.statistics_due_at
        receive = next((e for e in log if e.action == "receive"), None)
        assert (receive is not None) == (dossier.received_at is not None)
        if receive is not None:
            assert receive.at == dossier.received_at
            if dossier.channel == 2:
                assert receive.payload == {"code": dossier.code}
        sign = next((e for e in log if e.action == "sign"), None)
        if sign is None:
            assert not dossier.e_result_code and dossier.status not in (9, 10)
            continue
        assert set(sign.payload) - {"result", "closed_step"} == SIGN_KEYS
        assert sign.payload["outcome"] == dossier.outcome and dossier.status in (9, 10)
        assert sign.payload["index"] == index_flags(dossier)
        assert sign.payload["working_minutes"] == working_minutes_taken(dossier, sign.at)
        assert sign.payload["timeliness"] == dossier_timeliness(dossier, sign.at)
        assert sign.payload.get("result", {}).get("code", "") == dossier.e_result_code
        assert bool(dossier.e_result_code) == (dossier.outcome == "granted")  # every result here is signed
        assert dossier.finished_at == sign.at
        if dossier.status == 10:
            assert actions[-1] == "deliver"


def test_the_summaries_are_what_a_rebuild_counts_and_fold_in_the_units_merged_2025(history):
    province = selectors.province_default()
    year = Period(today() - timedelta(days=365), today())
    result = selectors.index_for(Scope(province.pk), year)
    for code in ("2.1", "2.2", "2.3", "3.3", "4.1", "4.2", "4.3", "4.4", "4.5"):
        assert result.indicator(code).value is not None, code
    assert 90 < result.indicator("2.1").value < 99.5
    assert 20 < result.indicator("4.3").value < 100

    kept = _rows(DayCounter, "day"), _rows(MonthCounter, "month"), _facts()
    assert kept[0] and kept[1]
    summaries_rebuild()
    assert (_rows(DayCounter, "day"), _rows(MonthCounter, "month"), _facts()) == kept

    # A current unit includes the history of the units merged into it.
    legacy = Agency.objects.filter(valid_to=LEGACY_END)
    assert legacy.exists() and all("(trước 01/7/2025)" in a.name for a in legacy)
    assert all(a.successors.filter(valid_to__isnull=True).exists() for a in legacy)
    before = Dossier.objects.filter(received_at__date__lt=REFORM_DATE)
    assert before.exists() and not before.exclude(competent_agency__valid_to=LEGACY_END).exists()
    assert not Dossier.objects.filter(
        received_at__date__gte=REFORM_DATE, competent_agency__valid_to=LEGACY_END
    )

    province = selectors.province_default()
    old_times = Period(today() - timedelta(days=5 * 365), date(2025, 6, 30))
    whole = selectors.sums(Scope(province.pk), old_times)
    assert whole["resolved"] == DossierFact.objects.filter(resolved_on__lte=old_times.end).count()
    busiest = Counter(
        DossierFact.objects.filter(resolved_on__lte=old_times.end, agency__unit__level=3).values_list(
            "agency__successors__unit_id", flat=True
        )
    ).most_common(1)[0][0]
    unit = selectors.sums(Scope(province.pk, unit_id=busiest), old_times)
    counted = DossierFact.objects.filter(
        resolved_on__lte=old_times.end, unit_id__in=selectors.unit_history(busiest) - {busiest}
    )
    assert unit["resolved"] == counted.count() > 0
    rows = {r["unit"].pk: r for r in selectors.ranking_units(Scope(province.pk), old_times)}
    assert rows[busiest]["resolved"] == unit["resolved"]


def test_the_command_adds_more_with_each_run_and_refuses_nonsense(loaded_places, loaded_catalogue):
    call_command("operations", "generate", "--dossiers", "300", "--years", "1", "--no-progress")
    first = _rows(DayCounter, "day")
    call_command("operations", "generate", "--dossiers", "300", "--years", "1", "--no-progress")
    assert Dossier.objects.count() == 600
    assert Dossier.objects.filter(reference__startswith=f"{REFERENCE_PREFIX}002-").count() == 300
    after = _rows(DayCounter, "day")
    assert (
        sum(v[0] for v in after.values())
        == sum(v[0] for v in first.values())
        + Dossier.objects.filter(
            reference__startswith=f"{REFERENCE_PREFIX}002-", received_at__isnull=False
        ).count()
    )
    summaries_rebuild()
    assert _rows(DayCounter, "day") == after  # the second run added to the summaries, exactly
    with pytest.raises(CommandError, match="must be above 0"):
        call_command("operations", "generate", "--dossiers", "0")
