"""The bookkeeping of each transition ("what receiving, a hand-over, an apology… does besides
moving the state"): ``services.dossier_transition`` looks the action up in ``HANDLERS`` and calls it
inside its transaction, with the dossier locked. A handler changes the dossier in memory, raises a
``ValidationError`` or ``Conflict`` a person can act on, and returns what the event's payload keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from motcua.core.errors import Conflict, ValidationError
from motcua.core.time import to_local
from motcua.dossiers.clock import (
    calendar_for,
    dossier_timeliness,
    resume,
    start_clock,
    working_minutes_taken,
)
from motcua.dossiers.codes import dossier_code_next
from motcua.dossiers.models import Dossier, Stage, Status
from motcua.dossiers.steps import (
    step_close,
    step_for_hand_over,
    step_for_transition,
    step_move_on,
    step_open_first,
)
from motcua.places.models import Agency


def _require(value: str, vi: str, en: str, field: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError(vi, en, code=f"{field}_required", field=field)
    return value[:2000]


def _on_receive(dossier: Dossier, *, at: datetime, actor: Any, **_: Any) -> dict:
    if dossier.receiving_agency_id is None:
        dossier.receiving_agency = dossier.current_agency
    if dossier.stage == Stage.SUPPLEMENTED and dossier.received_at is not None:
        return {}
    start_clock(dossier, at=at)
    step_open_first(dossier, at=at)
    dossier.code = dossier_code_next(agency=dossier.receiving_agency, day=to_local(at).date())
    return {"code": dossier.code}


def _on_request_supplement(dossier: Dossier, *, at: datetime, note: str, items: Any, **_: Any) -> dict:
    listed = [
        {"vi": vi[:500], "en": " ".join(str(i.get("en") or vi).split())[:500]}
        for i in (items or [])
        if isinstance(i, dict) and (vi := " ".join(str(i.get("vi") or "").split()))
    ]
    if not listed:
        raise ValidationError(
            "Hãy liệt kê một lần đầy đủ mọi thành phần cần bổ sung.",
            "List everything to supplement, all at once.",
            code="items_required",
            field="items",
        )
    dossier.supplement_requests += 1
    if dossier.supplement_requests > 1:
        dossier.counts_as_late = True  # domain.md §4: guide once
    dossier.data = {**dossier.data, "_before_supplement": dossier.status}
    return {"missing": listed, "note": note}


def _on_supplement(dossier: Dossier, *, at: datetime, data: Any, **_: Any) -> dict:
    before = dossier.data.get(
        "_before_supplement", Status.RECEIVED if dossier.received_at else Status.SUBMITTED
    )
    merged = {k: v for k, v in dossier.data.items() if k != "_before_supplement"}
    merged.update(data or {})
    dossier.data = merged
    paused_before = dossier.paused_hours
    resume(dossier, at=at)
    waited = dossier.paused_hours - paused_before
    if dossier.step_due_at is not None and waited > 0:  # the step in hand waited with the dossier
        dossier.step_due_at = calendar_for(dossier).add_working_hours(dossier.step_due_at, waited)
    dossier.status = before  # the table keeps the status; this puts back the one before the request
    return {"fields": sorted((data or {}).keys())}


def _on_refuse(dossier: Dossier, *, note: str, **_: Any) -> dict:
    reason = _require(note, "Hãy ghi lý do từ chối.", "Write the reason for refusing.", "note")
    return {"reason": reason}


def _on_hand_over(dossier: Dossier, *, at: datetime, to_person: Any, to_agency: Any, **_: Any) -> dict:
    if to_person is None:
        raise ValidationError(
            "Hãy chọn người nhận xử lý.",
            "Choose who takes the dossier over.",
            code="to_person",
            field="to_person",
        )
    if to_agency is not None and to_agency.pk not in (dossier.current_agency_id, dossier.competent_agency_id):
        raise ValidationError(
            "Chỉ chuyển trong cơ quan đang xử lý hoặc sang cơ quan có thẩm quyền giải quyết hồ sơ.",
            "Hand over within the agency handling the dossier or to the agency that decides it.",
            code="to_agency",
            field="to_person",
        )
    roles = _handling_roles(to_person, to_agency or dossier.current_agency)
    if not roles:
        raise ValidationError(
            "Người nhận không có vai trò xử lý hồ sơ tại cơ quan này.",
            "The person has no role that handles dossiers in this agency.",
            code="to_person",
            field="to_person",
        )
    step = step_for_hand_over(dossier, roles)
    dossier.assignee = to_person
    if to_agency is not None:
        dossier.current_agency = to_agency
    if step is None:  # a colleague takes it over within the step in hand, on the same budget
        return {"step": dossier.step_key, "within_step": True}
    return {"step": step["key"], **step_move_on(dossier, step, at=at)}


def _handling_roles(person: Any, agency: Agency | None) -> set[str]:
    """The keys of the roles ``person`` holds today in ``agency`` that handle dossiers (one query)."""
    from motcua.accounts.selectors import memberships_in_force
    from motcua.core.time import today

    if agency is None:
        return set()
    handling = {"dossier.process", "dossier.approve", "dossier.sign", "dossier.hand_over"}
    roles = (
        memberships_in_force(person, on=today())
        .filter(agency=agency)
        .values_list("role__key", "role__permissions")
    )
    return {key for key, permissions in roles if handling & set(permissions or [])}


def _on_approve(dossier: Dossier, *, at: datetime, **_: Any) -> dict:
    dossier.outcome = "granted"
    return step_move_on(dossier, step_for_transition(dossier, "signer"), at=at)


def _on_refuse_after_processing(dossier: Dossier, *, at: datetime, note: str, **_: Any) -> dict:
    reason = _require(note, "Hãy ghi lý do không giải quyết.", "Write why it is not granted.", "note")
    dossier.outcome = "refused"
    return {"reason": reason, **step_move_on(dossier, step_for_transition(dossier, "signer"), at=at)}


def _on_sign(dossier: Dossier, *, at: datetime, data: Any, **_: Any) -> dict:
    """Signing ends processing: the result desk's step starts, or the step in hand simply ends. When
    the results app signed an electronic result for it, ``data["result"]`` says which (its code)."""
    if result_signature_required(dossier) and not (data or {}).get("result"):
        raise Conflict(
            "Kết quả này phải được ký số: hãy ký trên trang ký kết quả.",
            "This result must be signed digitally: sign it on the result's signing page.",
            code="e_result_required",
        )
    dossier.finished_at = at
    result = (data or {}).get("result") or {}
    if result:
        dossier.e_result_code = str(result["code"])[:20]
    result_desk = step_for_transition(dossier, "result_desk")
    closed = step_move_on(dossier, result_desk, at=at) if result_desk else step_close(dossier, at=at)
    signed = {"result": {k: result[k] for k in ("code", "number", "sha256") if k in result}} if result else {}
    return {
        "outcome": dossier.outcome,
        "timeliness": dossier_timeliness(dossier, at),
        "working_minutes": working_minutes_taken(dossier, at),
        # What the service index counts about this result, as it stands when it is signed.
        "index": index_flags(dossier),
        **signed,
        **closed,
    }


def index_flags(dossier: Dossier) -> dict[str, bool]:
    """The digitisation and reuse flags of domain.md §9 group 4, as the sign event records them."""
    from motcua.dossiers.selectors import dossier_digitisation

    flags = dossier_digitisation(dossier)
    return {key: flags[key] for key in ("digitised", "reuses_data", "store_linked", "population_data")}


def result_signature_required(dossier: Dossier) -> bool:
    """Whether granting this dossier issues a digitally signed electronic result (the procedure says
    so and the outcome is a grant) — the results app signs it; a refusal is signed as before."""
    definition = dossier.procedure_version.data.get("result") or {}
    return dossier.outcome == "granted" and bool(definition.get("signed"))


DELIVERY_METHODS = {"counter": "tại quầy", "post": "qua dịch vụ bưu chính", "online": "trực tuyến"}


def _on_deliver(dossier: Dossier, *, at: datetime, data: Any, **_: Any) -> dict:
    """Handing the result over — at a counter, by post or online (domain.md §3) — ends the last step."""
    method = (data or {}).get("method") or "counter"
    if method not in DELIVERY_METHODS:
        raise ValidationError(
            "Hãy chọn cách trả kết quả: tại quầy, qua bưu chính hoặc trực tuyến.",
            "Choose how the result is handed over: at a counter, by post or online.",
            code="delivery_method",
            field="method",
        )
    copies = (data or {}).get("paper_copies")
    paper = {"paper_copies": copies} if isinstance(copies, int) and 0 < copies < 100 else {}
    return {"method": method, **paper, **step_close(dossier, at=at)}


def _on_request_withdrawal(dossier: Dossier, *, note: str, at: datetime, **_: Any) -> dict:
    dossier.data = {**dossier.data, "_before_withdrawal": dossier.status}
    return {"reason": " ".join((note or "").split())[:2000]}


def _on_decline_withdrawal(dossier: Dossier, *, note: str, **_: Any) -> dict:
    reason = _require(
        note, "Hãy ghi lý do không chấp nhận rút hồ sơ.", "Write why the withdrawal is declined.", "note"
    )
    dossier.status = dossier.data.get("_before_withdrawal", Status.RECEIVED)
    dossier.data = {k: v for k, v in dossier.data.items() if k != "_before_withdrawal"}
    return {"reason": reason}


def _on_stop(dossier: Dossier, *, note: str, **_: Any) -> dict:
    return {"reason": _require(note, "Hãy ghi lý do dừng xử lý.", "Write why processing stops.", "note")}


APOLOGY_AT_MOST = timedelta(days=366)  # a new appointment within a year of the one it replaces


def _on_apologise(dossier: Dossier, *, at: datetime, note: str, new_due_at: Any, **_: Any) -> dict:
    reason = _require(note, "Hãy ghi lý do trễ hạn.", "Write why the dossier is late.", "note")
    if dossier.current_due_at is not None and at > dossier.current_due_at:
        raise Conflict(
            "Thư xin lỗi phải gửi trước ngày hẹn trả.",
            "The apology must be sent before the due date.",
            code="apology_too_late",
        )
    if new_due_at is None or (dossier.current_due_at is not None and new_due_at <= dossier.current_due_at):
        raise ValidationError(
            "Ngày hẹn mới phải sau ngày hẹn hiện tại.",
            "The new date must be after the current due date.",
            code="new_due_at",
            field="new_due_at",
        )
    if new_due_at > (dossier.current_due_at or at) + APOLOGY_AT_MOST:
        raise ValidationError(
            "Ngày hẹn mới không được quá một năm sau ngày hẹn hiện tại.",
            "The new date cannot be more than a year after the current due date.",
            code="new_due_at",
            field="new_due_at",
        )
    previous = dossier.current_due_at
    dossier.current_due_at = new_due_at  # due_at (the original) stays for the statistics
    return {"reason": reason, "previous_due_at": previous.isoformat() if previous else None}


HANDLERS: dict[str, Callable[..., dict[str, Any]]] = {
    "receive": _on_receive,
    "request_supplement": _on_request_supplement,
    "supplement": _on_supplement,
    "supplement_at_counter": _on_supplement,
    "refuse": _on_refuse,
    "hand_over": _on_hand_over,
    "approve": _on_approve,
    "refuse_after_processing": _on_refuse_after_processing,
    "sign": _on_sign,
    "deliver": _on_deliver,
    "request_withdrawal": _on_request_withdrawal,
    "decline_withdrawal": _on_decline_withdrawal,
    "confirm_withdrawal": _on_stop,
    "stop": _on_stop,
    "apologise": _on_apologise,
}
