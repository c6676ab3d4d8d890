"""Reception at the counter with the papers scanned and uploaded (issue 6), through HTTP."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.services import membership_grant
from motcua.catalogue.selectors import procedure_version_in_force
from motcua.conftest import sign_in_with_second_factor
from motcua.dossiers.drafts import MAX_FILE_BYTES, MAX_PAGES
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.dossiers.tests.test_apply import pdf
from motcua.places.models import Agency

pytestmark = pytest.mark.django_db

URL = "/van-phong/ho-so/tiep-nhan"


def _typed(version, **extra):
    """Every required field of ``version`` typed as a receiver would, plus the applicant's identity."""
    form = {
        "procedure": version.code,
        "applicant_name": "Trần Thị Bình",
        "applicant_personal_id": "079190123457",
        "phone": "0987654321",
        "form_token": "token-1",
    }
    for section in version.data["form"]["sections"]:
        for spec in section["fields"]:
            if not spec.get("required"):
                continue
            form[spec["key"]] = (
                spec["options"][0]["value"]
                if spec.get("options")
                else {
                    "date": "1990-03-04",
                    "personal_id": "079190123457",
                    "checkbox": "on",
                    "integer": "2",
                    "phone": "0987654321",
                    "email": "binh@example.vn",
                    "country": "VN",
                }.get(spec["type"], "Nội dung đã nhập")
            )
    return {**form, **extra}


@pytest.fixture
def counter(client, world):
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    return _typed(world["version"], agency=str(world["centre"].pk), case="standard", unit=world["unit"].code)


def _scan(content, name="giay-xac-nhan.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_file_pretending_to_be_a_pdf_is_refused_and_everything_typed_is_kept(client, counter):
    disguised = _scan(b"MZ\x90\x00 an executable renamed to .pdf", name="giay.pdf")
    form = {**counter, "paper-previous_certificate": "on", "scan-previous_certificate": disguised}
    response = client.post(URL, form)
    html = response.content.decode()
    assert response.status_code == 400
    assert "giay.pdf: Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp" in html
    assert "Có tệp không được nhận" in html
    assert 'value="Trần Thị Bình"' in html and 'value="0987654321"' in html  # what was typed stays
    assert 'value="Nội dung đã nhập"' in html
    assert 'name="paper-previous_certificate" checked' in html  # and the tick
    assert 'name="form_token" value="token-1"' in html  # the same form, so a resend stays one dossier
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()


@pytest.mark.parametrize(
    "content, says",
    [
        (b"", "Tệp trống."),
        (pdf(MAX_PAGES + 1), f"Tệp có {MAX_PAGES + 1} trang; tối đa {MAX_PAGES} trang"),
        (b"%PDF-1.7 not really a pdf", "Tệp PDF bị hỏng hoặc được bảo vệ"),
        (b"%PDF-" + b"0" * MAX_FILE_BYTES, "Tệp lớn hơn 10 MB"),
    ],
    ids=["empty", "too_many_pages", "broken", "too_large"],
)
def test_a_scan_the_online_upload_would_refuse_is_refused_with_the_reason(client, counter, content, says):
    response = client.post(URL, {**counter, "scan-previous_certificate": _scan(content)})
    assert response.status_code == 400 and says in response.content.decode()
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()


def test_a_scan_is_on_the_dossier_page_for_the_competent_agencys_officials_and_a_404_to_others(
    client, counter, world, django_user_model
):
    receiver = world["officials"]["receiver"]
    response = client.post(
        URL, {**counter, "scan-previous_certificate": _scan(pdf(2), name="GXN cũ.pdf")}, follow=True
    )
    dossier = Dossier.objects.get()
    scan = DossierFile.objects.get()
    assert (scan.dossier, scan.uploaded_by, scan.pages, scan.document_key) == (
        dossier,
        receiver,
        2,
        "previous_certificate",
    )
    assert dossier.data["documents"] == {"previous_certificate": {"files": [scan.pk]}}
    assert scan.file.name.startswith("dossier-files/") and "GXN" not in scan.file.name  # a random name
    assert "GXN cũ.pdf" in response.content.decode()
    receive = DossierEvent.objects.get(dossier=dossier, action="receive")
    assert receive.payload["scans"] == [
        {"document": "previous_certificate", "pages": 2, "sha256": scan.sha256}
    ]

    committee = Agency.objects.get(kind=Agency.Kind.COMMUNE_PEOPLES_COMMITTEE, unit=world["unit"])
    assert dossier.competent_agency == committee
    deciding = django_user_model.objects.create_user(username="ubnd-bt-processor")
    membership_grant(
        actor=None, user=deciding, agency=committee, role_key="processor", valid_from=date(2025, 7, 1)
    )
    sign_in_with_second_factor(client, deciding)
    assert "GXN cũ.pdf" in client.get(f"/van-phong/ho-so/{dossier.pk}").content.decode()
    download = client.get(f"/van-phong/ho-so/{dossier.pk}/tep/{scan.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == scan.file.open().read()

    sign_in_with_second_factor(client, world["stranger"])  # another ward's receiver
    assert client.get(f"/van-phong/ho-so/{dossier.pk}").status_code == 404
    assert client.get(f"/van-phong/ho-so/{dossier.pk}/tep/{scan.pk}").status_code == 404
    assert client.get(f"/media/{scan.file.name}").status_code == 404  # never a public path


def test_a_tired_receiver_corrects_the_form_resends_it_and_gets_one_dossier_with_one_set_of_files(
    client, counter
):
    scan = pdf(1)
    first = client.post(URL, {**counter, "applicant_name": "", "scan-previous_certificate": _scan(scan)})
    html = first.content.decode()
    assert first.status_code == 400 and "Hãy nhập họ tên người nộp." in html
    assert "giay-xac-nhan.pdf" in html  # the scan waits with the form, no need to choose it again
    assert not Dossier.objects.exists()
    # The corrected form, sent with the scan chosen again all the same, then once more (F5, a double click).
    for _ in range(3):
        client.post(URL, {**counter, "scan-previous_certificate": _scan(scan)})
    dossier = Dossier.objects.get()
    assert list(dossier.files.values_list("document_key", flat=True)) == ["previous_certificate"]
    assert DossierFile.objects.count() == 1


def test_a_paper_is_satisfied_by_a_scan_or_by_the_tick(client, world):
    version = procedure_version_in_force(code="2.000815")
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    form = _typed(version, agency=str(world["centre"].pk), case="paper_original", unit=world["unit"].code)
    response = client.post(URL, form)
    assert response.status_code == 400 and "Hồ sơ còn thiếu: " in response.content.decode()
    client.post(URL, {**form, "scan-original": _scan(b"\xff\xd8\xff\xe0 a JPEG photo", name="ban-chinh.jpg")})
    scanned = Dossier.objects.get()
    assert scanned.files.get().content_type == "image/jpeg"
    client.post(URL, {**form, "form_token": "token-2", "paper-original": "on"})
    ticked = Dossier.objects.exclude(pk=scanned.pk).get()
    assert ticked.data["documents"] == {"original": {"paper": True}} and not ticked.files.exists()


def test_someone_elses_scan_is_neither_removed_nor_taken(client, counter, world):
    client.post(URL, {**counter, "applicant_name": "", "scan-previous_certificate": _scan(pdf())})
    theirs = DossierFile.objects.get()
    stranger = world["stranger"]
    sign_in_with_second_factor(client, stranger)
    other_form = {**counter, "agency": str(world["other"].pk), "remove_scan": [str(theirs.pk), "²", "9" * 30]}
    client.post(URL, other_form)  # the same form key and the other receiver's file id
    dossier = Dossier.objects.get()
    assert dossier.receiving_agency == world["other"] and not dossier.files.exists()
    theirs.refresh_from_db()
    assert theirs.dossier is None and theirs.file.storage.exists(theirs.file.name)


def test_the_receiver_takes_back_a_wrong_scan_and_it_leaves_the_disk(client, counter):
    client.post(URL, {**counter, "applicant_name": "", "scan-previous_certificate": _scan(pdf())})
    wrong = DossierFile.objects.get()
    client.post(URL, {**counter, "remove_scan": str(wrong.pk)})
    assert not wrong.file.storage.exists(wrong.file.name)
    assert Dossier.objects.get().files.count() == 0


def test_scans_of_a_form_never_received_leave_the_disk_after_a_day(client, counter, world):
    from datetime import timedelta

    from django.core.management import call_command

    from motcua.dossiers.tests.test_lifecycle import _do, _submit

    client.post(URL, {**counter, "applicant_name": "", "scan-previous_certificate": _scan(pdf())})
    abandoned = DossierFile.objects.get()
    kept = _do(world, _submit(world), "receive")  # a dossier's own files are never touched
    call_command("dossiers", "purge-uploads")
    assert DossierFile.objects.filter(pk=abandoned.pk).exists()  # younger than a day: the form may come back
    DossierFile.objects.filter(pk=abandoned.pk).update(uploaded_at=abandoned.uploaded_at - timedelta(days=2))
    call_command("dossiers", "purge-uploads")
    assert not DossierFile.objects.filter(pk=abandoned.pk).exists()
    assert not abandoned.file.storage.exists(abandoned.file.name)
    assert Dossier.objects.filter(pk=kept.pk).exists()
