from datetime import timedelta
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_says_what_the_service_is_in_vietnamese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert "Thủ tục hành chính, tại một nơi" in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target


def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Administrative procedures, in one place" in html
    response = client.post(reverse("set_language"), {"language": "vi", "next": "/"}, follow=True)
    assert "Thủ tục hành chính, tại một nơi" in response.content.decode()


def test_large_text_is_remembered(client):
    response = client.post(reverse("text-size"), {"size": "large", "next": "/places/calendar"})
    assert response.status_code == 302 and response["Location"] == "/places/calendar"
    assert 'class="text-large"' in client.get("/").content.decode()
    client.post(reverse("text-size"), {"size": "normal"})
    assert 'class="text-normal"' in client.get("/").content.decode()


def test_text_size_never_redirects_off_site(client):
    response = client.post(reverse("text-size"), {"size": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_unknown_text_size_is_ignored(client):
    client.post(reverse("text-size"), {"size": "<script>"})
    assert 'class="text-normal"' in client.get("/").content.decode()


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_missing_page_is_friendly(client, settings):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_healthz_reports_database_and_queue(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["tasks"] == {
        "status": "ok",
        "backend": "database",
        "ready": 0,
        "oldest_ready_seconds": 0,
    }


def test_healthz_is_degraded_when_no_worker_takes_tasks(client, settings):
    from django_tasks_db.models import DBTaskResult

    from motcua.core.tasks import ping
    from motcua.core.time import now

    result = ping.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(run_after=now() - timedelta(minutes=10))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["checks"]["tasks"]["ready"] == 1
    assert body["checks"]["tasks"]["oldest_ready_seconds"] >= 600


def test_healthz_is_503_when_the_database_is_down(client):
    with mock.patch("motcua.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "down", "error": "OperationalError"}


def test_vietnamese_even_when_the_browser_asks_for_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi"' in response.content.decode()
    assert response["Content-Language"] == "vi"
