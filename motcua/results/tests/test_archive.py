"""Results of the past imported into their holders' document stores (issue 7): `motcua results
import-archive DIR` — good rows imported with their text, bad rows rejected with the reason, a
second run skipping what is already there."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from motcua.registries.adapters import document_store
from motcua.registries.models import Person, StoredDocument
from motcua.results import ocr
from motcua.results.archive import archive_import
from motcua.results.tests.test_ocr import TITLE, jpeg, paper, pdf_of, words

pytestmark = pytest.mark.django_db

HEADER = "file,personal_id,kind,number,issuer,issued_on,title\n"
ISSUER = "UBND phường Bến Thành"


@pytest.fixture
def holders(settings, tmp_path, loaded_places):
    from motcua.registries.synthetic import registry_generate

    settings.MEDIA_ROOT = tmp_path / "media"
    registry_generate(people=40, businesses=0, seed=3)
    return list(Person.objects.order_by("personal_id").values_list("personal_id", flat=True)[:2])


@pytest.fixture
def archive(tmp_path, holders):
    """A folder as an agency hands it over: the scans, some in a subfolder, and the metadata."""
    folder = tmp_path / "luu-tru"
    (folder / "2019").mkdir(parents=True)
    (folder / "2019" / "khai-sinh.jpg").write_bytes(jpeg(paper(TITLE, "Họ và tên: Nguyễn Văn An")))
    (folder / "ket-hon.pdf").write_bytes(pdf_of(paper("Giấy chứng nhận kết hôn"), paper("Trang hai")))
    (folder / "not-a-scan.pdf").write_bytes(b"MZ\x90\x00 an executable called .pdf")
    (tmp_path / "secret.pdf").write_bytes(pdf_of(paper("outside the folder")))
    first, second = holders
    rows = [
        f"2019/khai-sinh.jpg,{first},birth_certificate,123/2019,{ISSUER},2019-03-04,Giấy khai sinh",
        f"ket-hon.pdf,{second},marriage_certificate,45/2020,{ISSUER},15/06/2020,Giấy chứng nhận kết hôn",
        f"ket-hon.pdf,079999999999,marriage_certificate,46/2020,{ISSUER},2020-06-15,Người không có thật",
        f"../secret.pdf,{first},birth_certificate,124/2019,{ISSUER},2019-03-04,Ngoài thư mục",
        f"ket-hon.pdf,{first},marriage_certificate,47/2020,{ISSUER},31/02/2020,Ngày sai",
        f"not-a-scan.pdf,{first},decision,1/2021,{ISSUER},2021-01-01,Không phải bản quét",
    ]
    (folder / "metadata.csv").write_text("\ufeff" + HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return folder


def run(folder, *extra) -> str:
    out = StringIO()
    call_command(
        "results", "import-archive", str(folder), "--no-progress", *extra, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


def archived(personal_id: str, kind: str) -> list[dict]:
    """What the holder's store keeps from the archive (the synthetic population has its own too)."""
    items = document_store().list_for(personal_id=personal_id, kind=kind)
    return [item for item in items if item["data"].get("source") == "archive"]


def test_good_rows_are_imported_and_bad_ones_rejected_with_the_reason(archive, holders):
    output = run(archive)
    assert (
        "imported 2, skipped 0, rejected 4" in output and "Đã nhập 2, bỏ qua 0 (đã có), từ chối 4" in output
    )
    assert "line 4: Không có người mang số định danh 079999999999" in output  # CSV lines, header is 1
    assert "No one with the personal number 079999999999 is in the population registry." in output
    assert "line 5: " in output and "must be inside the archive folder" in output
    assert "line 6: " in output and "The issue date “31/02/2020” is not valid" in output
    assert "line 7: not-a-scan.pdf: Chỉ nhận tệp PDF, JPEG hoặc PNG" in output

    first, second = holders
    [birth] = archived(first, "birth_certificate")
    assert (birth["number"], birth["issuer"], birth["issued_on"], birth["has_file"]) == (
        "123/2019",
        ISSUER,
        "2019-03-04",
        True,
    )
    assert birth["data"]["source"] == "archive" and birth["data"]["title"] == "Giấy khai sinh"
    stored = StoredDocument.objects.get(pk=birth["id"])
    content = stored.file.open("rb").read()
    assert birth["data"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert len(PdfReader(stored.file.open("rb")).pages) == 1
    [marriage] = archived(second, "marriage_certificate")
    assert marriage["issued_on"] == "2020-06-15"  # dd/mm/yyyy understood
    assert len(PdfReader(StoredDocument.objects.get(pk=marriage["id"]).file.open("rb")).pages) == 2
    if ocr.ocr_status()[0]:
        assert birth["data"]["ocr"] == "done" and "Nguyễn Văn An" in words(birth["data"]["text"])
    else:
        assert birth["data"]["ocr"] == "unavailable" and birth["data"]["text"] == ""
    assert not StoredDocument.objects.filter(number__in=["46/2020", "124/2019", "47/2020", "1/2021"]).exists()


def test_running_it_again_skips_what_is_already_imported(archive):
    run(archive)
    again = run(archive)
    assert "imported 0, skipped 2, rejected 4" in again
    assert StoredDocument.objects.filter(data__source="archive").count() == 2


def test_without_ocr_the_scans_are_imported_without_text(archive, settings):
    settings.MOTCUA_OCR_ENABLED = False
    report = archive_import(directory=archive)
    assert (report.imported, report.skipped, len(report.rejected)) == (2, 0, 4)
    texts = StoredDocument.objects.filter(data__source="archive").values_list("data", flat=True)
    assert {(d["ocr"], d["text"]) for d in texts} == {("unavailable", "")}


def test_an_absolute_path_and_a_link_out_of_the_folder_are_refused(archive, holders, tmp_path):
    (archive / "link.pdf").symlink_to(tmp_path / "secret.pdf")
    first = holders[0]
    rows = [
        f"{tmp_path / 'secret.pdf'},{first},birth_certificate,200/2019,{ISSUER},2019-03-04,Tuyệt đối",
        f"link.pdf,{first},birth_certificate,201/2019,{ISSUER},2019-03-04,Liên kết",
        f"2019\\..\\..\\secret.pdf,{first},birth_certificate,202/2019,{ISSUER},2019-03-04,Kiểu Windows",
        f"2019/khai-sinh.jpg,{first[:11]},birth_certificate,203/2019,{ISSUER},2019-03-04,Số ngắn",
        f"2019/khai-sinh.jpg,{first},Giấy Khai Sinh,204/2019,{ISSUER},2019-03-04,Loại sai",
    ]
    (archive / "metadata.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    report = archive_import(directory=archive)
    assert report.imported == 0 and [line for line, _vi, _en in report.rejected] == [2, 3, 4, 5, 6]
    reasons = [en for _line, _vi, en in report.rejected]
    assert all("inside the archive folder" in reason for reason in reasons[:3])
    assert "must be exactly 12 digits" in reasons[3] and "must be a lower-case code" in reasons[4]


def test_a_missing_or_unusable_csv_stops_with_an_error(tmp_path, holders):
    with pytest.raises(CommandError, match=r"metadata\.csv: không có tệp / no such file"):
        run(tmp_path)
    (tmp_path / "metadata.csv").write_text("tep,so\na,b\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns: file, personal_id"):
        run(tmp_path)
    (tmp_path / "metadata.csv").write_bytes(HEADER.encode() + "tệp.pdf".encode("utf-16"))
    with pytest.raises(CommandError, match="UTF-8 expected"):
        run(tmp_path)
