"""The operations centre (issue 8): a leader of the city follows the service index from the province
down to a ward and its late dossiers, downloads the ranking as Excel, and anyone reads the public
transparency page."""

import io
import random
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import OFFICIAL_PASSWORD, sign_in_official

pytestmark = pytest.mark.e2e


def _official(username: str, name: str, agency, role: str):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import User
    from motcua.accounts.services import membership_grant

    family, _, given = name.rpartition(" ")
    user = User.objects.create_user(
        username=username, password=OFFICIAL_PASSWORD, last_name=family, first_name=given
    )
    membership_grant(actor=None, user=user, agency=agency, role_key=role, valid_from=date(2025, 7, 1))
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def _ward_history(monkeypatch) -> dict:
    """Dossiers of Phường Bến Thành driven through the dossier services on a controlled clock, in
    November 2026: resolved early, late, guided twice, refused; two still being processed, past due."""
    from motcua.accounts.models import User
    from motcua.catalogue.selectors import procedure_version_in_force
    from motcua.core.time import VN_TZ
    from motcua.operations.tests.history import Clock, at_counter, do, resolve, submit, supplement
    from motcua.places.models import Agency

    centre = Agency.objects.get(kind="commune_centre", unit__name="Phường Bến Thành")
    officials = {
        role: _official(f"bt.{role}", f"Cán bộ {role}", centre, role)
        for role in ("receiver", "processor", "head", "signer")
    }
    citizen = User.objects.create_user(
        username="vneid-079090123456",
        personal_id="079090123456",
        last_name="Nguyễn Văn An",
        phone="0912345678",
    )
    world = {
        "unit": centre.unit,
        "centre": centre,
        "officials": officials,
        "citizen": citizen,
        "version": procedure_version_in_force(code="1.004873"),
    }
    clock = Clock(monkeypatch, datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ))
    made = {
        "early": do(world, submit(world, "a"), "receive"),
        "late": at_counter(world, "b"),
        "twice": supplement(world, supplement(world, at_counter(world, "c"))),
        "refused": do(world, submit(world, "d"), "receive"),
        "open-online": do(world, submit(world, "e"), "receive"),
        "open-counter": at_counter(world, "f"),
    }
    clock.set(2026, 11, 20, 9, 0)
    made["early"] = resolve(world, made["early"])
    made["twice"] = resolve(world, made["twice"])
    made["refused"] = resolve(world, made["refused"], grant=False)
    clock.set(2026, 11, 26, 10, 0)
    made["late"] = resolve(world, made["late"])
    return made


def _other_units(year: int, *, seed: int = 8) -> None:
    """A year of figures for forty other wards and communes, added to the summaries in bulk (no
    dossier rows behind them: the journey drills down where real dossiers are)."""
    from motcua.catalogue.models import ProcedureVersion
    from motcua.operations.facts import Keys
    from motcua.operations.summaries import counters_add
    from motcua.places.models import Agency

    rng = random.Random(seed)
    procedures = list(
        ProcedureVersion.objects.in_force_on(date(year, 11, 30))
        .filter(competent_level="commune")
        .values_list("procedure__code", "sector")
        .distinct()[:6]
    )
    agencies = list(
        Agency.objects.filter(kind="commune_pc", valid_to__isnull=True)
        .exclude(unit__name="Phường Bến Thành")
        .select_related("unit")
        .order_by("unit__code")[:40]
    )
    changes = {}
    for agency in agencies:
        quality = rng.uniform(0.7, 0.99)
        online = rng.uniform(0.3, 0.7)
        for month in range(1, 12):
            for code, sector in procedures[:3]:
                resolved = rng.randint(20, 60) + (15 if month in (3, 4, 10) else 0)
                in_time = round(resolved * min(1, quality + rng.uniform(-0.05, 0.05)))
                counted_online = round(resolved * online)
                keys = Keys(agency.pk, agency.unit_id, agency.unit.parent_id, code, sector, 2)
                changes[(date(year, month, 15), keys)] = {
                    "received": resolved + rng.randint(0, 8),
                    "received_online": counted_online,
                    "resolved": resolved,
                    "resolved_in_time": in_time,
                    "resolved_early": in_time // 3,
                    "resolved_late": resolved - in_time,
                    "processing_minutes": resolved * rng.randint(600, 2400),
                    "online_counted": counted_online,
                    "e_result": round(resolved * 0.9),
                    "digitised": round(resolved * rng.uniform(0.5, 0.95)),
                    "reuses_data": round(resolved * rng.uniform(0.4, 0.9)),
                    "store_linked": round(resolved * 0.3),
                    "population_data": round(resolved * 0.8),
                }
    counters_add(changes)


def test_a_leader_follows_the_index_down_to_a_ward_and_its_late_dossiers(
    page: Page, live_server, catalogue_for_browser, loaded_places_e2e, screenshots, monkeypatch
):
    from openpyxl import load_workbook

    from motcua.accounts.services import roles_ensure_defaults
    from motcua.core.time import today
    from motcua.places.models import Agency

    roles_ensure_defaults()
    made = _ward_history(monkeypatch)
    _other_units(today().year)
    city = Agency.objects.get(kind="provincial_pc", unit__name="Thành phố Hồ Chí Minh")
    leader = _official("hcm.leader", "Phạm Minh Châu", city, "leader")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The leader signs in with the second factor and opens the province overview from the desk.
    sign_in_official(page, live_server.url, leader)
    page.get_by_role("link", name="Bảng điều hành").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng điều hành — Thành phố Hồ Chí Minh")
    this_year = f"Từ 01/01/{today().year} đến {today():%d/%m/%Y}"
    expect(page.locator(".scope-line")).to_contain_text(this_year)
    expect(page.get_by_role("img", name="Hồ sơ đã giải quyết theo tháng")).to_be_visible()
    expect(page.get_by_role("table", name="Các chỉ số phục vụ (Quyết định 766)")).to_contain_text("2.1")
    ranking = page.get_by_role("table", name="Xếp hạng các phường, xã, đặc khu")
    expect(ranking.locator("tbody tr")).to_have_count(168)
    page.screenshot(path=screenshots / "operations-overview.png", full_page=True)

    # Down to the ward, then to its dossiers being processed past their due time.
    ranking.get_by_role("link", name="Phường Bến Thành", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phường Bến Thành")
    expect(page.get_by_role("table", name="Theo cơ quan giải quyết")).to_contain_text("Phường Bến Thành")
    page.screenshot(path=screenshots / "operations-unit.png", full_page=True)
    late_now = page.locator(".kpi", has_text="Đang trễ hạn")
    expect(late_now.locator(".kpi-value")).to_have_text("2")
    late_now.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ đang giải quyết đã quá hạn")
    listed = page.get_by_role("table", name="Hồ sơ đang giải quyết đã quá hạn")
    expect(listed.locator("tbody tr")).to_have_count(2)
    for key in ("open-online", "open-counter"):
        expect(listed).to_contain_text(made[key].code)
    expect(page.locator("main")).not_to_contain_text("Nguyễn Văn An")  # no applicant in the list
    page.screenshot(path=screenshots / "operations-late-dossiers.png", full_page=True)
    link = listed.get_by_role("link", name=made["open-online"].code)
    expect(link).to_have_attribute("href", f"/van-phong/ho-so/{made['open-online'].pk}")

    # Back on the overview, the ranking as Excel, with the scope and period above the table.
    page.goto(f"{live_server.url}/van-phong/dieu-hanh/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX) — Xếp hạng các phường, xã, đặc khu").click()
    expected = f"xep-hang-don-vi_{today().year}-01-01_{today().isoformat()}.xlsx"
    assert download.value.suggested_filename == expected
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet["A1"].value == "Xếp hạng các phường, xã, đặc khu"
    assert sheet["A2"].value == "Phạm vi: Thành phố Hồ Chí Minh"
    assert sheet["A3"].value == this_year
    heads = [cell.value for cell in sheet[6]]
    assert heads[:4] == ["Hạng", "Đơn vị", "Chỉ số (điểm)", "Đã tiếp nhận"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=7)]
    assert len(rows) == 168
    ben_thanh = next(r for r in rows if r[1] == "Phường Bến Thành")
    assert ben_thanh[3:6] == [6, 4, 0.5]  # received, resolved, on time (50 % as a per-cent cell)

    # A short period is shown by week.
    page.get_by_label("Từ ngày").fill(f"01/11/{today().year}")
    page.get_by_label("Đến ngày").fill(f"30/11/{today().year}")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_role("img", name="Hồ sơ đã giải quyết theo tuần")).to_be_visible()

    # Anyone reads the public page, on a phone and in large text too, without a dossier or a name.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Chỉ số phục vụ của tỉnh, thành phố và các xã, phường").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thành phố Hồ Chí Minh")
    public = page.get_by_role("table", name="Chỉ số phục vụ của từng phường, xã, đặc khu")
    expect(public.locator("tbody tr")).to_have_count(168)
    expect(page.locator("main")).not_to_contain_text(made["late"].code)
    page.screenshot(path=screenshots / "operations-public.png", full_page=True)
    public.get_by_role("link", name="Phường Bến Thành", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phường Bến Thành")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Chữ lớn").click()
    expect(page.get_by_role("button", name="Chữ thường")).to_be_visible()
    page.screenshot(path=screenshots / "operations-public-unit-phone.png", full_page=True)
