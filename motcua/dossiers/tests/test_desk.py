"""The officials' desk: queues, the dossier page and its actions (issue 6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.conftest import sign_in_with_second_factor
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.tests.test_lifecycle import _do, _submit

# What the results app passes when it has signed the electronic result (tested there).
E_RESULT = {"result": {"code": "KQTEST000001", "number": "1/2026", "sha256": "0" * 64}}

pytestmark = pytest.mark.django_db


def test_a_receiver_receives_from_the_queue_and_hands_over(client, world):
    dossier = _submit(world)
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    html = client.get("/van-phong/ho-so/?q=receive").content.decode()
    assert dossier.reference in html
    page = client.get(f"/van-phong/ho-so/{dossier.pk}").content.decode()
    assert "Tiếp nhận" in page and "Nguyễn Văn An" in page and "Từ chối tiếp nhận" in page
    assert "tờ khai điện tử ở trên" in page  # an online declaration is the form itself, not a missing paper
    client.post(f"/van-phong/ho-so/{dossier.pk}/receive")
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.code
    processor = world["officials"]["processor"]
    html = client.post(
        f"/van-phong/ho-so/{dossier.pk}/hand_over",
        {"to_person": f"{world['centre'].pk}:{processor.pk}"},
        follow=True,
    ).content.decode()
    dossier.refresh_from_db()
    assert dossier.assignee == processor and "Chuyển xử lý" in html
    html = client.post(f"/van-phong/ho-so/{dossier.pk}/refuse", {"note": "x"}, follow=True).content.decode()
    assert "Không thể “Từ chối tiếp nhận”" in html  # refused at reception only while status 1


def test_another_agency_sees_nothing(client, world):
    dossier = _submit(world)
    sign_in_with_second_factor(client, world["stranger"])
    assert dossier.reference not in client.get("/van-phong/ho-so/?q=receive").content.decode()
    assert client.get(f"/van-phong/ho-so/{dossier.pk}").status_code == 404
    assert client.post(f"/van-phong/ho-so/{dossier.pk}/receive").status_code == 404
    assert Dossier.objects.get().status == Status.SUBMITTED


def test_the_queue_and_the_dossier_page_cost_a_bounded_number_of_queries(client, world):
    for n in range(12):
        _do(world, _submit(world, key=f"k{n}"), "receive")
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    client.get("/van-phong/ho-so/?q=processing")  # warm the session and caches
    with CaptureQueriesContext(connection) as queue_queries:
        html = client.get("/van-phong/ho-so/?q=processing").content.decode()
    assert html.count("/van-phong/ho-so/") >= 12
    with CaptureQueriesContext(connection) as page_queries:
        client.get(f"/van-phong/ho-so/{Dossier.objects.first().pk}")
    assert len(queue_queries) <= 8, [q["sql"] for q in queue_queries]
    assert len(page_queries) <= 18, len(page_queries)


def test_submission_and_transition_cost_a_bounded_number_of_queries(world):
    _submit(world, key="warm")
    with CaptureQueriesContext(connection) as submit_queries:
        dossier = _submit(world, key="measured")
    with CaptureQueriesContext(connection) as receive_queries:
        dossier = _do(world, dossier, "receive")
    with CaptureQueriesContext(connection) as hand_over_queries:
        _do(world, dossier, "hand_over", to_person=world["officials"]["processor"])
    # Today 16, 21 and 12, the transaction's own two included: the audit chain (head, record,
    # head), one notice written for every channel at once and one task delivering it, the day's
    # code counter in one upsert, the calendar's overrides read once, the applicant's open
    # verification case; a reception also counts the dossier in the service index's summaries
    # (its fact read and written, its log's counted events, one upsert each of the day and month
    # rows). The bounds catch an N+1 creeping in; bench/profile_transitions.py says
    # where the time goes.
    assert len(submit_queries) <= 16, [q["sql"][:80] for q in submit_queries]
    assert len(receive_queries) <= 21, [q["sql"][:80] for q in receive_queries]
    assert len(hand_over_queries) <= 12, [q["sql"][:80] for q in hand_over_queries]


def test_a_receiver_receives_a_dossier_handed_in_at_the_counter(client, world):
    from motcua.dossiers.tests.test_lifecycle import _data

    sign_in_with_second_factor(client, world["officials"]["receiver"])
    page = client.get("/van-phong/ho-so/tiep-nhan?thu-tuc=1.004873").content.decode()
    assert "Tiếp nhận tại quầy" in page or "Receive at the counter" in page
    form = {
        "procedure": "1.004873",
        "agency": str(world["centre"].pk),
        "applicant_name": "Trần Thị Bình",
        "applicant_personal_id": "079190123457",
        "case": "standard",
        "unit": world["unit"].code,
    }
    response = client.post("/van-phong/ho-so/tiep-nhan", form)
    assert response.status_code == 400 and "Trần Thị Bình" in response.content.decode()  # kept
    assert not Dossier.objects.exists()
    data = {k: ("on" if v is True else v) for k, v in _data(world).items()}
    response = client.post(
        "/van-phong/ho-so/tiep-nhan", {**form, **data, "paper-previous_certificate": "on"}, follow=True
    )
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED and dossier.code.startswith(world["centre"].electronic_id)
    assert dossier.channel == 1 and dossier.receiving_agency == world["centre"]
    html = response.content.decode()
    assert dossier.code in html
    certificate = html[html.index("Giấy xác nhận tình trạng hôn nhân đã được cấp trước đây") :][:400]
    assert "đã được đối chiếu bản chính tại quầy" in certificate


def test_the_counter_form_makes_one_dossier_and_links_an_account_only_after_the_identity_check(
    client,
    world,
    django_user_model,
):
    from motcua.accounts.assisted import assisted_session_start
    from motcua.dossiers.tests.test_lifecycle import _data
    from motcua.notifications.models import Message

    world["citizen"].oidc_subject = "079090123456"
    world["citizen"].save()
    receiver = world["officials"]["receiver"]
    sign_in_with_second_factor(client, receiver)
    data = {k: ("on" if v is True else v) for k, v in _data(world).items()}
    form = {
        **data,
        "procedure": "1.004873",
        "agency": str(world["centre"].pk),
        "applicant_name": "Nguyễn Văn An",
        "applicant_personal_id": "079090123456",  # the citizen of the fixtures has an e-ID account
        "phone": "0987654321",
        "case": "standard",
        "unit": world["unit"].code,
        "form_token": "abc123",
    }
    client.post("/van-phong/ho-so/tiep-nhan", form)
    client.post("/van-phong/ho-so/tiep-nhan", form)  # a double click
    dossier = Dossier.objects.get()
    assert dossier.applicant is None  # nobody checked that this is the account's owner
    assert Message.objects.filter(channel="sms", to="0987654321", template="dossier_received").exists()
    assisted_session_start(
        official=receiver,
        agency=world["centre"],
        personal_id="079090123456",
        full_name="Nguyễn Văn An",
        date_of_birth=__import__("datetime").date(1990, 5, 12),
        document_kind="id_card",
        document_number="079090123456",
    )
    client.post("/van-phong/ho-so/tiep-nhan", {**form, "form_token": "def456"})
    assert Dossier.objects.get(submission_key="def456").applicant == world["citizen"]


def test_odd_ids_are_not_errors(client, world):
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    assert client.get("/van-phong/ho-so/?q=late&truoc=²").status_code == 200
    dossier = _submit(world)
    assert client.post(f"/van-phong/ho-so/{dossier.pk}/hand_over", {"to_person": "²"}).status_code == 302


def _rows_of(html, caption):
    """The rows of the table with ``caption``, each as its visible text."""
    import re

    table = html[html.index(caption) : html.index("</table>", html.index(caption))]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("</thead>")[1], flags=re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_the_dossier_page_shows_every_step_with_its_own_outcome(client, world, monkeypatch):
    from motcua.dossiers.tests.test_slips import _walk

    dossier = _walk(world, monkeypatch)
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    html = client.get(f"/van-phong/ho-so/{dossier.pk}").content.decode()
    reception, verification, signature, delivery = _rows_of(html, "Các bước giải quyết")
    assert reception.startswith("Tiếp nhận, kiểm tra hồ sơ (2 giờ làm việc) Nguyễn Văn An bt-receiver")
    assert reception.endswith("16:00 19/11/2026 08:30 20/11/2026 16:30 19/11/2026 Trước hạn")
    assert "bt-processor" in verification and verification.endswith("09:00 25/11/2026 Trễ hạn")
    assert "bt-signer" in signature and signature.endswith("Đúng hạn")
    assert delivery.endswith("11:00 25/11/2026 Đúng hạn")
    assert "Kết quả so với hạn trả ban đầu" in html and "<strong>Đúng hạn</strong>" in html
    client.cookies["motcua_lang"] = "en"
    english = client.get(f"/van-phong/ho-so/{dossier.pk}").content.decode()
    assert _rows_of(english, "Steps of the procedure")[1].endswith("Late")


def test_the_queue_offers_the_register_as_excel_and_as_csv(client, world):
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    html = client.get("/van-phong/ho-so/").content.decode()
    assert (
        'href="/van-phong/ho-so/so-theo-doi.xlsx"' in html
        and 'href="/van-phong/ho-so/so-theo-doi.csv"' in html
    )
    assert "Sổ theo dõi hồ sơ (mẫu 07)" in html and 'formaction="/van-phong/ho-so/so-theo-doi.csv"' in html
    assert client.get("/van-phong/ho-so/so-theo-doi.xlsx").content[:2] == b"PK"  # a zip: an Excel workbook
    whole_year = client.get("/van-phong/ho-so/so-theo-doi.csv?tu=2025-01-01&den=2025-12-31")
    assert whole_year.status_code == 200 and "20250101-20251231" in whole_year["Content-Disposition"]


@pytest.mark.parametrize(
    ("start", "end", "vi", "en"),
    [
        ("2026-11-30", "2026-11-01", "Ngày bắt đầu phải trước", "The first day must be on or before"),
        ("2025-01-01", "2026-01-01", "tối đa một năm", "at most one year"),
        ("2026-13-01", "2026-12-31", "Ngày không hợp lệ", "not a valid date"),
        ("hôm qua", "", "Ngày không hợp lệ", "not a valid date"),
        ("0001-01-01", "0001-01-02", "Ngày không hợp lệ", "not a valid date"),
        ("2026-11-01", "9999-12-31", "Ngày không hợp lệ", "not a valid date"),
    ],
)
def test_a_bad_register_period_is_explained_never_an_error(client, world, start, end, vi, en):
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    for fmt in ("xlsx", "csv"):
        response = client.get(f"/van-phong/ho-so/so-theo-doi.{fmt}", {"tu": start, "den": end}, follow=True)
        assert response.status_code == 200 and response.redirect_chain
        assert vi in response.content.decode() and not response["Content-Type"].startswith("text/csv")
    client.cookies["motcua_lang"] = "en"
    response = client.get("/van-phong/ho-so/so-theo-doi.xlsx", {"tu": start, "den": end}, follow=True)
    assert en in response.content.decode()


def test_a_queue_narrows_to_a_procedure_and_a_channel(client, world):
    online = _submit(world, key="online")
    _do(world, online, "receive")
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    code = Dossier.objects.get(pk=online.pk).code
    assert (
        code
        in client.get(
            "/van-phong/ho-so/", {"q": "processing", "tt": "1.004873", "kenh": "2"}
        ).content.decode()
    )
    assert code not in client.get("/van-phong/ho-so/", {"q": "processing", "kenh": "1"}).content.decode()
    assert code not in client.get("/van-phong/ho-so/", {"q": "processing", "tt": "1.001193"}).content.decode()
    odd = client.get(
        "/van-phong/ho-so/", {"q": "processing", "tt": "'; drop", "kenh": "9", "truoc": "9" * 40}
    )
    assert odd.status_code == 200  # odd filters mean none


def test_ticked_dossiers_are_handed_over_together_and_each_refusal_is_named(client, world):
    received = []
    for n in range(3):
        dossier = _submit(world, key=f"bulk{n}")
        _do(world, dossier, "receive")
        received.append(Dossier.objects.get(pk=dossier.pk))
    waiting = _submit(world, key="still-online")  # status 1: not yet received, cannot be handed over
    foreign = _submit(world, key="elsewhere")
    foreign_code = foreign.reference
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    page = client.get("/van-phong/ho-so/", {"q": "processing"}).content.decode()
    assert "Chuyển xử lý các hồ sơ đã chọn" in page and f'value="{received[0].pk}"' in page
    processor = world["officials"]["processor"]
    response = client.post(
        "/van-phong/ho-so/chuyen-xu-ly",
        {"ids": [d.pk for d in received] + [waiting.pk], "to_person": processor.pk, "here": "q=processing"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/van-phong/ho-so/?q=processing"
    html = response.content.decode()
    assert "Đã chuyển cho" in html and all(d.code in html for d in received)
    assert f"Không chuyển được — {waiting.reference}" in html
    assert {d.assignee_id for d in Dossier.objects.filter(pk__in=[d.pk for d in received])} == {processor.pk}
    assert Dossier.objects.get(pk=waiting.pk).status == Status.SUBMITTED
    # Someone of another agency gets nothing handed over, and a person who handles no dossiers
    # there cannot be chosen.
    sign_in_with_second_factor(client, world["stranger"])
    html = client.post(
        "/van-phong/ho-so/chuyen-xu-ly", {"ids": [foreign.pk], "to_person": world["stranger"].pk}, follow=True
    ).content.decode()
    assert Dossier.objects.get(pk=foreign.pk).assignee_id is None
    assert foreign_code not in html and "một hồ sơ bạn không được xem" in html  # not even its code
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    _do(world, foreign, "receive")
    leader = world["officials"]["leader"]
    html = client.post(
        "/van-phong/ho-so/chuyen-xu-ly", {"ids": [foreign.pk], "to_person": leader.pk}, follow=True
    ).content.decode()
    assert "không có vai trò xử lý hồ sơ" in html and Dossier.objects.get(pk=foreign.pk).assignee_id is None


def test_a_dossier_is_handed_to_the_deciding_agency_and_its_result_delivered_by_post(
    client, world, django_user_model
):
    from datetime import date

    from motcua.accounts.services import membership_grant

    dossier = _do(world, _submit(world), "receive")
    deciding = dossier.competent_agency
    assert deciding != dossier.current_agency  # the ward's People's Committee, not its centre
    clerk = django_user_model.objects.create_user(username="pc-clerk", last_name="Lê Thị Thu")
    membership_grant(
        actor=None, user=clerk, agency=deciding, role_key="processor", valid_from=date(2025, 7, 1)
    )
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    page = client.get(f"/van-phong/ho-so/{dossier.pk}").content.decode()
    assert f'<optgroup label="{deciding.name}">' in page and f'value="{deciding.pk}:{clerk.pk}"' in page
    forged = client.post(
        f"/van-phong/ho-so/{dossier.pk}/hand_over",
        {"to_person": f"{world['other'].pk}:{world['stranger'].pk}"},
    )
    assert forged.status_code == 302 and Dossier.objects.get(pk=dossier.pk).assignee_id is None
    client.post(f"/van-phong/ho-so/{dossier.pk}/hand_over", {"to_person": f"{deciding.pk}:{clerk.pk}"})
    moved = Dossier.objects.get(pk=dossier.pk)
    assert moved.assignee == clerk and moved.current_agency == deciding
    event = moved.events.order_by("-id").first()
    assert event.from_agency == world["centre"] and event.to_agency == deciding

    # Now the deciding agency's own people decide; the centre's head no longer may.
    from motcua.core.errors import PermissionDenied
    from motcua.dossiers.services import dossier_transition

    with pytest.raises(PermissionDenied) as refused:
        _do(world, moved, "approve", role="head")
    assert refused.value.code == "not_handling_agency"
    for role in ("head", "signer"):
        person = django_user_model.objects.create_user(username=f"pc-{role}", last_name=f"PC {role}")
        membership_grant(actor=None, user=person, agency=deciding, role_key=role, valid_from=date(2025, 7, 1))
        action = "approve" if role == "head" else "sign"
        moved = dossier_transition(actor=person, dossier=moved, action=action, data=E_RESULT)
    html = client.post(
        f"/van-phong/ho-so/{dossier.pk}/deliver", {"method": "pigeon"}, follow=True
    ).content.decode()
    assert (
        "Hãy chọn cách trả kết quả" in html
        and Dossier.objects.get(pk=dossier.pk).status == Status.RESULT_READY
    )
    client.post(f"/van-phong/ho-so/{dossier.pk}/deliver", {"method": "post"})
    delivered = Dossier.objects.get(pk=dossier.pk)
    assert delivered.status == Status.DELIVERED
    assert delivered.events.order_by("-id").first().payload["method"] == "post"


def test_a_register_longer_than_one_export_says_so_instead_of_cutting_it(client, world, monkeypatch):
    from motcua.dossiers import desk_views

    for n in range(3):
        _do(world, _submit(world, key=f"reg{n}"), "receive")
    monkeypatch.setattr(desk_views, "REGISTER_LIMIT", 2)
    sign_in_with_second_factor(client, world["officials"]["receiver"])
    response = client.get("/van-phong/ho-so/so-theo-doi.csv", follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "hơn 2 hồ sơ; hãy chọn khoảng ngắn hơn" in response.content.decode()
    monkeypatch.setattr(desk_views, "REGISTER_LIMIT", 3)
    assert client.get("/van-phong/ho-so/so-theo-doi.csv")["Content-Type"].startswith("text/csv")
