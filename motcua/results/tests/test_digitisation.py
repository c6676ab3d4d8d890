"""Papers scanned at the counter become one PDF each, read by OCR when it is installed (issue 7):
planned at reception, made page by page by a task, the component marked digitised on the dossier,
and shown to the dossier's officials only."""

import hashlib
import io

import pytest
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from motcua.conftest import sign_in_with_second_factor
from motcua.dossiers.drafts import counter_scan_upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive_at_counter
from motcua.dossiers.tests.test_lifecycle import _data
from motcua.results import digitisation as service
from motcua.results import ocr
from motcua.results.digitisation import digitisation_run, digitisation_status_for
from motcua.results.models import Digitisation
from motcua.results.tests.test_ocr import HEADING, TITLE, jpeg, paper, pdf_of, png, words

pytestmark = pytest.mark.django_db

PAPER = "previous_certificate"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ocr.ocr_status_forget()
    yield
    ocr.ocr_status_forget()


def scans() -> list[tuple[str, bytes]]:
    """One paper handed in as two photos and a two-page PDF, in that order."""
    return [
        ("trang-1.jpg", jpeg(paper(HEADING, "Độc lập - Tự do - Hạnh phúc"))),
        ("trang-2.png", png(paper(TITLE))),
        (
            "trang-3-4.pdf",
            pdf_of(paper("Họ và tên: Nguyễn Văn An"), paper("Nơi sinh: Thành phố Hồ Chí Minh")),
        ),
    ]


def receive_with_scans(world, files, token="form-1") -> Dossier:
    """What the counter page does: each scan sent with the reception form, then the reception."""
    receiver = world["officials"]["receiver"]
    for name, content in files:
        counter_scan_upload(
            official=receiver,
            version=world["version"],
            submission_key=token,
            document_key=PAPER,
            name=name,
            content=content,
        )
    return dossier_receive_at_counter(
        official=receiver,
        agency=world["centre"],
        version=world["version"],
        case_key="standard",
        applicant_name="Trần Thị Bình",
        applicant_personal_id="079190123457",
        data=_data(world),
        documents={},
        unit=world["unit"],
        submission_key=token,
    )


def test_reception_plans_one_digitisation_per_paper_and_enqueues_it(world):
    dossier = receive_with_scans(world, scans())
    digitisation = Digitisation.objects.get(dossier=dossier)
    uploaded = list(dossier.files.order_by("pk").values_list("pk", flat=True))
    assert (digitisation.document_key, digitisation.source_files) == (PAPER, uploaded)
    assert (digitisation.state, digitisation.pages_total, digitisation.pages_done) == ("queued", 4, 0)
    task = DBTaskResult.objects.get(task_path="motcua.results.tasks.digitise_paper")
    assert task.args_kwargs["kwargs"] == {"digitisation_id": digitisation.pk}
    assert service.digitisation_plan_for(dossier=dossier) == []  # planned once


def test_a_dossier_without_counter_scans_plans_nothing(world):
    dossier = receive_with_scans(world, [], token="")
    assert not Digitisation.objects.filter(dossier=dossier).exists()
    assert not DBTaskResult.objects.filter(task_path="motcua.results.tasks.digitise_paper").exists()


def test_three_files_of_one_paper_become_one_searchable_pdf_of_four_pages(world):
    if not ocr.ocr_status()[0]:
        pytest.skip(f"OCR is not available here ({ocr.ocr_status()[1]}): install tesseract-ocr-vie")
    dossier = receive_with_scans(world, scans())
    digitisation = digitisation_run(digitisation_id=Digitisation.objects.get(dossier=dossier).pk)

    assert (digitisation.state, digitisation.ocr, digitisation.error) == ("done", "done", "")
    assert digitisation.pages_done == digitisation.pages_total == 4
    content = digitisation.pdf.open("rb").read()
    assert len(PdfReader(io.BytesIO(content)).pages) == 4
    assert digitisation.sha256 == hashlib.sha256(content).hexdigest()
    text = words(digitisation.text)
    assert text.index(HEADING) < text.index(TITLE) < text.index("Nguyễn Văn An") < text.index("Hồ Chí Minh")
    dossier.refresh_from_db()
    marked = dossier.data["documents"][PAPER]["digitised"]
    assert (marked["pages"], marked["text"]) == (4, True)

    again = digitisation_run(digitisation_id=digitisation.pk)  # the task delivered twice
    assert (again.pdf.name, again.sha256, again.finished_at) == (
        digitisation.pdf.name,
        digitisation.sha256,
        digitisation.finished_at,
    )


def test_without_ocr_the_paper_is_still_stored_and_digitised_without_text(world, settings):
    settings.MOTCUA_OCR_ENABLED = False
    dossier = receive_with_scans(world, scans())
    digitisation = digitisation_run(digitisation_id=Digitisation.objects.get(dossier=dossier).pk)
    assert (digitisation.state, digitisation.ocr, digitisation.text, digitisation.error) == (
        "done",
        "unavailable",
        "",
        "",
    )
    assert len(PdfReader(digitisation.pdf.open("rb")).pages) == 4
    dossier.refresh_from_db()
    marked = dossier.data["documents"][PAPER]["digitised"]
    assert (marked["pages"], marked["text"]) == (4, False)


def test_each_page_done_is_saved_so_a_poll_sees_progress(world, settings, monkeypatch):
    settings.MOTCUA_OCR_ENABLED = False
    dossier = receive_with_scans(world, scans())
    digitisation = Digitisation.objects.get(dossier=dossier)
    seen = []
    real = service.searchable_pages

    def watched(*args, **kwargs):
        for page in real(*args, **kwargs):
            yield page
            seen.append(Digitisation.objects.values_list("state", "pages_done").get(pk=digitisation.pk))

    monkeypatch.setattr(service, "searchable_pages", watched)
    digitisation_run(digitisation_id=digitisation.pk)
    assert seen == [("running", 1), ("running", 2), ("running", 3), ("running", 4)]


def test_a_run_cut_short_by_a_crash_starts_again_from_the_first_page(world, settings):
    settings.MOTCUA_OCR_ENABLED = False
    dossier = receive_with_scans(world, scans())
    digitisation = Digitisation.objects.get(dossier=dossier)
    Digitisation.objects.filter(pk=digitisation.pk).update(state="running", pages_done=2)  # the worker died
    done = digitisation_run(digitisation_id=digitisation.pk)
    assert (done.state, done.pages_done, done.pages_total) == ("done", 4, 4)


def test_ocr_failing_keeps_the_page_as_an_image_and_the_paper_done(world, monkeypatch):
    if not ocr.ocr_status()[0]:
        pytest.skip("OCR is not available here: install tesseract-ocr-vie")
    import pytesseract

    dossier = receive_with_scans(world, scans()[:1])
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "false")  # tesseract breaks mid-run
    digitisation = digitisation_run(digitisation_id=Digitisation.objects.get(dossier=dossier).pk)
    assert (digitisation.state, digitisation.ocr, digitisation.text) == ("done", "failed", "")
    assert len(PdfReader(digitisation.pdf.open("rb")).pages) == 1


def test_a_scan_that_cannot_be_read_fails_with_the_reason_and_marks_nothing(world):
    dossier = receive_with_scans(world, [("anh.jpg", b"\xff\xd8\xff\xe0 not really a photo")])
    digitisation = digitisation_run(digitisation_id=Digitisation.objects.get(dossier=dossier).pk)
    assert digitisation.state == "failed" and "unreadable" in digitisation.error and not digitisation.pdf
    dossier.refresh_from_db()
    assert "digitised" not in dossier.data["documents"][PAPER]


# --- the back office's fragment and download -------------------------------------------------------


def test_the_receiver_sees_progress_then_the_result_and_a_stranger_sees_nothing(client, world, settings):
    settings.MOTCUA_OCR_ENABLED = False
    dossier = receive_with_scans(world, scans())
    digitisation = Digitisation.objects.get(dossier=dossier)
    url = f"/van-phong/so-hoa/{dossier.pk}"

    sign_in_with_second_factor(client, world["stranger"])  # another ward's receiver
    assert client.get(url).status_code == 404
    Digitisation.objects.filter(pk=digitisation.pk).update(state="running", pages_done=1)
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in html and f'hx-get="{url}"' in html  # it asks again
    assert '<progress max="4" value="1"' in html and "1 / 4 trang" in html
    assert "Đang số hóa" in html

    digitisation = digitisation_run(digitisation_id=digitisation.pk)
    html = client.get(url).content.decode()
    assert "hx-trigger" not in html  # done: it stops asking
    assert '<progress max="4" value="4"' in html and "Chưa cài OCR" in html
    pdf_url = f"/van-phong/so-hoa/{dossier.pk}/{digitisation.pk}.pdf"
    assert pdf_url in html
    download = client.get(pdf_url)
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == digitisation.pdf.open("rb").read()

    sign_in_with_second_factor(client, world["stranger"])
    assert client.get(pdf_url).status_code == 404


def test_the_recognised_text_is_shown_folded(client, world):
    if not ocr.ocr_status()[0]:
        pytest.skip("OCR is not available here: install tesseract-ocr-vie")
    dossier = receive_with_scans(world, scans()[:2])
    digitisation_run(digitisation_id=Digitisation.objects.get(dossier=dossier).pk)
    [row] = digitisation_status_for(dossier=dossier)
    assert row["ocr"] == "done" and len(row["text_preview"]) <= 500
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    html = client.get(f"/van-phong/so-hoa/{dossier.pk}").content.decode()
    assert "<details>" in html and "Giấy khai sinh" in html
