"""Applying online: the draft, uploads and the submission (issue 6)."""

import io

import pytest

from motcua.catalogue.selectors import procedure_version_in_force
from motcua.core.errors import ValidationError
from motcua.dossiers.drafts import MAX_PAGES, draft_for, draft_upload
from motcua.dossiers.models import Dossier, DossierFile, Status

pytestmark = pytest.mark.django_db


def pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


URL = "/tai-khoan/nop/1.004873"


def test_a_citizen_applies_with_prefilled_data_and_everything_missing_is_said_at_once(client, citizen):
    person, user = citizen
    client.post("/tai-khoan/dien-san/1.004873", {"action": "consent", "consent": "yes"})
    page = client.get(URL)
    html = page.content.decode()
    assert person.full_name in html and "từ cơ sở dữ liệu quốc gia" in html
    response = client.post(URL, {"action": "submit", "case": "standard"})
    assert response.status_code == 400 and not Dossier.objects.exists()
    html = response.content.decode()
    assert "Hồ sơ còn thiếu" in html and "Bắt buộc." in html
    # What was typed is kept even when the submission is refused.
    client.post(URL, {"action": "save", "case": "standard", "purpose.kind": "marriage"})
    version = procedure_version_in_force(code="1.004873")
    draft = draft_for(applicant=user, version=version)
    assert draft.data["purpose.kind"] == "marriage"
    fields = {f["key"]: f for s in version.data["form"]["sections"] for f in s["fields"] if f.get("required")}
    typed = {
        "action": "submit",
        "case": "standard",
        "unit": draft.unit_code or page.context["unit_code"],
        "submission_key": draft.submission_key,
    }
    for key, spec in fields.items():
        if key in page.context["sections"][0]["rows"][0]["spec"]["key"]:
            continue
        typed[key] = (
            spec["options"][0]["value"]
            if spec.get("options")
            else {"date": "2000-01-01", "checkbox": "on", "personal_id": person.personal_id}.get(
                spec["type"], "Có"
            )
        )
    response = client.post(URL, typed, follow=True)
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED and dossier.reference in response.content.decode()
    assert dossier.provenance["applicant.full_name"]["source"] == "population.local"
    assert dossier.data["applicant.full_name"] == person.full_name
    again = client.post(URL, typed, follow=True)  # a double click, or the browser retrying
    assert "đã được nộp" in again.content.decode() and Dossier.objects.count() == 1


def test_uploads_are_checked_by_their_content_size_and_pages(citizen):
    _, user = citizen
    draft = draft_for(applicant=user, version=procedure_version_in_force(code="1.004873"))
    good = draft_upload(
        draft=draft, document_key="previous_certificate", name="giay.pdf", content=pdf(2), actor=user
    )
    assert good.pages == 2 and good.content_type == "application/pdf" and len(good.sha256) == 64
    assert "giay" not in good.file.name  # stored under a random name
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    assert draft_upload(
        draft=draft, document_key="previous_certificate", name="a.png", content=png, actor=user
    )
    cases = {
        "file_type": b"MZ\x90\x00 an executable named .pdf",
        "empty": b"",
        "too_many_pages": pdf(MAX_PAGES + 1),
        "pdf_unreadable": b"%PDF-1.7 this is not really a pdf",
    }
    for code, content in cases.items():
        with pytest.raises(ValidationError) as refused:
            draft_upload(
                draft=draft, document_key="previous_certificate", name="x.pdf", content=content, actor=user
            )
        assert refused.value.code == code
    with pytest.raises(ValidationError) as refused:
        draft_upload(
            draft=draft,
            document_key="previous_certificate",
            name="big.pdf",
            content=b"%PDF-" + b"0" * (10 * 1024 * 1024),
            actor=user,
        )
    assert refused.value.code == "too_large"
    with pytest.raises(ValidationError):
        draft_upload(draft=draft, document_key="no_such_paper", name="a.pdf", content=pdf(), actor=user)
    assert DossierFile.objects.count() == 2


def test_an_upload_through_the_page_says_why_it_failed_and_keeps_the_draft(client, citizen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, _user = citizen
    client.post(URL, {"action": "save", "case": "standard", "purpose.kind": "marriage"})
    fake = SimpleUploadedFile("giay.pdf", b"not a pdf at all", content_type="application/pdf")
    html = client.post(
        URL, {"action": "upload", "document": "previous_certificate", "file": fake}, follow=True
    ).content.decode()
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in html
    real = SimpleUploadedFile("giay.pdf", pdf(), content_type="application/pdf")
    html = client.post(
        URL, {"action": "upload", "document": "previous_certificate", "file": real}, follow=True
    ).content.decode()
    assert "giay.pdf" in html
    assert DossierFile.objects.get().draft.data["purpose.kind"] == "marriage"


def test_the_applicant_chooses_the_centre_that_receives(client, citizen):
    from motcua.places.models import Agency

    _, user = citizen
    centre = Agency.objects.get(kind="commune_centre", unit__name="Phường Sài Gòn")
    client.post(URL, {"action": "save", "case": "standard", "receiving_agency": str(centre.pk)})
    version = procedure_version_in_force(code="1.004873")
    assert draft_for(applicant=user, version=version).receiving_agency == centre
    police = Agency.objects.filter(kind="police").first()
    client.post(URL, {"action": "save", "case": "standard", "receiving_agency": str(police.pk)})
    assert draft_for(applicant=user, version=version).receiving_agency == centre  # only centres receive


def test_submitting_an_empty_form_names_every_missing_choice_field_and_paper_at_once(client, citizen):
    response = client.post(URL, {"action": "submit"})
    html = response.content.decode()
    assert response.status_code == 400 and not Dossier.objects.exists()
    message = html[html.index("Hồ sơ còn thiếu") :].split("<", 1)[0]
    for item in ("Trường hợp của bạn", "Xã, phường giải quyết hồ sơ", "Mục đích sử dụng Giấy xác nhận"):
        assert item in message, item


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf", "1e999", float("nan")])
def test_a_number_no_record_can_hold_is_named_and_kept(raw):
    from motcua.dossiers.drafts import clean_value

    value, message = clean_value({"key": "site.land_area", "type": "decimal"}, raw)
    assert message == "Hãy nhập một số. / Enter a number." and value == str(raw)


def test_a_pdf_with_megabytes_after_its_end_is_read_only_to_its_end_and_one_without_an_end_is_refused(
    citizen, monkeypatch
):
    import pypdf

    _, user = citizen
    draft = draft_for(applicant=user, version=procedure_version_in_force(code="1.004873"))
    read = []
    real = pypdf.PdfReader
    monkeypatch.setattr(
        pypdf, "PdfReader", lambda stream: read.append(len(stream.getvalue())) or real(stream)
    )
    padded = pdf(2) + b"0" * 9_000_000  # the reader walks back over these: ~0.3 s of CPU an upload
    upload = draft_upload(
        draft=draft, document_key="previous_certificate", name="a.pdf", content=padded, actor=user
    )
    assert upload.pages == 2 and upload.size == len(padded) and read == [pdf(2).rindex(b"%%EOF") + 5]
    with pytest.raises(ValidationError) as refused:
        draft_upload(
            draft=draft,
            document_key="previous_certificate",
            name="b.pdf",
            content=pdf().replace(b"%%EOF", b""),
            actor=user,
        )
    assert refused.value.code == "pdf_unreadable"
