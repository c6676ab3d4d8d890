"""Slips (forms 01–07) as PDF, readable in Vietnamese, only for those who may see the dossier."""

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from motcua.conftest import sign_in_with_second_factor
from motcua.core.time import VN_TZ
from motcua.dossiers.slips import available_slips
from motcua.dossiers.tests.test_lifecycle import _do, _submit

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
        new_due_at=datetime(2030, 1, 2, 17, tzinfo=VN_TZ),
    )
    dossier = _do(world, dossier, "hand_over", to_person=world["officials"]["head"])
    dossier = _do(world, dossier, "approve", role="head")
    dossier = _do(world, dossier, "sign", role="signer")
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    apology = text_of(client.get(f"/van-phong/ho-so/{dossier.pk}/phieu/apology").content)
    assert "XIN LỖI" in apology and "02/01/2030" in apology and "Chờ xác minh" in apology
    result = text_of(client.get(f"/van-phong/ho-so/{dossier.pk}/phieu/result").content)
    assert "Giấy xác nhận tình trạng hôn nhân" in result


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
