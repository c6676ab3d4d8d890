"""The leaders' dashboards and the public transparency page, read over a small hand-made history."""
# ruff: noqa: F811 - the fixtures are imported from dashboard_history and named as test parameters

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.conftest import sign_in_with_second_factor
from motcua.operations import dashboard_selectors, dashboard_views, selectors
from motcua.operations.selectors import Period, Scope
from motcua.operations.tests.dashboard_history import (  # noqa: F401 - fixtures
    NOVEMBER,
    PERSONAL,
    commune_leader,
    history,
    province_leader,
)
from motcua.places.models import AdministrativeUnit, Agency

pytestmark = pytest.mark.django_db
OVERVIEW = "/van-phong/dieu-hanh/"


def _rows(table):
    """The page's rows as texts, each with its links: [(texts, hrefs)]."""
    return [([c["text"] for c in row], [c["href"] for c in row]) for row in table.display_rows()]


def _row(table, first):
    return next(texts for texts, _ in _rows(table) if texts[0] == first or texts[1] == first)


def _links(table, first):
    return next(hrefs for texts, hrefs in _rows(table) if texts[0] == first or texts[1] == first)


def _codes(response):
    return {texts[0] for texts, _ in _rows(response.context["dossiers_table"])}


# --- who sees what ------------------------------------------------------------------------------------


def test_a_province_leader_sees_the_overview_with_the_numbers_of_the_history(
    client, world, history, province_leader
):
    response = client.get(f"{OVERVIEW}?{NOVEMBER}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Thành phố Hồ Chí Minh" in page and "Từ 01/11/2026 đến 30/11/2026" in page
    indicators = response.context["indicators_table"]
    assert _row(indicators, "2.1")[2:5] == ["50,00 %", "2", "4"]  # A and D; B late, C guided twice
    assert _row(indicators, "2.2")[2:5] == ["33,33 %", "1", "3"]  # F within time, E and H past it
    assert _row(indicators, "4.1")[2:5] == ["75,00 %", "3", "4"]
    assert _row(indicators, "1.4")[2] == "n/a"  # not synchronised yet: n/a, with the reason under it
    assert "Chưa kết nối đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia." in page
    numerator, denominator = _links(indicators, "2.1")[3:5]
    assert "measure=resolved_in_time" in numerator and "from=2026-11-01" in numerator
    assert "measure=resolved" in denominator and "to=2026-11-30" in denominator
    # The highlighted shares: on time, online, digitised, reuse, and what is late now.
    cards = {card["label"]: card["value"] for card in response.context["highlights"]}
    assert cards["Giải quyết đúng hạn"] == "50,00 %" and cards["Tiếp nhận trực tuyến"] == "50,00 %"
    assert cards["Đang trễ hạn"] == "2"
    # Every commune-level unit in force is ranked; Bến Thành first, Sài Gòn without results unranked.
    units = response.context["units_table"]
    assert (
        len(units.rows)
        == AdministrativeUnit.objects.valid_on(date(2026, 12, 3))
        .filter(parent_id=world["unit"].parent_id, level=3)
        .count()
        == 168
    )
    ben_thanh = _row(units, "Phường Bến Thành")
    assert ben_thanh[0] == "1" and ben_thanh[3:7] == ["6", "4", "50,00 %", "2"]
    unit_link, late_link = _links(units, "Phường Bến Thành")[1], _links(units, "Phường Bến Thành")[6]
    assert unit_link == f"/van-phong/dieu-hanh/don-vi/{world['unit'].pk}?from=2026-11-01&to=2026-11-30"
    assert f"unit={world['unit'].pk}" in late_link and "measure=resolved_late" in late_link
    assert _row(units, "Phường Sài Gòn")[0] == "n/a" and _row(units, "Phường Sài Gòn")[3] == "1"
    late = response.context["late_table"]
    assert _row(late, "1.004873")[2:5] == ["4", "2", "50,00 %"]
    # The trend, as charts with a table behind them (November by week: 30 days is a short period).
    assert page.count('role="img"') == 2 and "<caption" in page
    trend = response.context["trend_table"]
    assert sum(int(texts[2]) for texts, _ in _rows(trend)) == 4


def test_a_commune_leader_lands_on_their_commune_and_is_refused_another(
    client, world, history, commune_leader
):
    own, other = world["unit"], world["other"].unit
    response = client.get(f"{OVERVIEW}?{NOVEMBER}")
    assert response.status_code == 302
    assert response["Location"] == f"/van-phong/dieu-hanh/don-vi/{own.pk}?{NOVEMBER}"
    mine = client.get(response["Location"])
    assert mine.status_code == 200 and _row(mine.context["indicators_table"], "2.1")[3:5] == ["2", "4"]
    for address in (
        f"/van-phong/dieu-hanh/don-vi/{other.pk}?{NOVEMBER}",
        f"/van-phong/dieu-hanh/ho-so?measure=received&unit={other.pk}",
        f"/van-phong/dieu-hanh/co-quan/{Agency.objects.get(kind='commune_pc', unit=other).pk}",
        f"/van-phong/dieu-hanh/thu-tuc/1.004873?unit={other.pk}",
    ):
        refused = client.get(address)
        assert refused.status_code == 403, address
        assert "Số liệu này ngoài phạm vi đơn vị của bạn." in refused.content.decode()
        assert "These figures are outside your unit." in refused.content.decode()
    # Without a unit in the address, the commune leader's lists are of their commune.
    listed = client.get(f"/van-phong/dieu-hanh/ho-so?measure=received&{NOVEMBER}")
    assert _codes(listed) == {history[k].code for k in "ABCDEF"}


def test_citizens_anonymous_visitors_and_other_officials_do_not_see_the_dashboards(client, world, history):
    anonymous = client.get(OVERVIEW)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/van-phong/dang-nhap?next=")
    client.force_login(world["citizen"])  # a citizen's e-ID session has no second factor for the back office
    assert client.get(OVERVIEW)["Location"].startswith("/van-phong/dang-nhap")
    sign_in_with_second_factor(client, world["officials"]["processor"])
    refused = client.get(OVERVIEW)
    assert refused.status_code == 403
    assert "cần vai trò lãnh đạo" in refused.content.decode()
    assert "You may not view the dashboards" in refused.content.decode()


def test_the_desk_links_the_dashboards_for_leaders_only(client, world, commune_leader):
    assert "/van-phong/dieu-hanh/" in client.get("/van-phong/").content.decode()
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    assert "/van-phong/dieu-hanh/" not in client.get("/van-phong/").content.decode()


# --- drilling down ------------------------------------------------------------------------------------


def test_the_list_behind_a_number_holds_exactly_the_dossiers_counted(client, world, history, province_leader):
    unit = world["unit"].pk

    def listed(query):
        response = client.get(f"/van-phong/dieu-hanh/ho-so?{query}")
        assert response.status_code == 200, response.content
        return response

    late = listed(f"measure=resolved_late&unit={unit}&{NOVEMBER}")
    assert _codes(late) == {history["B"].code, history["C"].code}
    assert late.context["total"] == 2
    assert "Hồ sơ giải quyết trễ hạn" in late.content.decode()
    links = {hrefs[0] for _, hrefs in _rows(late.context["dossiers_table"])}
    assert links == {f"/van-phong/ho-so/{history[k].pk}" for k in "BC"}
    assert _codes(listed(f"measure=resolved&{NOVEMBER}")) == {history[k].code for k in "ABCD"}
    assert _codes(listed(f"measure=online_counted&{NOVEMBER}")) == {history[k].code for k in "AD"}
    assert _codes(listed(f"measure=received&channel=1&{NOVEMBER}")) == {history[k].code for k in "BCFH"}
    assert _codes(listed(f"measure=resolved&procedure=1.004873&unit={unit}&{NOVEMBER}")) == {
        history[k].code for k in "ABCD"
    }
    # The dossiers being processed now, within and past their due time for statistics (2.2).
    assert _codes(listed("measure=open_late")) == {history[k].code for k in "EH"}
    assert _codes(listed("measure=open_in_time")) == {history["F"].code}
    assert _codes(listed(f"measure=open&unit={unit}")) == {history[k].code for k in "EF"}
    # A period without results lists nothing.
    assert _codes(listed("measure=resolved&from=2026-10-01&to=2026-10-31")) == set()
    # No applicant is listed: the dossier's page is where a leader follows it up.
    assert not any(p in late.content.decode() for p in PERSONAL)


def test_the_list_is_paged_newest_first(client, world, history, province_leader, monkeypatch):
    monkeypatch.setattr(dashboard_views, "PAGE_SIZE", 4)
    first = client.get(f"/van-phong/dieu-hanh/ho-so?measure=received&{NOVEMBER}")
    newest = sorted((history[k] for k in "ABCDEFH"), key=lambda d: -d.pk)
    assert [texts[0] for texts, _ in _rows(first.context["dossiers_table"])] == [d.code for d in newest[:4]]
    following = first.context["next_page_url"]
    assert following and "from=2026-11-01" in following
    second = client.get(following)
    assert [texts[0] for texts, _ in _rows(second.context["dossiers_table"])] == [d.code for d in newest[4:]]
    assert second.context["next_page_url"] == ""


def test_a_unit_an_agency_and_a_procedure_have_their_own_pages(client, world, history, province_leader):
    unit = world["unit"]
    deciding = Agency.objects.get(kind="commune_pc", unit=unit)
    page = client.get(f"/van-phong/dieu-hanh/don-vi/{unit.pk}?{NOVEMBER}")
    assert page.status_code == 200
    agencies = page.context["agencies_table"]
    assert _row(agencies, deciding.name)[:3] == [deciding.name, "6", "4"]
    assert _links(agencies, deciding.name)[0] == f"/van-phong/dieu-hanh/co-quan/{deciding.pk}?{NOVEMBER}"
    procedures = page.context["procedures_table"]
    assert (
        _links(procedures, "1.004873")[0]
        == f"/van-phong/dieu-hanh/thu-tuc/1.004873?{NOVEMBER}&unit={unit.pk}"
    )
    agency = client.get(f"/van-phong/dieu-hanh/co-quan/{deciding.pk}?{NOVEMBER}")
    assert agency.status_code == 200 and _row(agency.context["indicators_table"], "2.1")[3:5] == ["2", "4"]
    assert f"agency={deciding.pk}" in _links(agency.context["procedures_table"], "1.004873")[3]
    procedure = client.get(f"/van-phong/dieu-hanh/thu-tuc/1.004873?{NOVEMBER}")
    assert procedure.status_code == 200
    by_unit = procedure.context["breakdown_table"]
    assert [texts[1] for texts, _ in _rows(by_unit)] == ["Phường Bến Thành", "Phường Sài Gòn"]
    in_unit = client.get(f"/van-phong/dieu-hanh/thu-tuc/1.004873?{NOVEMBER}&unit={unit.pk}")
    assert _row(in_unit.context["breakdown_table"], deciding.name)[1:3] == ["6", "4"]


def test_the_channel_filter_narrows_every_figure_and_stays_in_the_links(
    client, world, history, province_leader
):
    response = client.get(f"{OVERVIEW}?{NOVEMBER}&channel=2")
    assert _row(response.context["indicators_table"], "2.1")[2:5] == ["100,00 %", "2", "2"]
    assert "kênh: Trực tuyến" in response.content.decode()
    link = _links(response.context["units_table"], "Phường Bến Thành")[1]
    assert link.endswith("&channel=2")
    quick = {q["label"]: q["href"] for q in response.context["quick_periods"]}
    assert "channel=2" in quick["Năm trước"] and "from=2025-01-01&to=2025-12-31" in quick["Năm trước"]


def test_dates_can_be_typed_day_first_and_the_page_speaks_english_too(
    client, world, history, province_leader
):
    typed = client.get(f"{OVERVIEW}?from=01/11/2026&to=30/11/2026")
    assert typed.status_code == 200 and typed.context["filters"].kept["from"] == "2026-11-01"
    assert 'value="01/11/2026"' in typed.content.decode()
    client.cookies["motcua_lang"] = "en"
    english = client.get(f"{OVERVIEW}?{NOVEMBER}")
    page = english.content.decode()
    assert "Operations dashboard — Thành phố Hồ Chí Minh" in page and "From 01/11/2026 to 30/11/2026" in page
    assert _row(english.context["indicators_table"], "2.1")[1:5] == [
        "Dossiers resolved early or on time",
        "50.00 %",
        "2",
        "4",
    ]


def test_every_units_index_in_the_ranking_is_the_units_own_index(world, history, monkeypatch):
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    scope = Scope(province_id=world["unit"].parent_id)
    rows = {row["unit"].pk: row for row in dashboard_selectors.ranking_with_index(scope, period)}
    for unit in (
        world["unit"],
        world["other"].unit,
        AdministrativeUnit.objects.get(name="Phường Tân Định", valid_to=None),
    ):
        own = selectors.index_for(scope.narrowed(unit_id=unit.pk), period)
        ranked = rows[unit.pk]["index"]
        assert ranked.score == own.score, unit.name
        assert [(i.code, i.numerator, i.denominator, i.value) for i in ranked.indicators] == [
            (i.code, i.numerator, i.denominator, i.value) for i in own.indicators
        ]
    assert rows[world["unit"].pk]["index"].indicator("2.1").value == Decimal("50.00")


def test_the_overview_reads_a_bounded_number_of_queries(client, world, history, province_leader):
    client.get(f"{OVERVIEW}?{NOVEMBER}")  # the catalogue's search index and the unit histories, once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{OVERVIEW}?{NOVEMBER}")
    assert response.status_code == 200
    assert len(queries) <= 22, "\n".join(q["sql"][:160] for q in queries.captured_queries)


# --- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, status, vi, en",
    [
        (f"{OVERVIEW}?from=2026-13-01", 400, "không đúng dạng YYYY-MM-DD", "is not in the form YYYY-MM-DD"),
        (f"{OVERVIEW}?from=2026-12-01&to=2026-11-01", 400, "phải trước ngày kết thúc", "must come before"),
        (f"{OVERVIEW}?from=9999-01-01&to=9999-12-31", 400, "từ năm 2000 đến năm 2100", "2000 to 2100"),
        (f"{OVERVIEW}?from=31/02/2026", 400, "Không có ngày “31/02/2026”", "There is no day “31/02/2026”"),
        (f"{OVERVIEW}?channel=7", 400, "Kênh không hợp lệ", "That is not a channel"),
        (f"{OVERVIEW}?sector=nope", 400, "Không có lĩnh vực này", "no such sector"),
        (f"{OVERVIEW}?format=pdf&table=units", 400, "CSV hoặc XLSX", "Only CSV or XLSX"),
        (f"{OVERVIEW}?format=csv&table=nope", 400, "không có bảng", "no such table"),
        ("/van-phong/dieu-hanh/don-vi/999999", 404, "Không có xã, phường", "no such ward"),
        ("/van-phong/dieu-hanh/don-vi/99999999999999999999", 404, "Không có xã, phường", "no such ward"),
        ("/van-phong/dieu-hanh/co-quan/999999", 404, "Không có cơ quan này", "no such agency"),
        ("/van-phong/dieu-hanh/thu-tuc/9.999999", 404, "Không có thủ tục mã “9.999999”", "no procedure"),
        ("/van-phong/dieu-hanh/ho-so", 400, "Hãy chọn một số liệu", "Choose a figure"),
        ("/van-phong/dieu-hanh/ho-so?measure=processing_minutes", 400, "Hãy chọn một số liệu", "Choose"),
        ("/van-phong/dieu-hanh/ho-so?measure=resolved&unit=abc", 400, "không hợp lệ", "not a valid value"),
        (
            "/van-phong/dieu-hanh/ho-so?measure=resolved&procedure=x",
            400,
            "không đúng dạng",
            "not in the right",
        ),
        ("/van-phong/dieu-hanh/ho-so?measure=resolved&truoc=1e9", 400, "không hợp lệ", "not a valid value"),
        ("/chi-so-phuc-vu/999999", 404, "Không có xã, phường", "no such ward"),
        ("/chi-so-phuc-vu/?from=2026-02-30", 400, "không đúng dạng", "not in the form"),
    ],
)
def test_bad_input_is_a_page_that_says_what_is_wrong(client, world, province_leader, address, status, vi, en):
    response = client.get(address)
    assert response.status_code == status
    page = response.content.decode()
    assert vi in page and en in page


def test_a_merged_unit_keeps_its_history_for_leaders_and_points_the_public_to_its_successor(
    client, world, province_leader
):
    # Before 1 July 2025: a ward of a district of the city as it was (merged into today's city).
    merged = AdministrativeUnit.objects.get(
        name="Phường Tân Định", valid_to__isnull=False, parent__name="Quận 1"
    )
    assert merged.parent.parent_id in selectors.unit_history(world["unit"].parent_id)
    page = client.get(f"/van-phong/dieu-hanh/don-vi/{merged.pk}")
    assert page.status_code == 200 and "đã sắp xếp, sáp nhập từ ngày" in page.content.decode()
    public = client.get(f"/chi-so-phuc-vu/{merged.pk}")
    assert public.status_code == 404
    assert "Đơn vị này đã sáp nhập" in public.content.decode()
    assert "This unit was merged" in public.content.decode()


def test_a_province_unit_is_not_a_commune_level_unit(client, world, province_leader):
    province = world["unit"].parent_id
    assert client.get(f"/van-phong/dieu-hanh/don-vi/{province}").status_code == 404
    elsewhere = AdministrativeUnit.objects.filter(level=3).exclude(parent_id=province).first()
    assert client.get(f"/van-phong/dieu-hanh/don-vi/{elsewhere.pk}").status_code == 404


# --- the public transparency page -------------------------------------------------------------------------


def test_the_public_page_shows_the_index_of_the_province_and_of_every_unit_without_personal_data(
    client, world, history
):
    response = client.get(f"/chi-so-phuc-vu/?{NOVEMBER}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Thành phố Hồ Chí Minh" in page
    units = response.context["units_table"]
    assert len(units.rows) == 168
    ben_thanh = _row(units, "Phường Bến Thành")
    assert ben_thanh[2:4] == ["4", "50,00 %"]
    assert _links(units, "Phường Bến Thành")[0] == f"/chi-so-phuc-vu/{world['unit'].pk}?{NOVEMBER}"
    assert "ho-so?" not in page  # no list of dossiers behind the public figures
    for text in (*PERSONAL, *(d.code for d in history.values() if d.code)):
        assert text not in page
    unit = client.get(f"/chi-so-phuc-vu/{world['unit'].pk}?{NOVEMBER}")
    assert unit.status_code == 200
    assert _row(unit.context["indicators_table"], "2.1")[2:5] == ["50,00 %", "2", "4"]
    assert all(not href for _, hrefs in _rows(unit.context["indicators_table"]) for href in hrefs)
    unit_page = unit.content.decode()
    for text in (*PERSONAL, *(d.code for d in history.values() if d.code)):
        assert text not in unit_page


def test_the_public_page_is_linked_from_every_page(client, world):
    assert 'href="/chi-so-phuc-vu/"' in client.get("/").content.decode()


def test_the_public_figures_are_kept_a_few_minutes(client, world, history, monkeypatch):
    client.get(f"/chi-so-phuc-vu/?{NOVEMBER}")
    monkeypatch.setattr(dashboard_views, "index_for", lambda *a, **k: pytest.fail("read again"))
    assert client.get(f"/chi-so-phuc-vu/?{NOVEMBER}").status_code == 200
