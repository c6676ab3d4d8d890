"""The synthetic history: plausible shares, consistent logs, and summaries a rebuild agrees with."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from motcua.core.time import today
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.operations import selectors
from motcua.operations.generate import history_generate, history_present
from motcua.operations.models import MEASURES, DayCounter, MonthCounter
from motcua.operations.selectors import Period, Scope
from motcua.operations.summaries import summaries_rebuild

pytestmark = pytest.mark.django_db


def _rows(model, period):
    values = model.objects.values(period, "agency_id", "procedure_code", "channel", *MEASURES)
    return {
        (r[period], r["agency_id"], r["procedure_code"], r["channel"]): tuple(r[m] for m in MEASURES)
        for r in values
        if any(r[m] for m in MEASURES)
    }


def test_a_synthetic_history_is_plausible_and_its_summaries_are_what_a_rebuild_counts(
    loaded_places, loaded_catalogue
):
    assert not history_present()
    made = history_generate(dossiers=1500, years=2, seed=1, progress=None)
    assert made == Dossier.objects.count() and made > 1400 and history_present()
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(set(codes)) == len(codes)
    assert not Dossier.objects.filter(received_at__date__gte=today()).exists()
    last_status = {}
    for dossier_id, to_status in DossierEvent.objects.order_by("at", "id").values_list(
        "dossier_id", "to_status"
    ):
        last_status[dossier_id] = to_status
    statuses = dict(Dossier.objects.values_list("pk", "status"))
    assert all(statuses[pk] == status for pk, status in last_status.items())

    province = selectors.province_default()
    year = Period(today() - timedelta(days=365), today())
    sums = selectors.sums(Scope(province.pk), year)
    online = sums["received_online"] / sums["received"]
    late = sums["resolved_late"] / sums["resolved"]
    assert 0.3 < online < 0.65 and 0.005 < late < 0.12
    open_total, _ = selectors.open_counts(Scope(province.pk))
    assert 0.002 < open_total / made < 0.08
    result = selectors.index_for(Scope(province.pk), year)
    for code in ("2.1", "2.2", "3.3", "4.1", "4.2", "4.3"):
        assert result.indicator(code).value is not None, code

    kept = _rows(DayCounter, "day"), _rows(MonthCounter, "month")
    summaries_rebuild()
    assert (_rows(DayCounter, "day"), _rows(MonthCounter, "month")) == kept


def test_the_command_loads_more_with_each_run_and_refuses_nonsense(loaded_places, loaded_catalogue):
    call_command("operations", "generate", "--dossiers", "300", "--years", "1", "--no-progress")
    call_command("operations", "generate", "--dossiers", "300", "--years", "1", "--no-progress")
    assert Dossier.objects.count() == 600
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="must be above 0"):
        call_command("operations", "generate", "--dossiers", "0")
