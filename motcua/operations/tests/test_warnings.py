"""Early warning (domain.md §4): the three levels on hand-made dossiers with known due times, each
warning sent once, a new one after an apology moves the date, nothing for dossiers whose clock does
not run, and the board leaders and heads read it on."""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from motcua.accounts.services import membership_grant
from motcua.conftest import sign_in_with_second_factor
from motcua.core.time import VN_TZ
from motcua.dossiers.models import Dossier
from motcua.notifications.models import Message
from motcua.operations.models import Escalation
from motcua.operations.tests.history import Clock, at_counter, do, resolve
from motcua.operations.warnings import boundaries_for, warning_config, warnings_sweep
from motcua.places.calendar import WorkCalendar
from motcua.places.models import Agency, CalendarOverride

pytestmark = pytest.mark.django_db

# The sweep's moment: Friday 20 November 2026 at 10:00. The certificate of marital status takes
# 3 working days (24 working hours); Tuesday 24 November is Vietnamese Culture Day, a day off.
SWEEP = datetime(2026, 11, 20, 10, 0, tzinfo=VN_TZ)


def at(*args):
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def ward(world, django_user_model):
    """The world, plus the leader of the ward's People's Committee (the agency that decides) with an
    e-mail address, and e-mail addresses for the centre's processor and head."""
    committee = Agency.objects.get(kind=Agency.Kind.COMMUNE_PEOPLES_COMMITTEE, unit=world["unit"])
    leader = django_user_model.objects.create_user(
        username="bt-chairman", last_name="Lê Văn", first_name="Chủ Tịch", email="chutich@example.vn"
    )
    membership_grant(
        actor=None, user=leader, agency=committee, role_key="leader", valid_from=date(2025, 7, 1)
    )
    for role, email in (("processor", "xuly@example.vn"), ("head", "truongphong@example.vn")):
        user = world["officials"][role]
        user.email, user.last_name, user.first_name = email, "Trần Thị", role.title()
        user.save()
    return {**world, "committee": committee, "chairman": leader}


def received(world, monkeypatch, when, key, *, assign=False):
    """A dossier received at the counter at ``when`` (due 24 working hours later)."""
    Clock(monkeypatch, when)
    dossier = at_counter(world, key)
    if assign:
        dossier = do(world, dossier, "hand_over", to_person=world["officials"]["processor"])
    return dossier


def test_the_boundaries_are_working_hours_of_the_calendar():
    bounds = boundaries_for(WorkCalendar(), SWEEP, warning_config())
    # 24 working hours from Friday 10:00: Monday 23 and Wednesday 25 (Tuesday is off), Thursday 10:00.
    assert bounds.remind_until == at(2026, 11, 26, 10, 0)
    # 48 working hours back: Thursday 19 … Thursday 12 November at 10:00.
    assert bounds.department_from == at(2026, 11, 12, 10, 0)
    assert bounds.level_of(at(2026, 11, 26, 10, 1)) is None
    assert bounds.level_of(at(2026, 11, 26, 10, 0)) == "remind"
    assert bounds.level_of(SWEEP) == "remind"
    assert bounds.level_of(SWEEP - timedelta(minutes=1)) == "department"
    assert bounds.level_of(at(2026, 11, 12, 10, 0)) == "department"
    assert bounds.level_of(at(2026, 11, 12, 9, 59)) == "agency"


def test_a_due_time_on_a_closed_day_counts_as_the_closing_before_it():
    # From Friday 17:00, 24 working hours end on Thursday 26 at 17:00 (Monday, Wednesday, Thursday:
    # Tuesday is off); an appointment in the closed stretch up to Friday's opening is just as near.
    bounds = boundaries_for(WorkCalendar(), at(2026, 11, 20, 17, 0), warning_config())
    assert bounds.remind_until == at(2026, 11, 27, 7, 30)
    assert bounds.level_of(at(2026, 11, 26, 20, 0)) == "remind"
    assert bounds.level_of(at(2026, 11, 27, 7, 31)) is None


def test_the_three_levels_go_to_the_official_the_head_of_department_and_the_head_of_agency(ward, monkeypatch):
    soon = received(ward, monkeypatch, at(2026, 11, 19, 8, 0), "soon", assign=True)  # due Wed 25 08:00
    unassigned = received(ward, monkeypatch, at(2026, 11, 20, 10, 0), "edge")  # due Thu 26 10:00: 24 h
    beyond = received(ward, monkeypatch, at(2026, 11, 20, 10, 1), "beyond")  # due Thu 26 10:01
    late = received(ward, monkeypatch, at(2026, 11, 9, 10, 0), "late")  # due Thu 12 10:00: 48 h late
    very_late = received(ward, monkeypatch, at(2026, 11, 9, 9, 59), "very")  # due Thu 12 09:59
    assert (late.current_due_at, very_late.current_due_at) == (
        at(2026, 11, 12, 10, 0),
        at(2026, 11, 12, 9, 59),
    )

    report = warnings_sweep(at=SWEEP)

    levels = dict(Escalation.objects.values_list("dossier_id", "level"))
    assert levels == {
        soon.pk: "remind",
        unassigned.pk: "remind",
        late.pk: "department",
        very_late.pk: "agency",
    }
    assert beyond.pk not in levels
    assert report.counts == {"remind": 2, "department": 1, "agency": 1} and report.unaddressed == 0
    assert "nhắc cán bộ 2" in str(report) and "2 reminded" in str(report)
    processor, head = ward["officials"]["processor"], ward["officials"]["head"]
    # The assigned official only; nobody assigned: the officials who process dossiers at the centre.
    to = {e.dossier_id: [r["id"] for r in e.recipients] for e in Escalation.objects.all()}
    assert to == {
        soon.pk: [processor.pk],
        unassigned.pk: [processor.pk],
        late.pk: [head.pk],
        very_late.pk: [ward["chairman"].pk],
    }
    agency_of = dict(Escalation.objects.values_list("level", "agency_id"))
    assert agency_of["department"] == ward["centre"].pk and agency_of["agency"] == ward["committee"].pk
    # One notice per official and level, listing the dossiers, in the app and by e-mail.
    reminder = Message.objects.get(user=processor, template="operations_warning_remind", channel="email")
    assert (
        reminder.to == "xuly@example.vn" and soon.code in reminder.body and unassigned.code in reminder.body
    )
    assert reminder.subject.startswith("motcua: 2 hồ sơ")
    assert "25/11/2026" in reminder.body and "/van-phong/dieu-hanh/canh-bao" in reminder.body
    assert Message.objects.filter(user=processor, channel="in_app", to=processor.username).count() == 1
    told_head = Message.objects.get(user=head, template="operations_warning_department", channel="in_app")
    assert late.code in told_head.body and very_late.code not in told_head.body
    chairman = Message.objects.get(
        user=ward["chairman"], template="operations_warning_agency", channel="email"
    )
    assert very_late.code in chairman.body and "48" in chairman.subject


def test_each_warning_is_sent_once_across_sweeps(ward, monkeypatch):
    received(ward, monkeypatch, at(2026, 11, 19, 8, 0), "soon", assign=True)  # due Wednesday 25 08:00
    received(ward, monkeypatch, at(2026, 11, 16, 8, 0), "late")  # due Thursday 19 08:00
    first = warnings_sweep(at=SWEEP)
    messages = Message.objects.count()
    again = warnings_sweep(at=SWEEP + timedelta(minutes=15))
    assert first.total == 2 and again.total == 0 and again.messages == 0
    assert Escalation.objects.count() == 2 and Message.objects.count() == messages
    # The reminded dossier becomes late: a new level, so one new warning, to the head.
    later = warnings_sweep(at=at(2026, 11, 25, 9, 0))
    assert later.counts == {"remind": 0, "department": 1, "agency": 0}


def test_an_apology_with_a_new_date_makes_new_warnings_possible(ward, monkeypatch):
    clock = Clock(monkeypatch, at(2026, 11, 19, 8, 0))
    dossier = at_counter(ward, "apology")  # due Wednesday 25 at 08:00
    assert warnings_sweep(at=SWEEP).counts["remind"] == 1
    clock.at = at(2026, 11, 23, 9, 0)
    dossier = do(
        ward, dossier, "apologise", role="head", note="Chờ xác minh", new_due_at=at(2026, 12, 2, 8, 0)
    )
    assert warnings_sweep(at=at(2026, 11, 25, 9, 0)).total == 0  # the new date is a week away
    again = warnings_sweep(at=at(2026, 11, 30, 9, 0))  # Wednesday 2 December is within 24 h
    assert again.counts["remind"] == 1
    dues = sorted(Escalation.objects.filter(dossier_id=dossier.pk).values_list("due_at", flat=True))
    assert dues == [at(2026, 11, 25, 8, 0), at(2026, 12, 2, 8, 0)]


def test_nothing_for_dossiers_waiting_for_the_applicant_finished_or_interconnected_children(
    ward, monkeypatch
):
    waiting = received(ward, monkeypatch, at(2026, 11, 9, 10, 0), "waiting")
    clock = Clock(monkeypatch, at(2026, 11, 10, 9, 0))
    waiting = do(ward, waiting, "request_supplement", items=[{"vi": "Bản sao giấy tờ còn thiếu"}])
    finished = received(ward, monkeypatch, at(2026, 11, 9, 10, 0), "finished")
    clock.at = at(2026, 11, 16, 9, 0)
    finished = resolve(ward, finished)
    parent = received(ward, monkeypatch, at(2026, 11, 30, 8, 0), "parent")
    child = received(ward, monkeypatch, at(2026, 11, 9, 10, 0), "child")
    # The interconnected flow links the child to the parent (test set-up, not a transition).
    Dossier.objects.filter(pk=child.pk).update(parent=parent)
    report = warnings_sweep(at=SWEEP)
    assert (waiting.status, finished.status) == (5, 9)
    assert report.total == 0 and not Escalation.objects.exists()


def test_nobody_holding_the_role_is_recorded_and_said(ward, monkeypatch):
    from motcua.accounts.models import Membership

    received(ward, monkeypatch, at(2026, 11, 9, 9, 0), "very")
    Membership.objects.filter(user=ward["chairman"]).update(valid_to=date(2026, 1, 1))
    report = warnings_sweep(at=SWEEP)
    assert report.counts["agency"] == 1 and report.unaddressed == 1
    assert "1 with nobody to tell" in str(report)
    assert Escalation.objects.get().recipients == []


def test_a_provincial_day_off_moves_the_boundaries_of_that_province_only(ward, monkeypatch):
    # Ho Chi Minh City declares Monday 23 November off: 24 working hours from Friday run to Friday 27.
    CalendarOverride.objects.create(
        date=date(2026, 11, 23),
        kind=CalendarOverride.Kind.DAY_OFF,
        province=ward["unit"].parent,
        reason="Thử",
    )
    dossier = received(ward, monkeypatch, at(2026, 11, 20, 10, 0), "override")  # its calendar too
    assert dossier.current_due_at == at(2026, 11, 27, 10, 0)
    assert warnings_sweep(at=SWEEP).counts["remind"] == 1


def test_the_sweep_command_prints_the_summary(ward, monkeypatch, capsys):
    import motcua.operations.warnings as warnings

    received(ward, monkeypatch, at(2026, 11, 19, 8, 0), "soon", assign=True)
    monkeypatch.setattr(warnings, "now", lambda: SWEEP)
    call_command("operations", "sweep")
    assert "Cảnh báo sớm 10:00 20/11/2026: nhắc cán bộ 1" in capsys.readouterr().out


def test_the_thresholds_come_from_the_settings(ward, monkeypatch, settings):
    settings.OPERATIONS_WARNINGS = {**settings.OPERATIONS_WARNINGS, "remind_within_hours": 4}
    received(ward, monkeypatch, at(2026, 11, 19, 8, 0), "soon")  # 14 working hours away
    assert warnings_sweep(at=SWEEP).total == 0
    settings.OPERATIONS_WARNINGS = {**settings.OPERATIONS_WARNINGS, "remind_within_hours": -1}
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        warnings_sweep(at=SWEEP)


def test_the_worker_sweeps_through_the_scheduler(ward, monkeypatch):
    from motcua.core.models import PeriodicRun
    from motcua.core.schedule import periodic_jobs, schedule_tick

    assert periodic_jobs()["operations.warnings_sweep"].every == timedelta(minutes=15)
    received(ward, monkeypatch, at(2026, 11, 19, 8, 0), "soon", assign=True)
    assert schedule_tick(at=SWEEP) == ["operations.warnings_sweep"]
    assert PeriodicRun.objects.get(name="operations.warnings_sweep").next_due_at == SWEEP + timedelta(
        minutes=15
    )


# --- the board ------------------------------------------------------------------------------------


@pytest.fixture
def board(ward, monkeypatch):
    """Warnings sent on Friday 20 November at 10:00; the page is read at the same moment."""
    import motcua.operations.warning_views as views

    made = {
        "soon": received(ward, monkeypatch, at(2026, 11, 19, 8, 0), "soon", assign=True),
        "late": received(ward, monkeypatch, at(2026, 11, 9, 10, 0), "late"),
        "very": received(ward, monkeypatch, at(2026, 11, 9, 9, 0), "very"),
        "calm": received(ward, monkeypatch, at(2026, 11, 20, 11, 0), "calm"),
    }
    clock = Clock(monkeypatch, at(2026, 11, 20, 8, 0))
    guided = received(ward, monkeypatch, at(2026, 11, 20, 8, 0), "guided")
    for _ in range(2):
        guided = do(ward, guided, "request_supplement", items=[{"vi": "Bản sao giấy tờ còn thiếu"}])
        guided = do(ward, guided, "supplement_at_counter")
    made["guided"] = guided
    clock.at = SWEEP
    warnings_sweep(at=SWEEP)
    monkeypatch.setattr(views, "now", lambda: SWEEP)
    return made


def test_the_board_shows_a_head_the_late_dossiers_and_who_was_told(ward, board, client):
    sign_in_with_second_factor(client, ward["officials"]["head"])
    page = client.get(reverse("operations:warnings"))
    assert page.status_code == 200
    html = page.content.decode()
    for key in ("soon", "late", "very"):
        assert board[key].code in html
        assert reverse("desk:dossier", args=[board[key].pk]) in html
    assert board["calm"].code not in html.split('id="bo-sung"')[0]  # not near due: not in the lists
    assert "Trễ đến 48 giờ làm việc" in html and "Trễ quá 48 giờ làm việc" in html
    assert "Đã báo lãnh đạo phòng · 10:00 20/11/2026" in html
    assert "gửi Trần Thị Head" in html and "gửi Lê Văn Chủ Tịch" in html
    # The guided-twice dossier is listed, and the backlog counts it.
    assert board["guided"].code in html.split('id="bo-sung"')[1]
    rows = page.context["agencies_page"].object_list
    assert [(r["open"], r["due_soon"], r["late"], r["very_late"], r["multi_supplement"]) for r in rows] == [
        (5, 2, 1, 1, 1)
    ]
    officials = {
        o["official"].pk if o["official"] else None: o["due_soon"] for o in page.context["officials"]
    }
    assert officials == {ward["officials"]["processor"].pk: 1, None: 1}


def test_the_board_filters_by_level_agency_and_official(ward, board, client):
    sign_in_with_second_factor(client, ward["officials"]["head"])
    late_only = client.get(reverse("operations:warnings"), {"level": "agency"})
    assert [r["code"] for r in late_only.context["rows"]] == [board["very"].code]
    mine = client.get(reverse("operations:warnings"), {"official": ward["officials"]["processor"].pk})
    assert [r["code"] for r in mine.context["rows"]] == [board["soon"].code]
    # Another ward's centre: nothing of it is seen, whatever the address asks.
    elsewhere = client.get(reverse("operations:warnings"), {"agency": ward["other"].pk})
    assert elsewhere.status_code == 200 and elsewhere.context["rows"] == []
    assert elsewhere.context["agencies_page"].object_list == []
    assert client.get(reverse("operations:warnings"), {"agency": "999999"}).status_code == 400
    assert client.get(reverse("operations:warnings"), {"level": "x"}).status_code == 400
    assert client.get(reverse("operations:warnings"), {"after": "yesterday"}).status_code == 400


def test_the_board_pages_through_the_dossiers(ward, board, client, monkeypatch):
    import motcua.operations.warning_views as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    sign_in_with_second_factor(client, ward["officials"]["head"])
    first = client.get(reverse("operations:warnings"))
    assert [r["code"] for r in first.context["rows"]] == [board["very"].code, board["late"].code]
    second = client.get(f"{reverse('operations:warnings')}?{first.context['next_page']}")
    assert [r["code"] for r in second.context["rows"]] == [board["soon"].code, board["guided"].code]


def test_a_leader_of_the_province_sees_the_board(ward, board, client, django_user_model):
    city = Agency.objects.get(kind=Agency.Kind.PROVINCIAL_PEOPLES_COMMITTEE, unit=ward["unit"].parent)
    leader = django_user_model.objects.create_user(username="hcm-leader")
    membership_grant(actor=None, user=leader, agency=city, role_key="leader", valid_from=date(2025, 7, 1))
    sign_in_with_second_factor(client, leader)
    page = client.get(reverse("operations:warnings"))
    assert page.status_code == 200 and board["very"].code in page.content.decode()
    assert ward["other"].pk in page.context["scope"].agency_ids


def test_the_board_refuses_an_official_without_the_role_and_a_citizen(ward, board, client):
    sign_in_with_second_factor(client, ward["officials"]["receiver"])
    refused = client.get(reverse("operations:warnings"))
    assert refused.status_code == 403 and board["very"].code not in refused.content.decode()
    assert "bảng cảnh báo sớm" in refused.content.decode()
    client.logout()
    client.force_login(ward["citizen"], backend="motcua.accounts.oidc.CitizenOIDCBackend")
    citizen = client.get(reverse("operations:warnings"))
    assert citizen.status_code == 302 and "/van-phong/dang-nhap" in citizen["Location"]
