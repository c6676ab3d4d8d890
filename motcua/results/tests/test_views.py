"""The pages of results: the signer's page, the holder's download, the counter's certified print,
and the public verification page, which shows only what it should."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from motcua.conftest import sign_in_with_second_factor
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.results.models import ResultDocument, ResultPrint
from motcua.results.services import result_sign

pytestmark = pytest.mark.django_db

CITIZEN = "motcua.accounts.oidc.CitizenOIDCBackend"


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_signer_reads_the_preview_then_signs_on_the_page(client, world, awaiting, signer):
    sign_in_with_second_factor(client, signer)
    desk = client.get(f"/van-phong/ho-so/{awaiting.pk}").content.decode()
    assert f"/van-phong/ket-qua/{awaiting.pk}/ky" in desk
    page = client.get(f"/van-phong/ket-qua/{awaiting.pk}/ky").content.decode()
    assert "CHỦ TỊCH" in page and "SHA-256" in page
    preview = client.get(f"/van-phong/ket-qua/{awaiting.pk}/xem-truoc.pdf")
    assert preview["Content-Type"] == "application/pdf" and "XEM TRƯỚC" in _pdf_text(preview.content)
    deputy = client.get(
        f"/van-phong/ket-qua/{awaiting.pk}/xem-truoc.pdf", {"signer_title": "KT. Chủ tịch / Phó chủ tịch"}
    )
    assert "PHÓ CHỦ TỊCH" in _pdf_text(deputy.content)  # the title typed on the page, before signing
    # The desk's own sign button does not bypass the e-result.
    bypass = client.post(f"/van-phong/ho-so/{awaiting.pk}/sign", follow=True)
    assert Dossier.objects.get(pk=awaiting.pk).status == Status.PROCESSING
    assert bypass.redirect_chain[-1][0].endswith(f"/van-phong/ket-qua/{awaiting.pk}/ky")
    done = client.post(
        f"/van-phong/ket-qua/{awaiting.pk}/ky", {"signer_title": "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"}, follow=True
    )
    result = ResultDocument.objects.get(dossier=awaiting)
    html = done.content.decode()
    assert result.code in html and result.number in html
    assert result.signer_title == "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"
    download = client.get(f"/van-phong/ket-qua/{awaiting.pk}/ket-qua.pdf")
    assert download.content.startswith(b"%PDF") and "attachment" in download["Content-Disposition"]


def test_a_stranger_official_sees_neither_the_signing_page_nor_the_file(client, world, awaiting, signer):
    result_sign(official=signer, dossier=awaiting)
    sign_in_with_second_factor(client, world["stranger"])
    assert client.get(f"/van-phong/ket-qua/{awaiting.pk}/ky").status_code == 404
    assert client.get(f"/van-phong/ket-qua/{awaiting.pk}/ket-qua.pdf").status_code == 404


def test_the_holder_downloads_their_result_and_nobody_else_does(
    client, world, awaiting, signer, django_user_model
):
    result = result_sign(official=signer, dossier=awaiting)
    client.force_login(world["citizen"], backend=CITIZEN)
    mine = client.get(f"/tai-khoan/ho-so/{awaiting.pk}").content.decode()
    assert f"/tai-khoan/ket-qua/{result.code}.pdf" in mine and f"/verify/{result.code}" in mine
    download = client.get(f"/tai-khoan/ket-qua/{result.code}.pdf")
    assert download.status_code == 200 and download.content == result.pdf.open("rb").read()
    other = django_user_model.objects.create_user(username="vneid-079090999999", personal_id="079090999999")
    client.force_login(other, backend=CITIZEN)
    assert client.get(f"/tai-khoan/ket-qua/{result.code}.pdf").status_code == 404


def test_the_verification_page_shows_initials_unless_the_holder_number_is_given(client, awaiting, signer):
    result = result_sign(official=signer, dossier=awaiting)
    page = client.get(f"/verify/{result.code}").content.decode()
    assert "Kết quả thật" in page or "Genuine" in page
    assert result.agency.name in page and result.number in page and "N. V. A." in page
    assert "Nguyễn Văn An" not in page and "079090123456" not in page
    wrong = client.post(f"/verify/{result.code}", {"personal_id": "079090000000"}).content.decode()
    assert "Nguyễn Văn An" not in wrong and "N. V. A." in wrong
    right = client.post(f"/verify/{result.code}", {"personal_id": "079090123456"}).content.decode()
    assert "Nguyễn Văn An" in right
    # Typed from paper: lower case, with spaces.
    typed = client.get("/verify", {"ma": " ".join(result.code.lower())})
    assert typed.status_code == 302 and typed["Location"].endswith(f"/verify/{result.code}")


def test_an_unknown_code_is_not_genuine(client):
    page = client.get("/verify/ABCDEFGHJKMN")
    html = page.content.decode()
    assert page.status_code == 404 and "not-genuine" in html and "verdict genuine" not in html


def test_uploading_the_pdf_checks_it_is_the_one_issued(client, awaiting, signer):
    result = result_sign(official=signer, dossier=awaiting)
    content = result.pdf.open("rb").read()
    same = client.post(
        f"/verify/{result.code}", {"file": SimpleUploadedFile("kq.pdf", content, "application/pdf")}
    ).content.decode()
    assert "the file you showed is the result issued" in same or "tệp bạn đưa lên đúng là kết quả" in same
    at = content.index(b"stream") + 20
    tampered = content[:at] + bytes([content[at] ^ 1]) + content[at + 1 :]
    changed = client.post(
        f"/verify/{result.code}", {"file": SimpleUploadedFile("kq.pdf", tampered, "application/pdf")}
    ).content.decode()
    assert "not-genuine" in changed
    junk = client.post(
        f"/verify/{result.code}", {"file": SimpleUploadedFile("kq.pdf", b"GIF89a", "application/pdf")}
    ).content.decode()
    assert "not-genuine" in junk and "verdict genuine" not in junk and "không phải PDF" in junk
    # The issued bytes behind one more leading byte (readers open it) or an appended update: not it.
    for forged in (b" " + content, content + b"\n%%EOF\n"):
        page = client.post(
            f"/verify/{result.code}", {"file": SimpleUploadedFile("kq.pdf", forged, "application/pdf")}
        ).content.decode()
        assert "not-genuine" in page and "verdict genuine" not in page


def test_the_counter_prints_a_certified_copy_and_hands_the_result_over(client, world, awaiting, signer):
    result = result_sign(official=signer, dossier=awaiting)
    receiver = world["officials"]["receiver"]
    sign_in_with_second_factor(client, receiver)
    printed = client.post(f"/van-phong/ket-qua/{awaiting.pk}/ban-in", {"copies": "2", "deliver": "1"})
    assert printed["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(printed.content))
    single = len(PdfReader(io.BytesIO(result.pdf.open("rb").read())).pages)
    assert len(reader.pages) == 2 * single
    assert all(page.extract_text().count("BẢN IN TỪ KẾT QUẢ ĐIỆN TỬ ĐÃ KÝ SỐ") == 1 for page in reader.pages)
    assert ResultPrint.objects.get(result=result).copies == 2
    dossier = Dossier.objects.get(pk=awaiting.pk)
    assert dossier.status == Status.DELIVERED
    delivered = DossierEvent.objects.get(dossier=dossier, action="deliver")
    assert delivered.payload["method"] == "counter" and delivered.payload["paper_copies"] == 2
    stranger = world["stranger"]  # a receiver of another ward's centre
    sign_in_with_second_factor(client, stranger)
    assert client.post(f"/van-phong/ket-qua/{awaiting.pk}/ban-in", {"copies": "1"}).status_code == 404
    assert ResultPrint.objects.count() == 1
    sign_in_with_second_factor(client, receiver)
    too_many = client.post(f"/van-phong/ket-qua/{awaiting.pk}/ban-in", {"copies": "50"}, follow=True)
    assert "từ 1 đến 5" in too_many.content.decode() or "between 1 and 5" in too_many.content.decode()


def test_the_result_is_listed_in_the_holders_document_store_page(
    client, world, awaiting, signer, django_user_model
):
    result = result_sign(official=signer, dossier=awaiting)
    client.force_login(world["citizen"], backend=CITIZEN)
    page = client.get("/tai-khoan/kho-du-lieu").content.decode()
    assert result.number in page and f"/verify/{result.code}" in page
    assert result.issued_at.strftime("%d/%m/%Y") in page
    link = f"/tai-khoan/kho-du-lieu/{result.stored_document_id}.pdf"
    assert link in page
    assert client.get(link).content == result.pdf.open("rb").read()
    other = django_user_model.objects.create_user(username="vneid-079090888888", personal_id="079090888888")
    client.force_login(other, backend=CITIZEN)
    assert client.get(link).status_code == 404
    assert result.number not in client.get("/tai-khoan/kho-du-lieu").content.decode()
