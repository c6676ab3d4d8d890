"""Result documents: every template the catalogue names exists and reads real fields, and a granted
dossier prints as a PDF/A with its title, holder, number and verification code in Vietnamese."""

import io
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from pypdf import PdfReader

import motcua.catalogue
from motcua.accounts.services import membership_grant, roles_ensure_defaults
from motcua.catalogue.selectors import procedure_version_in_force
from motcua.core.time import VN_TZ
from motcua.dossiers.demo import sample_form_data
from motcua.dossiers.services import dossier_receive_at_counter
from motcua.places.models import Agency
from motcua.results.documents import (
    DOSSIER_FIELDS,
    GENERIC,
    PREVIEW_BANNER,
    TEMPLATES,
    date_line,
    result_pdf,
    template_fields,
    template_for,
)
from motcua.results.values import clean_text, date_in_words, display_value, number_in_words

PROCEDURES = [
    yaml.safe_load(path.read_text(encoding="utf-8"))
    for path in sorted((Path(motcua.catalogue.__file__).parent / "procedures").glob("*/v*.yaml"))
]
ISSUED_AT = datetime(2026, 2, 3, 9, 30, tzinfo=VN_TZ)
CODE = "7KQ2-M9XA-4TPL"
VERIFY_URL = f"https://motcua.example.vn/xac-minh/{CODE}"


def _form_keys(definition):
    return {spec["key"] for section in definition["form"]["sections"] for spec in section["fields"]}


def _users_of_templates():
    users = defaultdict(list)
    for definition in PROCEDURES:
        users[definition["result"]["template"]].append(definition)
    return users


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _render(dossier, **overrides):
    arguments = {
        "dossier": dossier,
        "number": "00005/2026/"
        + template_for(dossier.procedure_version.data["result"]["template"])["number_suffix"],
        "code": CODE,
        "verify_url": VERIFY_URL,
        "issued_at": ISSUED_AT,
        "signer_name": "Phạm Minh Đức",
        "signer_title": "TM. Ủy ban nhân dân\nChủ tịch",
        **overrides,
    }
    return result_pdf(**arguments)


# -- the templates against the catalogue ----------------------------------------------------------


def test_every_template_the_catalogue_names_has_an_entry():
    named = {definition["result"]["template"] for definition in PROCEDURES}
    assert len(named) >= 25
    assert sorted(named - TEMPLATES.keys()) == []


def test_every_field_a_template_reads_is_a_field_of_the_procedures_using_it():
    for key, definitions in _users_of_templates().items():
        forms = [_form_keys(definition) for definition in definitions]
        for alternatives, optional in template_fields(TEMPLATES[key]):
            for field in alternatives:
                known = field in DOSSIER_FIELDS if field.startswith("@") else any(field in f for f in forms)
                assert known, f"{key}: {field} is no field of {[d['code'] for d in definitions]}"
            if optional:
                continue
            for definition, form in zip(definitions, forms, strict=True):
                assert any(f.startswith("@") or f in form for f in alternatives), (
                    f"{key}: none of {alternatives} is in {definition['code']}'s form"
                )


def test_every_template_keeps_the_main_lines_of_the_real_document():
    for key, template in TEMPLATES.items():
        content = [row for row in template["rows"] if "heading" not in row]
        assert 4 <= len(content) <= 12, key
        assert template["title"] == template["title"].upper(), key
        suffix = template["number_suffix"]
        assert suffix and len(suffix) <= 8 and " " not in suffix, key
        for row in content:
            assert ("label" in row) == ("paragraph" not in row), key
            assert sum(name in row for name in ("field", "value", "paragraph")) == 1, (key, row)


def test_an_unknown_template_falls_back_to_the_generic_result():
    assert template_for("no_such_template") is GENERIC
    assert GENERIC["title"] == "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert template_for("birth_certificate")["title"] == "GIẤY KHAI SINH"


# -- values as printed -----------------------------------------------------------------------------


def test_values_are_printed_as_a_vietnamese_reader_expects():
    sex = {"type": "radio", "options": [{"value": "male", "label": {"vi": "Nam", "en": "Male"}}]}
    assert display_value({"type": "date"}, "1990-05-12") == "12/05/1990"
    assert display_value({"type": "datetime"}, "2026-01-20T14:05") == "14 giờ 05 phút, ngày 20/01/2026"
    assert display_value({"type": "checkbox"}, True) == "Có"
    assert display_value({"type": "checkbox"}, False) == "Không"
    assert display_value(sex, "male") == "Nam"
    assert display_value({"type": "country"}, "VN") == "Việt Nam"
    assert display_value({"type": "country"}, "FR") == "Pháp"
    assert display_value({"type": "decimal"}, 85.5) == "85,5"
    assert display_value({"type": "decimal"}, 500000000) == "500.000.000"
    assert display_value({"type": "integer"}, 2010) == "2010"  # a year, not two thousand and ten
    place = {"kind": "unit", "unit_code": "26734", "text": "12 Lê Lợi", "label": "Phường Bến Thành"}
    assert display_value({"type": "place"}, place) == "12 Lê Lợi, Phường Bến Thành"
    assert (
        display_value({"type": "place"}, {"kind": "foreign", "country": "JP", "label": "Japan"}) == "Nhật Bản"
    )
    assert display_value({"type": "text"}, "") == "—" and display_value({"type": "text"}, None) == "—"


def test_numbers_and_dates_are_written_in_words_as_civil_status_papers_do():
    assert number_in_words(2025) == "hai nghìn không trăm hai mươi lăm"
    assert number_in_words(1990) == "một nghìn chín trăm chín mươi"
    assert number_in_words(2005) == "hai nghìn không trăm linh năm"
    assert number_in_words(21) == "hai mươi mốt" and number_in_words(15) == "mười lăm"
    assert number_in_words(2000) == "hai nghìn" and number_in_words(104) == "một trăm linh bốn"
    assert date_in_words(date(2025, 4, 24)) == (
        "ngày hai mươi tư tháng tư năm hai nghìn không trăm hai mươi lăm"
    )


def test_the_date_line_pads_the_day_and_only_the_first_two_months():
    assert date_line(ISSUED_AT) == "TP. Hồ Chí Minh, ngày 03 tháng 02 năm 2026"
    assert (
        date_line(datetime(2026, 11, 20, 23, 30, tzinfo=VN_TZ))
        == "TP. Hồ Chí Minh, ngày 20 tháng 11 năm 2026"
    )
    assert date_line(datetime(2026, 3, 4, 20, 0, tzinfo=VN_TZ)).endswith("ngày 04 tháng 3 năm 2026")
    late_utc = datetime.fromisoformat("2026-03-04T18:00:00+00:00")  # already the 5th in Vietnam
    assert date_line(late_utc).endswith("ngày 05 tháng 3 năm 2026")


def test_typed_text_is_made_safe_to_print():
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" as a Mac keyboard sends it
    assert clean_text(decomposed) == "Nguyễn"
    assert clean_text("An\u202eđộc\x00\x07 hại\u200b") == "Anđộc hại"
    assert clean_text("Hoa 🌸👨‍👩‍👧 Mai") == "Hoa \ufffd Mai"
    assert clean_text("x" * 5000) == "x" * 1000 + "…"
    assert clean_text("\n".join(["dòng"] * 50)).count("\n") == 19


def _stand_in(definition, **values):
    """A dossier as the renderer reads it, for every procedure of the catalogue without a database."""
    version = SimpleNamespace(data=definition, name_vi=definition["name"]["vi"])
    return SimpleNamespace(
        procedure_version=version,
        case_key=definition["cases"][0]["key"],
        data=sample_form_data(version, **values),
        competent_agency=SimpleNamespace(name="Ủy ban nhân dân phường Bến Thành"),
        applicant_name="Nguyễn Thị Ánh Tuyết",
        applicant_personal_id="079190123456",
        code="001.26.01.H29-260203-0001",
    )


def test_every_procedures_result_renders_with_its_own_title():
    for definition in PROCEDURES:
        pdf = _render(_stand_in(definition))
        text = text_of(pdf)
        assert template_for(definition["result"]["template"])["title"] in text.replace("\n", " "), definition[
            "code"
        ]
        assert CODE in text, definition["code"]


def test_an_unknown_template_lists_the_dossiers_form_fields():
    definition = next(d for d in PROCEDURES if d["code"] == "1.004873")
    definition = {**definition, "result": {**definition["result"], "template": "no_such_template"}}
    text = text_of(_render(_stand_in(definition, **{"applicant.full_name": "Đỗ Thị Hằng"})))
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Họ, chữ đệm và tên: Đỗ Thị Hằng" in text and "Cấp Giấy xác nhận tình trạng hôn nhân" in text
    assert "Số điện thoại" not in text  # contact details are not part of a decision


@pytest.fixture
def counter(loaded_places, loaded_catalogue, django_user_model):
    """A receiver at Phường Bến Thành's centre, who hands dossiers in as a citizen would at the desk."""
    roles_ensure_defaults()
    centre = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    receiver = django_user_model.objects.create_user(username="bt-receiver")
    membership_grant(
        actor=None, user=receiver, agency=centre, role_key="receiver", valid_from=date(2025, 7, 1)
    )

    def receive(code, name, **values):
        version = procedure_version_in_force(code=code)
        return dossier_receive_at_counter(
            official=receiver,
            agency=centre,
            version=version,
            case_key=version.data["cases"][0]["key"],
            applicant_name=name,
            applicant_personal_id="079190123456",
            data=sample_form_data(version, **values),
            documents={document["key"]: {"paper": True} for document in version.data["documents"]},
            unit=centre.unit,
            submission_key=f"documents-{code}",
        )

    return receive


def _fonts(reader):
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            yield font.get_object()


@pytest.mark.django_db
def test_a_certificate_of_marital_status_prints_as_pdf_a_with_holder_number_and_code(counter):
    dossier = counter(
        "1.004873",
        "Trần Thị Ngọc Ánh",
        **{"applicant.full_name": "Trần Thị Ngọc Ánh", "purpose.other_text": "Mua bán nhà đất"},
    )
    pdf = _render(dossier)
    text = text_of(pdf)
    assert "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN" in text and "Trần Thị Ngọc Ánh" in text
    assert (
        "Số: 00005/2026/XNHN" in text
        and CODE in text
        and VERIFY_URL.replace("/", "") in text.replace("\n", "").replace("/", "")
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert dossier.competent_agency.name.upper().split()[-1] in text
    assert "ngày 03 tháng 02 năm 2026" in text and "Mua bán nhà đất" in text and "(Đã ký số)" in text

    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.is_encrypted  # pyHanko signs it as an incremental update
    assert len(reader.pages[0].images) == 1  # the QR code
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf and b"<pdfaid:conformance>B</pdfaid:conformance>" in pdf
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert all(
        "/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in _fonts(reader)
    )
    xmp = reader.xmp_metadata
    assert xmp.dc_title["x-default"] == "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN số 00005/2026/XNHN"
    assert xmp.dc_creator == [dossier.competent_agency.name]
    assert xmp.dc_description["x-default"] == "Cấp Giấy xác nhận tình trạng hôn nhân"
    assert xmp.xmp_create_date.date() == date(2026, 2, 3)


@pytest.mark.django_db
def test_a_birth_certificate_prints_the_childs_name_and_birth_date_in_words(counter):
    dossier = counter(
        "1.001193",
        "Lê Thị Thu Hà",
        **{
            "child.full_name": "Lê Hoàng Bảo Ngọc",
            "child.date_of_birth": "2025-12-24",
            "mother.full_name": "Lê Thị Thu Hà",
            "applicant.full_name": "Lê Thị Thu Hà",
        },
    )
    text = text_of(_render(dossier))
    assert "GIẤY KHAI SINH" in text and "Lê Hoàng Bảo Ngọc" in text and "Lê Thị Thu Hà" in text
    assert "24/12/2025" in text and "tháng mười hai năm hai nghìn không trăm hai mươi lăm" in text.replace(
        "\n", " "
    )
    assert "Số: 00005/2026/KS" in text and CODE in text


@pytest.mark.django_db
def test_a_preview_says_so_and_carries_no_code_nor_qr(counter):
    dossier = counter("1.004873", "Trần Thị Ngọc Ánh", **{"applicant.full_name": "Trần Thị Ngọc Ánh"})
    pdf = _render(dossier, preview=True)
    text = text_of(pdf)
    assert PREVIEW_BANNER in text and "(Chưa ký)" in text and "(Đã ký số)" not in text
    assert CODE not in text and "xac-minh" not in text
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0


def test_a_hostile_value_renders_bounded_and_clean():
    definition = next(d for d in PROCEDURES if d["code"] == "1.004873")
    hostile = ("Nguyễn 😀\x00\x1b[31m\u202e" + "A" * 40 + " ") * 250  # ~12,000 characters
    dossier = _stand_in(
        definition,
        **{
            "applicant.full_name": hostile,
            "applicant.residence": {"kind": "text", "text": hostile + "\n" * 500},
            "purpose.other_text": "x" * 10_000,
            "applicant.ethnicity": ["Kinh", {"nested": hostile}],
        },
    )
    pdf = _render(
        dossier, signer_name=hostile, signer_title=hostile, verify_url=VERIFY_URL + "?" + "q" * 5000
    )
    reader = PdfReader(io.BytesIO(pdf))
    text = text_of(pdf)
    assert len(reader.pages) <= 4 and "…" in text and "\x1b" not in text and "\u202e" not in text
    assert "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN" in text
