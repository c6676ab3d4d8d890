"""No page or endpoint stores a NUL character (PostgreSQL refuses them in text): one 400 for all."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_query_a_form_or_a_json_body_is_refused_in_words(client):
    page = client.get("/tra-cuu-ho-so", {"ma": "TN-\x00", "xac-thuc": "1234"})
    assert page.status_code == 400 and "ký tự không hợp lệ" in page.content.decode()
    api = client.get("/api/v1/dossier-lookup", {"code": "TN-AB\x00CD", "factor": "1234"})
    assert api.status_code == 400 and api.json()["code"] == "nul_character"
    form = client.post("/van-phong/dang-nhap", {"username": "a\x00", "password": "x"})
    assert form.status_code == 400
    body = client.put(
        "/api/v1/dossiers/drafts/1.004873", '{"values": {"x": "a\\u0000b"}}', content_type="application/json"
    )
    assert body.status_code == 400 and body.json()["detail_en"].startswith("The request contains")
    assert client.get("/tra-cuu-ho-so", {"ma": "TN-ABC"}).status_code == 200  # the rest as before
