"""Every dashboard table as CSV (UTF-8 with a byte-order mark) and XLSX (scope and period above the
table, real numbers with number formats), named after what it holds."""
# ruff: noqa: F811 - the fixtures are imported from dashboard_history and named as test parameters

import csv
import io
from datetime import date, datetime

import pytest
from django.utils import translation
from openpyxl import load_workbook

from motcua.core.time import VN_TZ
from motcua.operations.exports import Cell, Column, Table, display, export_filename, table_csv, table_xlsx
from motcua.operations.tests.dashboard_history import NOVEMBER, history, province_leader  # noqa: F401

OVERVIEW = "/van-phong/dieu-hanh/"


def _download(client, address):
    response = client.get(address)
    assert response.status_code == 200, response.content[:500]
    return response


def _csv_rows(response):
    body = response.content
    assert body.startswith("\ufeff".encode())  # so that Excel reads Vietnamese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.django_db
def test_the_indicators_as_csv_hold_what_the_page_shows(client, world, history, province_leader):
    response = _download(client, f"{OVERVIEW}?{NOVEMBER}&table=indicators&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="chi-so-phuc-vu_2026-11-01_2026-11-30.csv"'
    )
    rows = _csv_rows(response)
    assert rows[0] == ["Mã", "Chỉ số", "Giá trị", "Tử số", "Mẫu số", "Điểm", "Điểm tối đa", "Ghi chú"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["2.1"][1] == "Tỷ lệ hồ sơ giải quyết trước và đúng hạn"
    assert by_code["2.1"][2:7] == ["50.00", "2", "4", "6.00", "12.00"]
    assert by_code["1.4"][2:6] == ["", "", "", ""] and "Cổng Dịch vụ công" in by_code["1.4"][7]


@pytest.mark.django_db
def test_the_ranking_as_xlsx_says_its_scope_and_period_and_holds_numbers(
    client, world, history, province_leader
):
    response = _download(client, f"{OVERVIEW}?{NOVEMBER}&table=units&format=xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="xep-hang-don-vi_2026-11-01_2026-11-30.xlsx"' in response["Content-Disposition"]
    sheet = _sheet(response)
    assert sheet["A1"].value == "Xếp hạng các phường, xã, đặc khu"
    assert sheet["A2"].value == "Phạm vi: Thành phố Hồ Chí Minh"
    assert sheet["A3"].value == "Từ 01/11/2026 đến 30/11/2026"
    assert sheet["A4"].value.startswith("Xuất lúc ")
    heads = [c.value for c in sheet[6]]
    assert heads[:5] == ["Hạng", "Đơn vị", "Chỉ số (điểm)", "Đã tiếp nhận", "Đã giải quyết"]
    rows = list(sheet.iter_rows(min_row=7))
    assert len(rows) == 168
    ben_thanh = next(r for r in rows if r[1].value == "Phường Bến Thành")
    rank, _, index, received, resolved, on_time, late = (c for c in ben_thanh[:7])
    assert (rank.value, received.value, resolved.value, late.value) == (1, 6, 4, 2)
    assert received.number_format == "#,##0"
    assert on_time.value == 0.5 and on_time.number_format == "0.00%"
    assert isinstance(index.value, float) and index.number_format == "0.00"
    saigon = next(r for r in rows if r[1].value == "Phường Sài Gòn")
    assert saigon[0].value is None and saigon[5].value is None  # no rank, no on-time share: n/a
    assert sheet.freeze_panes == "A7" and sheet.auto_filter.ref == "A6:K174"


@pytest.mark.django_db
def test_a_units_page_names_its_files_after_the_unit(client, world, history, province_leader):
    address = f"/van-phong/dieu-hanh/don-vi/{world['unit'].pk}?{NOVEMBER}&table=procedures&format=xlsx"
    response = _download(client, address)
    assert 'filename="thu-tuc_phuong-ben-thanh_2026-11-01_2026-11-30.xlsx"' in response["Content-Disposition"]
    sheet = _sheet(response)
    assert sheet["A2"].value == "Phạm vi: Thành phố Hồ Chí Minh › Phường Bến Thành"
    assert [c.value for c in sheet[7]][:4] == ["1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", 6, 4]


@pytest.mark.django_db
def test_the_dossiers_behind_a_number_download_with_their_times(client, world, history, province_leader):
    address = f"/van-phong/dieu-hanh/ho-so?measure=resolved_late&{NOVEMBER}&format=xlsx&table=dossiers"
    response = _download(client, address)
    assert 'filename="ho-so-resolved-late_2026-11-01_2026-11-30.xlsx"' in response["Content-Disposition"]
    sheet = _sheet(response)
    assert sheet["A1"].value == "Hồ sơ giải quyết trễ hạn"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=7)]
    assert {r[0] for r in rows} == {history["B"].code, history["C"].code}
    late = next(r for r in rows if r[0] == history["B"].code)
    assert late[5] == datetime(2026, 11, 19, 8, 0)  # received, local time, a real date
    assert late[7] == datetime(2026, 11, 26, 10, 0)  # finished
    assert sheet.cell(row=7, column=6).number_format == "dd/mm/yyyy hh:mm"
    as_csv = _csv_rows(_download(client, address.replace("format=xlsx", "format=csv")))
    assert {row[0] for row in as_csv[1:]} == {history["B"].code, history["C"].code}
    assert "19/11/2026 08:00" in {row[5] for row in as_csv[1:]}


@pytest.mark.django_db
def test_the_public_page_downloads_every_units_index(client, world, history):
    response = _download(client, f"/chi-so-phuc-vu/?{NOVEMBER}&table=units&format=csv")
    rows = _csv_rows(response)
    assert rows[0][:3] == ["Đơn vị", "Chỉ số (điểm)", "Đã giải quyết"]
    assert len(rows) == 169
    assert next(r for r in rows if r[0] == "Phường Bến Thành")[2:4] == ["4", "50.00"]


def _table(rows):
    return Table(
        key="t",
        slug="bang",
        title="Bảng: thử",
        columns=[
            Column("Tên", width=30),
            Column("Số", "int"),
            Column("Tỷ lệ", "percent"),
            Column("Ngày", "date"),
        ],
        rows=rows,
        scope="Thành phố Hồ Chí Minh",
        start=date(2026, 1, 1),
        end=date(2026, 12, 3),
    )


def test_a_text_is_never_run_as_a_formula():
    table = _table(
        [[Cell('=HYPERLINK("http://x","y")'), 1, 50, date(2026, 3, 1)], ["+84 912", 2, None, None]]
    )
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    cell = sheet["A7"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","y")' and cell.quotePrefix
    assert sheet["D7"].value == datetime(2026, 3, 1) and sheet["D7"].number_format == "dd/mm/yyyy"
    assert sheet.title == "Bảng  thử"  # a sheet's name cannot hold ':'
    rows = list(csv.reader(io.StringIO(table_csv(table).decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://x","y")', "1", "50.00", "01/03/2026"]
    assert rows[2] == ["'+84 912", "2", "", ""]


def test_file_names_say_what_and_when():
    table = _table([])
    assert export_filename(table, "xlsx") == "bang_2026-01-01_2026-12-03.xlsx"
    assert (
        export_filename(table, "csv", qualifier="Xã Đông Thạnh")
        == "bang_xa-dong-thanh_2026-01-01_2026-12-03.csv"
    )


def test_numbers_are_shown_in_the_readers_language():
    with translation.override("vi"):
        assert display(49596, "int") == "49.596" and display(84.5149, "percent") == "84,51 %"
        assert display(None, "percent") == "n/a" and display(None, "text") == "—"
        assert display(datetime(2026, 11, 19, 1, 0, tzinfo=VN_TZ), "datetime") == "01:00 19/11/2026"
    with translation.override("en"):
        assert display(49596, "int") == "49,596" and display(84.5149, "percent") == "84.51 %"
