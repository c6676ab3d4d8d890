import json
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings

from motcua.core.management.commands.openapi import openapi_document

pytestmark = pytest.mark.django_db


def test_search_returns_ranked_items_with_names(client, loaded_catalogue):
    body = client.get("/api/v1/procedures", {"q": "lam khai sinh"}).json()
    first = body["items"][0]
    assert first["code"] == "1.001193"
    assert first["name_vi"] == "Đăng ký khai sinh" and first["name_en"] == "Birth registration"
    assert first["version"] == 1 and first["score"] > 0
    assert "<mark>khai</mark>" in first["name_vi_highlighted"]


def test_listing_without_q_pages_through_everything(client, loaded_catalogue):
    seen, cursor = [], None
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/procedures", params).json()
        seen += [item["code"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) >= 1
    assert "1.001193" in seen


def test_procedure_in_force_and_on_a_date(client, loaded_catalogue):
    body = client.get("/api/v1/procedures/1.001193").json()
    assert body["version"] == 1 and body["definition"]["time_limit"]["unit"] == "same_day"
    response = client.get("/api/v1/procedures/1.001193", {"on": "2020-01-01"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "procedure_not_found" and "01/01/2020" in problem["detail_en"]


def test_versions_list(client, loaded_catalogue):
    assert [v["version"] for v in client.get("/api/v1/procedures/1.001193/versions").json()] == [1]
    assert client.get("/api/v1/procedures/9.999999/versions").status_code == 404


def test_bad_input_gets_problem_details(client, loaded_catalogue):
    response = client.get("/api/v1/procedures", {"limit": "many"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"
    response = client.get("/api/v1/procedures", {"cursor": "!!!"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def test_committed_openapi_matches_the_code():
    call_command("openapi", "check")


def test_openapi_document_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/procedures" in schema["paths"]
    assert client.get("/api/docs").status_code == 302


schema = schemathesis.openapi.from_dict(json.loads(openapi_document()))


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_5xx(case, client, loaded_catalogue):
    query = urlencode(case.query or {}, doseq=True)
    response = client.generic(case.method, f"{case.formatted_path}?{query}", HTTP_ACCEPT="application/json")
    assert response.status_code < 500, f"{case.method} {case.formatted_path}?{query}"
