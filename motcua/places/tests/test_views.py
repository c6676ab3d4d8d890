import pytest

pytestmark = pytest.mark.django_db


def test_address_lookup_page_shows_the_new_ward(client, loaded_places):
    response = client.get(
        "/places/legacy-address", {"province": "TP HCM", "district": "Quận 5", "ward": "Phường 9"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Phường An Đông" in html and "mã 27316" in html


def test_address_lookup_page_lists_every_part_of_a_split_commune(client, loaded_places):
    html = client.get(
        "/places/legacy-address", {"province": "Hồ Chí Minh", "district": "Bình Chánh", "ward": "An Phú Tây"}
    ).content.decode()
    assert "đã được chia tách" in html
    assert "Phường Bình Đông" in html and "Xã Bình Chánh" in html


def test_address_lookup_errors_sit_next_to_the_field_and_keep_what_was_typed(client, loaded_places):
    html = client.get(
        "/places/legacy-address", {"province": "Hồ Chí Minh", "district": "Quận 5", "ward": "Phường 99"}
    ).content.decode()
    assert 'id="id_ward-error"' in html and "Không tìm thấy phường/xã “Phường 99”" in html
    assert 'value="Quận 5"' in html and 'value="Phường 99"' in html


def test_address_lookup_requires_province_and_district(client, loaded_places):
    html = client.get(
        "/places/legacy-address", {"province": "", "district": "", "ward": "x"}
    ).content.decode()
    assert html.count('aria-invalid="true"') == 2


def test_calendar_page_lists_holidays_and_computes_a_due_date(client):
    html = client.get(
        "/places/calendar", {"year": "2026", "start": "2026-02-13T16:00", "days": "1"}
    ).content.decode()
    assert "Tết Nguyên Đán" in html
    assert "23/02/2026 16:00" in html


def test_calendar_page_rejects_nonsense_quietly(client):
    response = client.get("/places/calendar", {"year": "abc", "start": "yesterday", "days": "-3"})
    assert response.status_code == 200
    assert response.content.decode().count('role="alert"') == 2


def test_calendar_page_shows_nationwide_overrides_declared_in_the_admin(client):
    from datetime import date

    from motcua.places.models import CalendarOverride

    CalendarOverride.objects.create(
        date=date(2027, 1, 4), kind="day_off", reason="Quyết định nghỉ bù thử nghiệm"
    )
    CalendarOverride.objects.create(date=date(2027, 1, 9), kind="working_day", reason="Làm bù cho ngày 04/01")
    html = client.get(
        "/places/calendar", {"year": "2027", "start": "2027-01-01T08:00", "days": "2"}
    ).content.decode()
    assert "Quyết định nghỉ bù thử nghiệm" in html
    assert "09/01/2027 — Làm bù cho ngày 04/01" in html
    # Friday 1/1 is New Year's Day, Monday 4/1 declared off: two days from Friday 08:00 end Wednesday 6/1.
    assert "06/01/2027 17:00" in html


def test_admin_reads_dates_day_first_and_rejects_a_weekday_make_up_day(admin_client):
    from datetime import date

    from motcua.places.models import CalendarOverride

    url = "/admin/places/calendaroverride/add/"
    response = admin_client.post(url, {"date": "06/01/2027", "kind": "working_day", "reason": "Thử"})
    assert response.status_code == 200
    assert "vốn là ngày làm việc" in response.content.decode()  # 6 January 2027 is a Wednesday
    response = admin_client.post(url, {"date": "09/01/2027", "kind": "working_day", "reason": "Làm bù"})
    assert response.status_code == 302
    assert CalendarOverride.objects.get(reason="Làm bù").date == date(2027, 1, 9)


def test_admin_changes_to_the_calendar_are_audited(admin_client):
    from motcua.audit.models import AuditRecord
    from motcua.places.models import CalendarOverride

    admin_client.post(
        "/admin/places/calendaroverride/add/",
        {"date": "16/01/2027", "kind": "working_day", "reason": "Làm bù"},
    )
    override = CalendarOverride.objects.get(reason="Làm bù")
    admin_client.post(f"/admin/places/calendaroverride/{override.pk}/delete/", {"post": "yes"})
    assert not CalendarOverride.objects.filter(pk=override.pk).exists()
    actions = list(
        AuditRecord.objects.filter(object_type="calendar_override", object_id=str(override.pk))
        .order_by("seq")
        .values_list("action", "actor_label", "ip")
    )
    assert actions == [
        ("calendar_override.create", "admin", "127.0.0.1"),
        ("calendar_override.delete", "admin", "127.0.0.1"),
    ]


@pytest.mark.parametrize("start", ["2199-12-20T08:00", "0001-01-01T08:00", "9999-12-31T23:59"])
def test_calendar_page_refuses_far_dates_with_a_message(client, start):
    response = client.get("/places/calendar", {"start": start, "days": "365"})
    assert response.status_code == 200
    assert "Hãy nhập ngày trong khoảng từ 2000 đến 2100" in response.content.decode()


def test_override_may_correct_the_national_calendar(db):
    from datetime import date

    from django.core.exceptions import ValidationError

    from motcua.places.models import CalendarOverride

    CalendarOverride(date=date(2026, 8, 31), kind="working_day", reason="Swap withdrawn").full_clean()
    CalendarOverride(date=date(2026, 8, 22), kind="day_off", reason="Swap withdrawn").full_clean()
    with pytest.raises(ValidationError):
        CalendarOverride(date=date(2026, 8, 24), kind="working_day", reason="A Monday").full_clean()
