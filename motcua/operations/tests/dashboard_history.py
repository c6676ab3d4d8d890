"""The hand-made history the dashboard tests read, and the leaders who read it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from motcua.accounts.services import membership_grant
from motcua.conftest import sign_in_with_second_factor
from motcua.core.time import VN_TZ
from motcua.dossiers.services import dossier_receive_at_counter
from motcua.operations.tests.history import Clock, at_counter, do, form_data, resolve, submit, supplement
from motcua.places.models import Agency

NOVEMBER = "from=2026-11-01&to=2026-11-30"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=VN_TZ)
# What the applicants of the history are called and numbered: never on a public page.
PERSONAL = ("Nguyễn Văn An", "079090123456", "Trần Thị Bình", "079190000001", "Lê Văn Cường", "079085000002")


def now_is(monkeypatch: Any, moment: datetime = NOW) -> None:
    """The dashboards' "now" (the dossiers being processed, within or past their time)."""
    from motcua.operations import dashboard_selectors, dashboard_views, selectors

    for module in (selectors, dashboard_selectors, dashboard_views):
        monkeypatch.setattr(module, "now", lambda: moment)


@pytest.fixture
def history(world, monkeypatch):
    """At Phường Bến Thành, received Thursday 19 November 2026 08:00, due Wednesday 25:

    A online, signed the next day with its e-result → early, online;
    B at the counter, signed Thursday 26 → late;
    C at the counter, guided twice, signed the next day → late (guide once);
    D online, refused after processing the next day → early, online (a refusal needs no e-result);
    E online, still being processed on Friday 27 → past its due time;
    F at the counter, received Thursday 26, still being processed → within time;
    G online, submitted and never received → not counted.
    At Phường Sài Gòn: H received at the counter on the 19th, still being processed → past its due time.
    """
    clock = Clock(monkeypatch, datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ))
    now_is(monkeypatch)
    made = {}
    made["A"] = do(world, submit(world, "a"), "receive")
    made["B"] = at_counter(world, "b")
    made["C"] = supplement(world, supplement(world, at_counter(world, "c")))
    made["D"] = do(world, submit(world, "d"), "receive")
    made["E"] = do(world, submit(world, "e"), "receive")
    made["G"] = submit(world, "g")
    made["H"] = dossier_receive_at_counter(
        official=world["stranger"],
        agency=world["other"],
        version=world["version"],
        case_key="standard",
        applicant_name="Lê Văn Cường",
        applicant_personal_id="079085000002",
        data=form_data(world),
        documents={},
        unit=world["other"].unit,
        submission_key="h",
    )
    clock.set(2026, 11, 20, 9, 0)
    made["A"] = resolve(world, made["A"])
    made["C"] = resolve(world, made["C"])
    made["D"] = resolve(world, made["D"], grant=False)
    clock.set(2026, 11, 26, 10, 0)
    made["B"] = resolve(world, made["B"])
    made["F"] = at_counter(world, "f")
    clock.set(2026, 11, 27, 9, 0)
    return made


def leader_at(agency: Agency, django_user_model: Any, username: str) -> Any:
    user = django_user_model.objects.create_user(username=username, last_name=username)
    membership_grant(actor=None, user=user, agency=agency, role_key="leader", valid_from=date(2025, 7, 1))
    return user


@pytest.fixture
def province_leader(world, django_user_model, client):
    """The chairman's office of the city: a leader of the provincial People's Committee, signed in."""
    agency = Agency.objects.get(
        kind=Agency.Kind.PROVINCIAL_PEOPLES_COMMITTEE, unit_id=world["unit"].parent_id
    )
    user = leader_at(agency, django_user_model, "hcm-leader")
    sign_in_with_second_factor(client, user)
    return user


@pytest.fixture
def commune_leader(world, client):
    """The leader of Phường Bến Thành's centre (from the world), signed in."""
    user = world["officials"]["leader"]
    sign_in_with_second_factor(client, user)
    return user
