"""The dossier lifecycle: submission, reception, processing, supplements, apologies, withdrawal."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import transaction

from motcua.accounts.permissions import DEFAULT_ROLES
from motcua.audit.models import AuditRecord
from motcua.core.errors import Conflict, PermissionDenied, ValidationError
from motcua.core.time import VN_TZ
from motcua.dossiers.models import Dossier, DossierEvent, Stage, Status
from motcua.dossiers.services import dossier_receive_at_counter, dossier_submit_online, dossier_transition
from motcua.dossiers.states import TRANSITIONS
from motcua.notifications.models import Message

# What the results app passes when it has signed the electronic result (tested there).
E_RESULT = {"result": {"code": "KQTEST000001", "number": "1/2026", "sha256": "0" * 64}}

pytestmark = pytest.mark.django_db

DATA = {
    "applicant.full_name": "Nguyễn Văn An",
    "applicant.personal_id": "079090123456",
    "applicant.date_of_birth": "1990-05-12",
    "applicant.sex": "male",
    "applicant.residence": {"kind": "text", "text": "12 Lê Lợi"},
    "purpose.use": "marriage",
}


def _data(world):
    fields = [f for s in world["version"].data["form"]["sections"] for f in s["fields"]]
    data = {}
    for f in fields:
        if not f.get("required"):
            continue
        data[f["key"]] = (
            f["options"][0]["value"]
            if f.get("options")
            else {
                "date": "1990-05-12",
                "personal_id": "079090123456",
                "checkbox": True,
                "integer": 1,
                "phone": "0912345678",
                "email": "an@example.vn",
                "country": "VN",
            }.get(f["type"], "Nội dung")
        )
    return data


def _submit(world, key="k1", **kwargs):
    return dossier_submit_online(
        applicant=world["citizen"],
        version=world["version"],
        case_key="standard",
        data=_data(world),
        documents={},
        unit=world["unit"],
        submission_key=key,
        **kwargs,
    )


def _do(world, dossier, action, role="receiver", **kwargs):
    return dossier_transition(actor=world["officials"][role], dossier=dossier, action=action, **kwargs)


def test_an_online_submission_is_made_once_and_told_to_the_applicant(world):
    first = _submit(world)
    again = _submit(world)  # a double click or a retried request
    assert first.pk == again.pk and Dossier.objects.count() == 1
    assert first.status == Status.SUBMITTED and first.code is None and first.reference.startswith("TN-")
    assert first.competent_agency.kind == "commune_pc" and first.current_agency == world["centre"]
    assert (
        Message.objects.filter(user=world["citizen"], template="dossier_submitted").count() == 2
    )  # app + SMS


def test_a_dossier_missing_something_says_everything_at_once(world):
    required = [
        f["key"]
        for section in world["version"].data["form"]["sections"]
        if not section.get("show_if")
        for f in section["fields"]
        if f.get("required") and not f.get("show_if")
    ]
    with pytest.raises(ValidationError) as refused:
        dossier_submit_online(
            applicant=world["citizen"],
            version=world["version"],
            case_key="standard",
            data={},
            documents={},
            unit=world["unit"],
            submission_key="k",
        )
    assert {m["key"] for m in refused.value.params["missing"]} >= set(required)
    assert not Dossier.objects.exists()


def test_the_whole_way_from_reception_to_delivery(world):
    dossier = _submit(world)
    dossier = _do(world, dossier, "receive")
    assert re.fullmatch(rf"{re.escape(world['centre'].electronic_id)}-\d{{6}}-0001", dossier.code)
    assert (
        dossier.status == Status.RECEIVED and dossier.due_at == dossier.current_due_at > dossier.received_at
    )
    processor = world["officials"]["processor"]
    dossier = _do(world, dossier, "hand_over", to_person=processor)
    assert (dossier.status, dossier.stage, dossier.assignee) == (Status.PROCESSING, Stage.ASSIGNED, processor)
    assert dossier.step_due_at is not None
    dossier = _do(world, dossier, "approve", role="head")
    dossier = _do(world, dossier, "sign", role="signer", data=E_RESULT)
    assert dossier.status == Status.RESULT_READY and dossier.outcome == "granted"
    dossier = _do(world, dossier, "deliver")
    assert dossier.status == Status.DELIVERED and dossier.finished_at is not None
    actions = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert actions == ["submit", "receive", "hand_over", "approve", "sign", "deliver"]
    assert AuditRecord.objects.filter(object_type="dossier", object_id=str(dossier.pk)).count() == 6
    assert Message.objects.filter(template="dossier_result_ready", user=world["citizen"]).exists()


# A dossier put in a state where each action applies (test set-up, not a transition).
READY = {
    "receive": (Status.SUBMITTED, ""),
    "request_supplement": (Status.RECEIVED, ""),
    "refuse": (Status.SUBMITTED, ""),
    "hand_over": (Status.RECEIVED, ""),
    "approve": (Status.PROCESSING, Stage.ASSIGNED),
    "refuse_after_processing": (Status.PROCESSING, Stage.ASSIGNED),
    "sign": (Status.PROCESSING, Stage.AWAITING_SIGNATURE),
    "deliver": (Status.RESULT_READY, ""),
    "confirm_withdrawal": (Status.WITHDRAWAL_REQUESTED, ""),
    "supplement_at_counter": (Status.SUPPLEMENT, ""),
    "decline_withdrawal": (Status.WITHDRAWAL_REQUESTED, ""),
    "stop": (Status.PROCESSING, Stage.ASSIGNED),
    "apologise": (Status.PROCESSING, Stage.ASSIGNED),
}
ARGS = {
    "request_supplement": {"items": [{"vi": "Bản sao giấy ly hôn"}]},
    "refuse": {"note": "Không thuộc thẩm quyền"},
    "refuse_after_processing": {"note": "Không đủ điều kiện"},
    "confirm_withdrawal": {"note": "Theo đề nghị"},
    "stop": {"note": "Người dân đã mất"},
    "decline_withdrawal": {"note": "Hồ sơ đã trình ký"},
}


@pytest.mark.parametrize("action", sorted(READY))
def test_each_official_transition_is_allowed_only_to_the_roles_that_grant_it(world, action):
    transition = TRANSITIONS[action]
    for role, official in world["officials"].items():
        dossier = _submit(world, key=f"{action}-{role}")
        if READY[action][0] != Status.SUBMITTED:
            dossier = _do(world, dossier, "receive")
        Dossier.objects.filter(pk=dossier.pk).update(status=READY[action][0], stage=READY[action][1])
        args = dict(ARGS.get(action, {}))
        if action == "hand_over":
            args["to_person"] = world["officials"]["processor"]
        if action == "apologise":
            args.update(note="Chờ xác minh", new_due_at=dossier.current_due_at + timedelta(days=20))
        granted = transition.permission in DEFAULT_ROLES[role][2]
        if granted:
            dossier_transition(actor=official, dossier=dossier, action=action, **args)
        else:
            with pytest.raises(PermissionDenied):
                dossier_transition(actor=official, dossier=dossier, action=action, **args)
        # Another agency's receiver never acts on it.
        if role == "receiver":
            with pytest.raises((PermissionDenied, Conflict)):
                dossier_transition(actor=world["stranger"], dossier=dossier, action=action, **args)


def test_illegal_transitions_are_a_clear_conflict(world):
    dossier = _submit(world)
    with pytest.raises(Conflict) as refused:
        _do(world, dossier, "deliver")
    assert "Không thể “Trả kết quả”" in refused.value.message_vi
    dossier = _do(world, dossier, "receive")
    with pytest.raises(Conflict):
        _do(world, dossier, "receive")  # twice


def test_a_second_supplement_request_marks_the_dossier_late_and_the_clock_pauses(world, monkeypatch):
    import motcua.dossiers.services as services

    clock = [datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ)]  # Thursday
    monkeypatch.setattr(services, "now", lambda: clock[0])
    dossier = _do(world, _submit(world), "receive")
    original = dossier.due_at  # 3 working days: Wednesday 25 (Tuesday 24 is Culture Day)
    assert original == datetime(2026, 11, 25, 8, 0, tzinfo=VN_TZ)
    clock[0] = datetime(2026, 11, 19, 10, 0, tzinfo=VN_TZ)
    dossier = _do(world, dossier, "request_supplement", items=[{"vi": "Giấy xác nhận cư trú"}])
    assert dossier.status == Status.SUPPLEMENT and not dossier.counts_as_late
    clock[0] = datetime(2026, 11, 20, 10, 0, tzinfo=VN_TZ)  # supplemented a working day later
    dossier = dossier_transition(
        actor=world["citizen"], dossier=dossier, action="supplement", data={"purpose.note": "đã bổ sung"}
    )
    assert dossier.status == Status.RECEIVED and dossier.stage == Stage.SUPPLEMENTED
    assert dossier.paused_hours == 8 and dossier.due_at == original
    assert dossier.current_due_at == datetime(2026, 11, 26, 8, 0, tzinfo=VN_TZ)
    dossier = _do(world, dossier, "request_supplement", items=[{"vi": "Ảnh chân dung"}])
    assert dossier.counts_as_late and dossier.supplement_requests == 2


def test_a_supplement_request_lists_something(world):
    dossier = _do(world, _submit(world), "receive")
    with pytest.raises(ValidationError):
        _do(world, dossier, "request_supplement", items=[{"vi": "  "}])


def test_an_apology_moves_the_date_but_statistics_keep_the_original(world, monkeypatch):
    import motcua.dossiers.services as services

    clock = [datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ)]
    monkeypatch.setattr(services, "now", lambda: clock[0])
    dossier = _do(world, _submit(world), "receive")
    original = dossier.due_at
    later = original + timedelta(days=7)
    with pytest.raises(ValidationError):
        _do(
            world,
            dossier,
            "apologise",
            role="head",
            note="Chờ xác minh",
            new_due_at=original - timedelta(hours=1),
        )
    with pytest.raises(ValidationError) as far:  # a date nobody can plan for locks the dossier's clock
        _do(
            world,
            dossier,
            "apologise",
            role="head",
            note="x",
            new_due_at=datetime(9999, 12, 31, tzinfo=VN_TZ),
        )
    assert "quá một năm" in far.value.message_vi
    dossier = _do(
        world, dossier, "apologise", role="head", note="Chờ xác minh nơi cư trú trước đây", new_due_at=later
    )
    assert dossier.due_at == original and dossier.current_due_at == later
    assert Message.objects.filter(template="dossier_apology", user=world["citizen"]).exists()
    clock[0] = later + timedelta(hours=1)
    with pytest.raises(Conflict):  # too late to apologise
        _do(world, dossier, "apologise", role="head", note="again", new_due_at=later + timedelta(days=3))


def test_withdrawal_is_asked_by_the_applicant_confirmed_by_an_official_and_not_after_the_result(world):
    dossier = _do(world, _submit(world), "receive")
    with pytest.raises(PermissionDenied):
        _do(world, dossier, "request_withdrawal")  # an official cannot ask for the applicant
    dossier = dossier_transition(actor=world["citizen"], dossier=dossier, action="request_withdrawal")
    assert dossier.status == Status.WITHDRAWAL_REQUESTED
    dossier = _do(world, dossier, "confirm_withdrawal", note="Theo đơn xin rút")
    assert dossier.status == Status.STOPPED
    done = _submit(world, key="k2")
    Dossier.objects.filter(pk=done.pk).update(status=Status.RESULT_READY)
    with pytest.raises(Conflict):
        dossier_transition(actor=world["citizen"], dossier=done, action="request_withdrawal")


def test_a_rolled_back_transition_leaves_nothing_behind(world):
    from django_tasks_db.models import DBTaskResult

    from motcua.audit.selectors import audit_chain_verify

    dossier = _submit(world)

    def counts():
        return [m.objects.count() for m in (Message, DossierEvent, DBTaskResult, AuditRecord)]

    before = counts()
    with pytest.raises(RuntimeError), transaction.atomic():
        _do(world, dossier, "receive")
        raise RuntimeError("the request failed after the transition")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.code is None
    assert counts() == before  # no notice, no delivery task, no event, no audit record
    assert _do(world, dossier, "receive").code.endswith("-0001")  # the counter rolled back too
    assert audit_chain_verify().ok


def test_codes_count_per_receiving_agency_and_day(world):
    version, unit = world["version"], world["unit"]
    codes = [
        dossier_receive_at_counter(
            official=world["officials"]["receiver"],
            agency=agency,
            version=version,
            case_key="standard",
            applicant_name="Trần Thị Bình",
            applicant_personal_id="079190123457",
            data=_data(world),
            documents={},
            unit=unit,
        ).code
        for agency in (world["centre"], world["centre"], world["centre"])
    ]
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]
    other = dossier_receive_at_counter(
        official=world["stranger"],
        agency=world["other"],
        version=version,
        case_key="standard",
        applicant_name="Lê Văn Cường",
        applicant_personal_id="079090123458",
        data=_data(world),
        documents={},
        unit=unit,  # received at Sài Gòn for a Bến Thành resident: boundary-free
    )
    assert other.code.startswith(world["other"].electronic_id) and other.code.endswith("-0001")
    assert other.receiving_agency == world["other"] and other.competent_agency.unit == unit


def test_my_dossiers_shows_the_status_in_plain_words(client, world):
    dossier = _do(world, _submit(world), "receive")
    client.force_login(world["citizen"])
    html = client.get("/tai-khoan/ho-so").content.decode()
    assert dossier.code in html and "Đã tiếp nhận" in html


def test_the_public_look_up_needs_the_second_factor_and_is_rate_limited(client, world):
    dossier = _do(world, _submit(world), "receive")
    html = client.get("/tra-cuu-ho-so", {"ma": dossier.code, "xac-thuc": "3456"}).content.decode()
    assert "Đã tiếp nhận" in html and "Tiếp nhận" in html and "Nguyễn Văn An" not in html
    html = client.get("/tra-cuu-ho-so", {"ma": dossier.code, "xac-thuc": "0000"}).content.decode()
    assert "Không có hồ sơ nào khớp" in html and "Đã tiếp nhận" not in html
    html = client.get("/tra-cuu-ho-so", {"ma": dossier.code, "xac-thuc": "0912345678"}).content.decode()
    assert "Đã tiếp nhận" in html  # the phone works too
    for _ in range(17):
        client.get("/tra-cuu-ho-so", {"ma": "X", "xac-thuc": "1111"})
    assert client.get("/tra-cuu-ho-so", {"ma": dossier.code, "xac-thuc": "3456"}).status_code == 429


def test_the_applicant_supplies_exactly_what_was_asked_and_may_withdraw(client, world):
    dossier = _do(world, _submit(world), "receive")
    _do(
        world,
        dossier,
        "request_supplement",
        items=[{"vi": "Nơi cư trú trước năm 2020"}, {"vi": "Số điện thoại"}],
    )
    client.force_login(world["citizen"])
    page = client.get(f"/tai-khoan/ho-so/{dossier.pk}").content.decode()
    assert "Nơi cư trú trước năm 2020" in page and "Bạn cần bổ sung" in page
    html = client.post(
        f"/tai-khoan/ho-so/{dossier.pk}", {"action": "supplement"}, follow=True
    ).content.decode()
    assert "Hãy trả lời các mục" in html
    client.post(
        f"/tai-khoan/ho-so/{dossier.pk}", {"action": "supplement", "item-0": "12 Lê Lợi, Phường Bến Thành"}
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.data["supplement.0"] == "12 Lê Lợi, Phường Bến Thành"
    client.post(f"/tai-khoan/ho-so/{dossier.pk}", {"action": "withdraw", "note": "Không cần nữa"})
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWAL_REQUESTED
    other = world["stranger"]
    client.force_login(other)
    assert client.get(f"/tai-khoan/ho-so/{dossier.pk}").status_code == 404


def test_notices_go_by_app_sms_and_email_when_the_applicant_has_them(world):
    world["citizen"].email = "an@example.vn"
    world["citizen"].save()
    dossier = _do(world, _submit(world), "receive")
    channels = set(Message.objects.filter(template="dossier_received").values_list("channel", "to"))
    assert channels == {("in_app", "079090123456"), ("sms", "0912345678"), ("email", "an@example.vn")}
    for message in Message.objects.filter(template="dossier_received"):  # the same words, in Vietnamese
        assert message.subject == f"motcua: hồ sơ {dossier.code} đã được tiếp nhận"
        assert f"đã được tiếp nhận với mã {dossier.code}" in message.body


def test_a_supplement_brought_back_after_hours_does_not_move_the_due_date(world, monkeypatch):
    import motcua.dossiers.services as services

    monkeypatch.setattr(services, "now", lambda: datetime(2026, 11, 19, 20, 0, tzinfo=VN_TZ))  # after hours
    dossier = _do(world, _submit(world), "receive")
    due = dossier.current_due_at
    assert due == datetime(2026, 11, 25, 17, 0, tzinfo=VN_TZ)  # a closing time (24/11 is a holiday)
    dossier = _do(world, dossier, "request_supplement", items=[{"vi": "Ảnh chân dung"}])
    dossier = _do(world, dossier, "supplement_at_counter", note="Đã nhận")
    assert dossier.current_due_at == due and dossier.status == Status.RECEIVED


def test_statistics_forgive_the_applicants_wait_but_not_a_second_guidance(world, monkeypatch):
    import motcua.dossiers.services as services

    clock = [datetime(2026, 11, 19, 8, 0, tzinfo=VN_TZ)]
    monkeypatch.setattr(services, "now", lambda: clock[0])
    dossier = _do(world, _submit(world), "receive")  # due Wednesday 25, 08:00
    dossier = _do(world, dossier, "request_supplement", items=[{"vi": "Ảnh"}])
    clock[0] = datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ)  # two weeks waiting for the applicant
    dossier = dossier_transition(actor=world["citizen"], dossier=dossier, action="supplement", data={})
    dossier = _do(world, dossier, "hand_over", to_person=world["officials"]["head"])
    dossier = _do(world, dossier, "approve", role="head")
    dossier = _do(world, dossier, "sign", role="signer", data=E_RESULT)
    sign = DossierEvent.objects.get(dossier=dossier, action="sign")
    assert sign.payload["timeliness"] == "early"  # the wait is the applicant's, not the agency's
    other = _do(world, _submit(world, key="k2"), "receive")
    for _ in range(2):
        other = _do(world, other, "request_supplement", items=[{"vi": "Ảnh"}])
        other = dossier_transition(actor=world["citizen"], dossier=other, action="supplement", data={})
    other = _do(world, other, "hand_over", to_person=world["officials"]["head"])
    other = _do(world, other, "approve", role="head")
    other = _do(world, other, "sign", role="signer", data=E_RESULT)
    assert DossierEvent.objects.get(dossier=other, action="sign").payload["timeliness"] == "late"


def test_a_withdrawal_request_can_be_declined_and_processing_goes_on(world):
    dossier = _do(world, _submit(world), "receive")
    dossier = dossier_transition(actor=world["citizen"], dossier=dossier, action="request_withdrawal")
    with pytest.raises(ValidationError):
        _do(world, dossier, "decline_withdrawal")  # a reason is needed
    dossier = _do(world, dossier, "decline_withdrawal", note="Kết quả đã được ký")
    assert dossier.status == Status.RECEIVED and "_before_withdrawal" not in dossier.data


def test_a_dossier_is_handed_only_to_someone_who_works_on_dossiers_there(world, django_user_model):
    dossier = _do(world, _submit(world), "receive")
    with pytest.raises(ValidationError) as refused:
        _do(world, dossier, "hand_over", to_person=world["officials"]["catalogue_admin"])
    assert refused.value.code == "to_person"
    with pytest.raises(ValidationError):
        _do(world, dossier, "hand_over", to_person=world["stranger"])  # another ward's receiver
    with pytest.raises(ValidationError):
        _do(world, dossier, "hand_over", to_person=world["citizen"])


def test_the_applicant_sends_a_scan_with_the_supplement(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.dossiers.models import DossierFile
    from motcua.dossiers.tests.test_apply import pdf

    dossier = _do(world, _submit(world), "receive")
    _do(world, dossier, "request_supplement", items=[{"vi": "Giấy xác nhận cư trú"}])
    client.force_login(world["citizen"])
    fake = SimpleUploadedFile("giay.pdf", b"<html>not a scan</html>")
    html = client.post(
        f"/tai-khoan/ho-so/{dossier.pk}", {"action": "supplement", "scan": fake}, follow=True
    ).content.decode()
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in html
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT and not DossierFile.objects.exists()
    scan = SimpleUploadedFile("giay.pdf", pdf())
    client.post(f"/tai-khoan/ho-so/{dossier.pk}", {"action": "supplement", "scan": scan})
    dossier.refresh_from_db()
    upload = DossierFile.objects.get()
    assert dossier.status == Status.RECEIVED and dossier.data["supplement.file"] == upload.pk
    assert upload.dossier == dossier and upload.document_key == "supplement"


def test_a_hand_over_starts_the_step_of_the_person_who_takes_it(world):
    """Receiver → processor starts verification; the head reviews within it (no step of theirs);
    approval starts the signature; a colleague taking the dossier over stays in the same step."""
    from motcua.core.time import now
    from motcua.dossiers.control import control_steps

    dossier = _do(world, _submit(world), "receive")
    assert dossier.step_key == "receive"
    officials = world["officials"]
    dossier = _do(world, dossier, "hand_over", to_person=officials["processor"])
    assert dossier.step_key == "verify"
    verify_due = dossier.step_due_at
    dossier = _do(world, dossier, "hand_over", role="processor", to_person=officials["head"])
    assert dossier.step_key == "verify" and dossier.step_due_at == verify_due
    assert dossier.assignee == officials["head"]
    event = dossier.events.order_by("-id").first()
    assert event.payload["within_step"] is True and "closed_step" not in event.payload
    dossier = _do(world, dossier, "approve", role="head")
    assert dossier.step_key == "sign"
    steps = {s.key: s for s in control_steps(dossier, dossier.events.all(), now_at=now())}
    assert steps["verify"].receiver == f"{officials['processor'].full_name}, {officials['head'].full_name}"
    assert steps["verify"].outcome in ("early", "on_time") and steps["sign"].result == "open"


def test_the_centre_that_only_received_a_dossier_keeps_reception_and_delivery_not_processing(world):
    """Any centre receives (no boundaries); once the deciding ward handles the dossier, the receiving
    centre can no longer reassign, stop or decide it — but it hands the result back at its counter."""
    stranger, officials = world["stranger"], world["officials"]
    dossier = _submit(world, receiving_agency=world["other"])
    dossier = dossier_transition(actor=stranger, dossier=dossier, action="receive")
    dossier = dossier_transition(
        actor=stranger, dossier=dossier, action="hand_over", to_person=officials["processor"]
    )
    for action, kwargs in (
        ("hand_over", {"to_person": officials["signer"]}),
        ("stop", {"note": "x"}),
        ("request_supplement", {"items": [{"vi": "Bản sao"}]}),
    ):
        with pytest.raises(PermissionDenied) as refused:
            dossier_transition(actor=stranger, dossier=dossier, action=action, **kwargs)
        assert refused.value.code == "not_handling_agency"
    dossier = _do(world, dossier, "hand_over", role="processor", to_person=officials["head"])
    dossier = _do(world, dossier, "approve", role="head")
    dossier = _do(world, dossier, "sign", role="signer", data=E_RESULT)
    dossier = dossier_transition(
        actor=stranger, dossier=dossier, action="deliver", data={"method": "counter"}
    )
    assert dossier.status == Status.DELIVERED
