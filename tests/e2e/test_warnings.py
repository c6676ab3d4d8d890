"""The early-warning board (issue 8): a head of department signs in with the second factor, reads the
near-due and late dossiers of the ward with the warnings the sweep sent, narrows them to the very
late ones and opens one on the desk."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in_official
from tests.e2e.test_results import _official

pytestmark = pytest.mark.e2e

WARNINGS_CAPTION = "Hồ sơ sắp đến hạn và trễ hạn, trễ nhất trước, cùng các cảnh báo đã gửi"
BACKLOG_CAPTION = "Hồ sơ đang xử lý theo cơ quan giải quyết, nhiều hồ sơ trễ nhất trước"
OFFICIALS_CAPTION = "Hồ sơ sắp đến hạn và trễ hạn theo cán bộ được giao, nhiều hồ sơ trễ nhất trước"


def _received(when, key, officials, centre, version, *, assign: bool = False):
    """A dossier received at the counter at ``when`` (the dossier services' clock set back)."""
    import motcua.dossiers.services as services
    from motcua.dossiers.demo import sample_form_data
    from motcua.dossiers.services import dossier_receive_at_counter, dossier_transition

    real_now = services.now
    services.now = lambda: when
    try:
        dossier = dossier_receive_at_counter(
            official=officials["receiver"],
            agency=centre,
            version=version,
            case_key="standard",
            applicant_name="Trần Thị Bình",
            applicant_personal_id="079190000001",
            data=sample_form_data(version),
            documents={},
            unit=centre.unit,
            submission_key=key,
        )
        if assign:
            dossier = dossier_transition(
                actor=officials["receiver"],
                dossier=dossier,
                action="hand_over",
                to_person=officials["processor"],
            )
    finally:
        services.now = real_now
    return dossier


@pytest.mark.browser_context_args(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
def test_a_head_of_department_reads_the_early_warnings_and_opens_a_late_dossier(
    page: Page, live_server, catalogue_for_browser, loaded_places_e2e, screenshots
):
    from motcua.accounts.services import roles_ensure_defaults
    from motcua.catalogue.selectors import procedure_version_in_force
    from motcua.core.time import now
    from motcua.operations.models import Escalation
    from motcua.operations.warnings import warnings_sweep
    from motcua.places.calendar import WorkCalendar
    from motcua.places.models import Agency

    roles_ensure_defaults()
    centre = Agency.objects.get(kind="commune_centre", unit__name="Phường Bến Thành")
    committee = Agency.objects.get(kind="commune_pc", unit=centre.unit)
    officials = {
        "receiver": _official("bt.tiepnhan", "Phạm Thị Thu", centre, "receiver"),
        "processor": _official("bt.xuly", "Nguyễn Văn Minh", centre, "processor"),
        "head": _official("bt.truongphong", "Võ Thị Lan", centre, "head"),
    }
    chairman = _official("bt.chutich", "Lê Hoàng Nam", committee, "leader")
    version = procedure_version_in_force(code="1.004873")
    # 24 working hours to do it; received that many working hours ago, before today's sweep:
    calendar, moment = WorkCalendar.nationwide(), now()
    back = lambda hours: calendar.subtract_working_hours(moment, hours)  # noqa: E731
    soon = _received(back(10), "soon", officials, centre, version, assign=True)  # 14 h left
    nobody = _received(back(20), "nobody", officials, centre, version)  # 4 h left, nobody assigned
    late = _received(back(34), "late", officials, centre, version)  # 10 h late
    very_late = _received(back(100), "very", officials, centre, version)  # 76 h late
    report = warnings_sweep()
    assert report.counts == {"remind": 2, "department": 1, "agency": 1}, str(report)
    assert Escalation.objects.get(dossier_id=very_late.pk).recipients[0]["id"] == chairman.pk

    sign_in_official(page, live_server.url, officials["head"])
    page.goto(f"{live_server.url}/van-phong/dieu-hanh/canh-bao")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cảnh báo sớm")
    warnings = page.get_by_role(
        "table", name="Hồ sơ sắp đến hạn và trễ hạn, trễ nhất trước, cùng các cảnh báo đã gửi"
    )
    expect(warnings.get_by_role("row")).to_have_count(5)  # the header and four dossiers
    first = warnings.get_by_role("row").nth(1)
    expect(first).to_contain_text(very_late.code)
    expect(first).to_contain_text("Trễ quá 48 giờ làm việc")
    expect(first).to_contain_text("Đã báo lãnh đạo cơ quan")
    expect(first).to_contain_text("gửi Lê Hoàng Nam")
    expect(warnings.get_by_role("row", name=late.code)).to_contain_text("gửi Võ Thị Lan")
    expect(warnings.get_by_role("row", name=soon.code)).to_contain_text("gửi Nguyễn Văn Minh")
    backlog = page.get_by_role(
        "table", name="Hồ sơ đang xử lý theo cơ quan giải quyết, nhiều hồ sơ trễ nhất trước"
    )
    expect(backlog.get_by_role("row").nth(1)).to_contain_text(committee.name)
    by_official = page.get_by_role(
        "table", name="Hồ sơ sắp đến hạn và trễ hạn theo cán bộ được giao, nhiều hồ sơ trễ nhất trước"
    )
    expect(by_official).to_contain_text("Nguyễn Văn Minh")
    expect(by_official).to_contain_text("Chưa giao cho ai")
    page.screenshot(path=str(screenshots / "warnings-board.png"), full_page=True)

    page.get_by_label("Mức cảnh báo").select_option(label="Trễ quá 48 giờ làm việc")
    page.get_by_role("button", name="Xem").click()
    expect(warnings.get_by_role("row")).to_have_count(2)
    expect(warnings).not_to_contain_text(nobody.code)
    warnings.get_by_role("link", name=very_late.code).click()
    expect(page).to_have_url(f"{live_server.url}/van-phong/ho-so/{very_late.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(very_late.code)
