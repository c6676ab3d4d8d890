import pytest

pytestmark = pytest.mark.django_db


def test_catalogue_home_browses_by_life_event_sector_and_level(client, loaded_catalogue):
    html = client.get("/thu-tuc/").content.decode()
    assert "Sinh con" in html and "Hộ tịch" in html and "Cấp xã" in html
    html = client.get("/thu-tuc/", {"life_event": "having_a_baby"}).content.decode()
    assert "Đăng ký khai sinh" in html and "Đăng ký kết hôn" not in html
    html = client.get("/thu-tuc/", {"level": "province"}).content.decode()
    assert "Cấp Phiếu lý lịch tư pháp" in html and "Đăng ký khai sinh</a>" not in html
    assert client.get("/thu-tuc/", {"sector": "<script>"}).status_code == 200


def test_search_as_you_type_returns_the_results_fragment(client, loaded_catalogue):
    response = client.get("/thu-tuc/tim-kiem", {"q": "giay doc than"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "<mark>tình</mark> <mark>trạng</mark> <mark>hôn</mark> <mark>nhân</mark>" in html
    assert 'href="/thu-tuc/1.004873/"' in html.split("<li>")[1]


def test_search_without_javascript_renders_the_whole_page(client, loaded_catalogue):
    html = client.get("/thu-tuc/tim-kiem", {"q": "khai sinh"}).content.decode()
    assert "<html" in html and 'href="/thu-tuc/1.001193/"' in html


def test_procedure_page_shows_documents_fees_time_steps_and_legal_basis(client, loaded_catalogue):
    html = client.get("/thu-tuc/2.000815/").content.decode()
    assert "Chứng thực bản sao" in html
    assert "Trong ngày làm việc (nếu tiếp nhận trước 15:00)" in html
    assert (
        "trang 1–2: 2.000 ₫/trang" in html
        and "từ trang 3: 1.000 ₫/trang" in html
        and "tối đa 200.000 ₫" in html
    )
    assert "Trình tự giải quyết" in html and "Căn cứ pháp lý" in html
    assert "Tìm nơi nộp hồ sơ" in html


def test_procedure_page_in_english(client, loaded_catalogue):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert "Birth registration" in html and "What to prepare" in html and "Medical birth notice" in html


def test_procedure_page_links_the_interconnected_group(client, loaded_catalogue):
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert "Thủ tục liên thông" in html and 'href="/thu-tuc/1.002966/"' in html


def test_unknown_procedure_is_a_friendly_404(client, loaded_catalogue):
    response = client.get("/thu-tuc/9.999999/")
    assert response.status_code == 404


def test_centres_page_finds_a_ward_without_accents(client, loaded_places):
    html = client.get("/places/centres", {"q": "ben thanh"}).content.decode()
    assert "Trung tâm Phục vụ hành chính công Phường Bến Thành" in html
    assert "1 trung tâm" in html


def test_admin_shows_live_versions_with_their_yaml_read_only(admin_client, loaded_catalogue):
    from motcua.catalogue.models import ProcedureVersion

    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    listing = admin_client.get("/admin/catalogue/procedureversion/").content.decode()
    assert "1.001193" in listing and "Đăng ký khai sinh" in listing
    assert "/admin/catalogue/procedureversion/add/" not in listing
    page = admin_client.get(f"/admin/catalogue/procedureversion/{version.pk}/change/").content.decode()
    assert '<pre class="yaml-source">' in page and "code: &quot;1.001193&quot;" in page
    assert 'name="_save"' not in page


@pytest.mark.parametrize(
    "path", ["/thu-tuc/%00/", "/thu-tuc/abc/", "/api/v1/procedures/%00", "/api/v1/procedures/x/versions"]
)
def test_malformed_codes_are_not_found_or_invalid_without_touching_the_database(client, path):
    assert client.get(path).status_code in (404, 422)


def test_a_procedure_on_another_date_does_not_rebuild_the_search_index(client, loaded_catalogue):
    from motcua.catalogue import selectors

    selectors.procedure_search(query="khai sinh")
    cached = selectors._cache
    client.get("/thu-tuc/1.001193/", {"on": "2030-01-01"})
    assert selectors._cache is cached


def test_case_time_limits_and_fee_units_are_shown(client, loaded_catalogue):
    html = client.get("/thu-tuc/2.000635/").content.decode()
    assert "/ bản" in html


def test_non_utf8_file_is_reported_not_crashed(tmp_path):
    from motcua.catalogue.services import catalogue_check

    (tmp_path / "bad.yaml").write_bytes(b"code: caf\xe9\n")
    (error,) = catalogue_check(path=tmp_path).errors
    assert "not UTF-8" in str(error)


def test_reuse_report_prints_every_procedure_and_the_average(loaded_catalogue, capsys):
    from django.core.management import call_command

    call_command("catalogue", "reuse-report")
    out = capsys.readouterr().out
    assert "1.001193" in out and "Đăng ký khai sinh" in out
    assert "average share of fields filled from registries:" in out and "over 27 procedures" in out
