"""The dossiers REST API: applying, following, acting, the public look-up (issue 6)."""

import io

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from motcua.conftest import sign_in_with_second_factor
from motcua.dossiers.models import Dossier, Status

# What the results app passes when it has signed the electronic result (tested there).
E_RESULT = {"result": {"code": "KQTEST000001", "number": "1/2026", "sha256": "0" * 64}}

pytestmark = pytest.mark.django_db

API = "/api/v1/dossiers"
DRAFT = f"{API}/drafts/1.004873"


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def applicant(world, citizen, client):
    """The citizen (conftest), who consented to the prefill of the certificate of marital status."""
    client.post("/tai-khoan/dien-san/1.004873", {"action": "consent", "consent": "yes"})
    return citizen


def _typed(world, draft: dict) -> dict:
    """A value for every required field the registries did not fill."""
    fields = [f for s in world["version"].data["form"]["sections"] for f in s["fields"]]
    values = {}
    for spec in fields:
        if not spec.get("required") or spec["key"] in draft["prefilled"]:
            continue
        values[spec["key"]] = (
            spec["options"][0]["value"]
            if spec.get("options")
            else {
                "date": "1996-04-02",
                "checkbox": True,
                "personal_id": "079090123456",
                "phone": "0912345678",
            }.get(spec["type"], "Có")
        )
    return values


def _submitted(client, world, key="lan-nop-0001"):
    draft = client.get(DRAFT).json()
    client.put(
        DRAFT,
        {"case_key": "standard", "unit_code": world["unit"].code, "values": _typed(world, draft)},
        content_type="application/json",
    )
    response = client.post(f"{DRAFT}/submit", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201, response.json().get("errors") or response.json()
    return response.json()


def test_an_applicant_prepares_and_submits_once_through_the_api(client, world, applicant):
    person, _ = applicant
    draft = client.get(DRAFT).json()
    assert draft["prefilled"]["applicant.full_name"] == {
        "value": person.full_name,
        "source": "population.local",
        "verified": True,
    }
    assert {m["key"] for m in draft["missing"]} >= {"purpose.kind"}

    # A wrong value is kept and named; a disguised file is refused with the reason.
    saved = client.put(
        DRAFT,
        {
            "case_key": "standard",
            "values": {"purpose.kind": "marriage", "purpose.partner_date_of_birth": "31/02"},
        },
        content_type="application/json",
    ).json()
    assert saved["values"]["purpose.kind"] == "marriage"
    assert "Ngày không hợp lệ" in saved["errors"]["purpose.partner_date_of_birth"]
    fake = client.post(
        f"{DRAFT}/files",
        {"document_key": "previous_certificate", "file": io.BytesIO(b"MZ\x90 not a pdf")},
    )
    assert fake.status_code == 400 and fake.json()["code"] == "file_type"
    assert "PDF, JPEG hoặc PNG" in fake.json()["detail_vi"]
    scan = io.BytesIO(pdf())
    scan.name = "giay-xac-nhan-cu.pdf"
    uploaded = client.post(f"{DRAFT}/files", {"document_key": "previous_certificate", "file": scan})
    assert uploaded.status_code == 201 and uploaded.json()["pages"] == 1

    # Incomplete: everything missing at once, nothing made.
    refused = client.post(f"{DRAFT}/submit", HTTP_IDEMPOTENCY_KEY="lan-nop-0001")
    assert refused.status_code == 400 and refused.json()["code"] == "incomplete"
    assert {"unit", "purpose.partner_full_name"} <= {m["key"] for m in refused.json()["missing"]}
    assert "purpose.partner_date_of_birth" in refused.json()["errors"]
    assert not Dossier.objects.exists()
    client.put(
        DRAFT, {"values": {"purpose.partner_date_of_birth": "1996-04-02"}}, content_type="application/json"
    )

    dossier = _submitted(client, world)
    assert dossier["status"] == Status.SUBMITTED and dossier["reference"].startswith("TN-")
    assert dossier["status_label_vi"].startswith("Đã nộp trực tuyến")
    assert dossier["current_agency"]["electronic_id"] == world["centre"].electronic_id
    assert dossier["competent_agency"]["name"].startswith("Ủy ban nhân dân")
    assert dossier["data"]["applicant.full_name"] == person.full_name
    assert [e["action"] for e in dossier["events"]] == ["submit"]
    assert dossier["actions"] == ["request_withdrawal"]
    stored = Dossier.objects.get()
    assert stored.files.get().original_name == "giay-xac-nhan-cu.pdf"
    assert stored.provenance["applicant.full_name"]["source"] == "population.local"

    # The same key again (a retry after a lost answer) answers the first dossier, never a second.
    again = client.post(f"{DRAFT}/submit", HTTP_IDEMPOTENCY_KEY="lan-nop-0001")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["reference"] == dossier["reference"] and Dossier.objects.count() == 1
    mine = client.get(API).json()
    assert [d["reference"] for d in mine["items"]] == [dossier["reference"]] and mine["next_cursor"] is None


def test_a_submission_needs_a_usable_idempotency_key(client, world, applicant):
    assert client.post(f"{DRAFT}/submit").status_code == 422
    bad = client.post(f"{DRAFT}/submit", HTTP_IDEMPOTENCY_KEY="x y")
    assert bad.status_code == 400 and bad.json()["code"] == "idempotency_key"


def test_officials_receive_and_ask_for_a_supplement_and_the_applicant_answers(client, world, applicant):
    dossier = _submitted(client, world)
    ref = dossier["reference"]
    applicant_client = client
    assert (
        applicant_client.post(
            f"{API}/{ref}/actions", {"action": "receive"}, content_type="application/json"
        ).status_code
        == 403
    )

    desk = sign_in_with_second_factor(Client(), world["officials"]["receiver"])
    queue = desk.get(API, {"queue": "receive"}).json()
    assert [d["reference"] for d in queue["items"]] == [ref]
    seen = desk.get(f"{API}/{ref}").json()
    assert {"receive", "refuse", "request_supplement"} <= set(seen["actions"])
    received = desk.post(f"{API}/{ref}/actions", {"action": "receive"}, content_type="application/json")
    assert received.status_code == 200
    code = received.json()["code"]
    assert code.startswith(world["centre"].electronic_id) and received.json()["status"] == Status.RECEIVED
    assert received.json()["due_at"] is not None
    twice = desk.post(f"{API}/{code}/actions", {"action": "receive"}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "illegal_transition"
    empty = desk.post(
        f"{API}/{code}/actions", {"action": "request_supplement"}, content_type="application/json"
    )
    assert empty.status_code == 400 and empty.json()["code"] == "items_required"
    asked = desk.post(
        f"{API}/{code}/actions",
        {"action": "request_supplement", "items": [{"vi": "Bản sao giấy ly hôn", "en": "A divorce copy"}]},
        content_type="application/json",
    ).json()
    assert asked["status"] == Status.SUPPLEMENT

    mine = applicant_client.get(f"{API}/{code}").json()
    assert mine["actions"] == ["supplement", "request_withdrawal"]
    assert mine["events"][-1]["missing"] == [{"vi": "Bản sao giấy ly hôn", "en": "A divorce copy"}]
    answered = applicant_client.post(
        f"{API}/{code}/actions",
        {"action": "supplement", "answers": ["Đã có bản sao, số 12/2019", "and one more nobody asked for"]},
        content_type="application/json",
    ).json()
    assert answered["status"] == Status.RECEIVED and answered["stage"] == "supplemented"
    assert answered["data"]["supplement.0"] == "Đã có bản sao, số 12/2019"
    assert "supplement.1" not in answered["data"]  # only what was asked is taken


def test_nobody_else_sees_a_dossier_and_queues_need_the_second_factor(client, world, applicant):
    ref = _submitted(client, world)["reference"]
    stranger = sign_in_with_second_factor(Client(), world["stranger"])
    assert stranger.get(f"{API}/{ref}").status_code == 404
    assert stranger.get(API, {"queue": "receive"}).json()["items"] == []
    other = Client()
    other.force_login(world["citizen"], backend="motcua.accounts.oidc.CitizenOIDCBackend")
    assert other.get(f"{API}/{ref}").status_code == 404
    assert other.get(API, {"queue": "receive"}).status_code == 403
    assert Client().get(f"{API}/{ref}").status_code == 401
    half = Client()
    half.force_login(world["officials"]["receiver"])  # password only, no second factor
    assert half.get(f"{API}/{ref}").status_code == 404


def test_an_unsafe_request_without_the_csrf_token_is_refused(world, applicant):
    _, user = applicant
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user, backend="motcua.accounts.oidc.CitizenOIDCBackend")
    response = strict.put(DRAFT, {"values": {}}, content_type="application/json")
    assert response.status_code == 403
    assert strict.get(DRAFT).status_code == 200


def test_an_officials_idle_session_ends_for_the_api_too(world, settings, client, applicant):
    import time

    ref = _submitted(client, world)["reference"]
    desk = sign_in_with_second_factor(Client(), world["officials"]["receiver"])
    session = desk.session
    session["backoffice_last_seen"] = time.time() - settings.MOTCUA_BACKOFFICE_IDLE_MINUTES * 60 - 5
    session.save()
    assert desk.get(f"{API}/{ref}").status_code == 401
    assert desk.get(f"{API}/{ref}").status_code == 401  # signed out, not only refused once


def test_the_public_look_up_needs_the_second_factor_and_shows_nothing_personal(client, world, applicant):
    person, _ = applicant
    ref = _submitted(client, world)["reference"]
    anyone = Client()
    found = anyone.get("/api/v1/dossier-lookup", {"code": ref, "factor": person.personal_id[-4:]})
    assert found.status_code == 200 and found.json()["status"] == Status.SUBMITTED
    assert person.full_name not in found.content.decode() and person.personal_id not in found.content.decode()
    wrong = anyone.get("/api/v1/dossier-lookup", {"code": ref, "factor": "0000"})
    unknown = anyone.get("/api/v1/dossier-lookup", {"code": "TN-000000000000", "factor": "0000"})
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    for _ in range(20):
        last = anyone.get("/api/v1/dossier-lookup", {"code": ref, "factor": "1111"})
    assert last.status_code == 429 and last.json()["code"] == "rate_limited"


def test_reading_a_dossier_costs_a_bounded_number_of_queries(
    client, world, applicant, django_assert_max_num_queries
):
    ref = _submitted(client, world)["reference"]
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}/{ref}").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(API).status_code == 200


def _fuzzed_schema():
    import json

    import schemathesis

    from motcua.core.management.commands.openapi import openapi_document

    schema = schemathesis.openapi.from_dict(json.loads(openapi_document()))
    return schema.include(path_regex="^/api/v1/dossier").exclude(method="POST", path_regex="/files$")


@_fuzzed_schema().parametrize()
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_answers_5xx_to_a_signed_in_applicant(case, client, world, applicant):
    import json
    from urllib.parse import urlencode

    query = urlencode(case.query or {}, doseq=True)
    headers = {k: v for k, v in (case.headers or {}).items() if isinstance(v, str) and v.isascii()}
    from schemathesis.core import NotSet

    if isinstance(case.body, NotSet):
        body: str | bytes = ""
    elif isinstance(case.body, bytes):
        body = case.body
    else:
        body = json.dumps(case.body)
    response = client.generic(
        case.method,
        f"{case.formatted_path}?{query}",
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code < 500, f"{case.method} {case.formatted_path}?{query} {body[:200]!r}"


def test_the_result_is_delivered_by_post_through_the_api(client, world, applicant):
    from motcua.dossiers.services import dossier_transition

    ref = _submitted(client, world)["reference"]
    officials = world["officials"]
    dossier = Dossier.objects.get(reference=ref)
    dossier = dossier_transition(actor=officials["receiver"], dossier=dossier, action="receive")
    dossier = dossier_transition(
        actor=officials["receiver"], dossier=dossier, action="hand_over", to_person=officials["head"]
    )
    dossier = dossier_transition(actor=officials["head"], dossier=dossier, action="approve")
    dossier = dossier_transition(actor=officials["signer"], dossier=dossier, action="sign", data=E_RESULT)
    desk = sign_in_with_second_factor(Client(), officials["receiver"])
    odd = desk.post(
        f"{API}/{dossier.code}/actions",
        {"action": "deliver", "method": "pigeon"},
        content_type="application/json",
    )
    assert odd.status_code == 422
    done = desk.post(
        f"{API}/{dossier.code}/actions",
        {"action": "deliver", "method": "post"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == Status.DELIVERED
    assert Dossier.objects.get(pk=dossier.pk).events.order_by("-id").first().payload["method"] == "post"


def test_reading_a_draft_writes_nothing_and_a_key_is_not_reused_for_another_procedure(
    client, world, applicant
):
    from motcua.dossiers.models import DossierDraft

    assert client.get(f"{API}/drafts/1.004873").status_code == 200
    assert not DossierDraft.objects.exists()
    _submitted(client, world, key="lan-nop-chung")
    other = client.post(f"{API}/drafts/1.001193/submit", HTTP_IDEMPOTENCY_KEY="lan-nop-chung")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_an_action_that_moves_the_dossier_out_of_reach_answers_what_was_done(
    client, world, applicant, django_user_model
):
    from datetime import date

    from motcua.accounts.services import membership_grant
    from motcua.dossiers.services import dossier_transition

    ref = _submitted(client, world)["reference"]
    dossier = Dossier.objects.get(reference=ref)
    deciding = dossier.competent_agency
    clerk = django_user_model.objects.create_user(username="pc-clerk-2", last_name="Lê Văn Hòa")
    membership_grant(
        actor=None, user=clerk, agency=deciding, role_key="processor", valid_from=date(2025, 7, 1)
    )
    dossier_transition(actor=world["officials"]["receiver"], dossier=dossier, action="receive")
    desk = sign_in_with_second_factor(Client(), world["officials"]["receiver"])
    answer = desk.post(
        f"{API}/{Dossier.objects.get(pk=dossier.pk).code}/actions",
        {"action": "hand_over", "to_person_id": clerk.pk, "to_agency_id": deciding.pk},
        content_type="application/json",
    )
    assert (
        answer.status_code == 200
        and answer.json()["current_agency"]["electronic_id"] == deciding.electronic_id
    )
    assert Dossier.objects.get(pk=dossier.pk).assignee == clerk
    unknown = desk.post(
        f"{API}/{Dossier.objects.get(pk=dossier.pk).code}/actions",
        {"action": "hand_over", "to_person_id": clerk.pk, "to_agency_id": 999999},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "to_agency"


def test_the_frameworks_own_refusals_are_said_in_vietnamese_and_english(world, applicant):
    anonymous = Client().get(API)
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == "application/problem+json"
    assert anonymous.json()["detail_vi"].startswith("Hãy đăng nhập")
    _, user = applicant
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user, backend="motcua.accounts.oidc.CitizenOIDCBackend")
    refused = strict.put(DRAFT, {"values": {}}, content_type="application/json").json()
    assert "X-CSRFToken" in refused["detail_en"] and "CSRF" in refused["detail_vi"]
