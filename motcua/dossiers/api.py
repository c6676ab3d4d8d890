"""Dossier endpoints: following a dossier; the officials' queues and actions; the public look-up
(applying is in ``apply_api``).

Thin by rule: parse, call the same services and selectors the pages call, shape the answer. The
session cookie authenticates (an e-ID session for applicants, a password + second-factor session for
officials), so unsafe methods need the CSRF token in ``X-CSRFToken`` like any form of the site.
"""

from __future__ import annotations

import base64
from datetime import date, datetime, time
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.security import SessionAuth

from motcua.accounts.middleware import backoffice_session_fresh
from motcua.accounts.permissions import authorize
from motcua.core.errors import NotFound, PermissionDenied, RateLimited, ValidationError
from motcua.core.http import client_ip
from motcua.core.time import VN_TZ, now, today
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.selectors import (
    QUEUES,
    desk_queue,
    dossier_actions_for,
    dossier_by_key,
    dossier_public_lookup_limited,
    dossiers_of_applicant,
)
from motcua.dossiers.services import dossier_transition
from motcua.dossiers.states import APPLICANT_NOTES, TRANSITIONS, action_label
from motcua.places.models import Agency


class SiteSession(SessionAuth):
    """The site's session; an official's session ends after the back office's idle time here too."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if getattr(user, "is_verified", lambda: False)() and not backoffice_session_fresh(request):
            return None
        return user


router = Router(auth=SiteSession())

DOSSIER_KEY = Path(
    ...,
    pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]{3,39}$",
    description="The dossier code (`000.00.19.H47-260105-0001`) or, before reception, its `TN-…` reference.",
)
PAGE = 50


# --- shapes -------------------------------------------------------------------------------------


class AgencyOut(Schema):
    electronic_id: str
    name: str


class DossierItem(Schema):
    code: str | None = Field(description="Given at reception: `<receiving agency>-YYMMDD-NNNN`.")
    reference: str = Field(description="Known from submission on; the code replaces it at reception.")
    procedure_code: str
    procedure_name_vi: str
    procedure_name_en: str
    status: int = Field(description="The national status code, 1–10.")
    status_label_vi: str
    status_label_en: str
    stage: str = Field(description="The internal sub-state, empty when none.")
    channel: int = Field(description="1 at a counter, 2 online, 3 by post.")
    applicant_name: str
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None = Field(description="The original due time; statistics keep it.")
    current_due_at: datetime | None = Field(description="After pauses and an apology.")
    finished_at: datetime | None
    outcome: str


class EventOut(Schema):
    action: str
    label_vi: str
    label_en: str
    at: datetime
    from_status: int | None
    to_status: int
    step_key: str
    step_due_at: datetime | None
    note: str
    missing: list[dict[str, str]] = Field(description="What a supplement request asked for.")


class DossierOut(DossierItem):
    receiving_agency: AgencyOut | None
    competent_agency: AgencyOut
    current_agency: AgencyOut | None
    counts_as_late: bool
    supplement_requests: int
    data: dict[str, Any] = Field(description="The form as submitted (and supplemented).")
    events: list[EventOut] = Field(description="The timeline: the rows of the control slip (form 06).")
    actions: list[str] = Field(description="What the caller may do to the dossier now.")


class DossierPage(Schema):
    items: list[DossierItem]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page.")


class ListFilters(Schema):
    queue: Literal[QUEUES] | None = Field(  # type: ignore[valid-type]
        None, description="An official's desk queue; without it, the caller's own dossiers."
    )
    q: str | None = Field(None, max_length=60, description="In a queue: a code, a number or a name.")
    cursor: str | None = Field(None, max_length=40)


class SupplementItem(Schema):
    vi: str = Field(..., min_length=1, max_length=500)
    en: str = Field("", max_length=500)


class ActionIn(Schema):
    action: Literal[tuple(TRANSITIONS)]  # type: ignore[valid-type]
    note: str = Field("", max_length=2000, description="The reason, where the action needs one.")
    to_person_id: int | None = Field(
        None, ge=1, le=2**53, description="hand_over: who takes the dossier over."
    )
    to_agency_id: int | None = Field(
        None, ge=1, le=2**53, description="hand_over: the deciding agency, when the person works there."
    )
    method: Literal["counter", "post", "online"] = Field(
        "counter", description="deliver: at a counter, by post, or online."
    )
    new_due_on: date | None = Field(None, description="apologise: the new appointment date.")
    items: list[SupplementItem] = Field(
        default_factory=list, max_length=30, description="request_supplement: everything missing."
    )
    answers: list[str] = Field(
        default_factory=list, max_length=30, description="supplement: one answer per item asked."
    )


class LookupEvent(Schema):
    label_vi: str
    label_en: str
    at: datetime


class LookupOut(Schema):
    code: str
    procedure_name_vi: str
    procedure_name_en: str
    status: int
    status_label_vi: str
    status_label_en: str
    received_at: datetime | None
    current_due_at: datetime | None
    events: list[LookupEvent]


# --- following dossiers ---------------------------------------------------------------------------


def _status_labels(status: int) -> tuple[str, str]:
    from django.utils import translation

    label = Status(status).label
    with translation.override("vi"):
        vi = str(label)
    with translation.override("en"):
        en = str(label)
    return vi, en


def _item(dossier: Dossier) -> dict[str, Any]:
    vi, en = _status_labels(dossier.status)
    return {
        "code": dossier.code,
        "reference": dossier.reference,
        "procedure_code": dossier.procedure_code,
        "procedure_name_vi": dossier.procedure_version.name_vi,
        "procedure_name_en": dossier.procedure_version.name_en,
        "status": dossier.status,
        "status_label_vi": vi,
        "status_label_en": en,
        "stage": dossier.stage,
        "channel": dossier.channel,
        "applicant_name": dossier.applicant_name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "current_due_at": dossier.current_due_at,
        "finished_at": dossier.finished_at,
        "outcome": dossier.outcome,
    }


def _agency(agency: Any) -> dict[str, str] | None:
    return {"electronic_id": agency.electronic_id, "name": agency.name} if agency else None


def dossier_out(dossier: Dossier, user: Any, *, official: bool) -> dict[str, Any]:
    events = [
        {
            "action": e.action,
            "label_vi": action_label(e.action),
            "label_en": action_label(e.action, english=True),
            "at": e.at,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "step_key": e.step_key,
            "step_due_at": e.step_due_at,
            "note": e.note if official or e.action in APPLICANT_NOTES else "",
            "missing": e.payload.get("missing", []) if e.action == "request_supplement" else [],
        }
        for e in dossier.events.all()
    ]
    return {
        **_out_of_reach(dossier),
        "data": {k: v for k, v in dossier.data.items() if not k.startswith("_")},
        "events": events,
        "actions": dossier_actions_for(user, dossier, official=official),
    }


def dossier_for(user: Any, key: str) -> tuple[Dossier, bool]:
    """The dossier, and whether the caller sees it as an official; one they may not see is not there."""
    dossier = dossier_by_key(key=key)
    if dossier is not None:
        try:
            authorize(user, "dossier.view_own", dossier)
            return dossier, False
        except PermissionDenied:
            pass
        try:
            authorize(user, "dossier.view", dossier)
            return dossier, True
        except PermissionDenied:
            pass
    raise NotFound("Không có hồ sơ này.", "There is no such dossier.", code="dossier_not_found")


def _decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError):
        value = 0
    if value <= 0:
        raise ValidationError(
            "Con trỏ phân trang không hợp lệ.",
            "The pagination cursor is not valid.",
            code="invalid_cursor",
            field="cursor",
        )
    return value


def _encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


@router.get("", response=DossierPage, summary="The caller's dossiers, or one of an official's queues")
def list_dossiers(request: HttpRequest, filters: Query[ListFilters]):
    """Newest first, keyset-paginated (no total count). With `queue`, an official's desk queue over the
    agencies where they may view dossiers; without it, the dossiers the caller applied for."""
    before = _decode_cursor(filters.cursor)
    user = request.user
    if filters.queue:
        if not getattr(user, "is_verified", lambda: False)():
            raise PermissionDenied(
                "Hàng đợi chỉ dành cho cán bộ đã đăng nhập văn phòng với mã xác thực hai bước.",
                "Queues are for officials signed in to the back office with the two-step code.",
                code="permission_denied",
            )
        rows = desk_queue(
            official=user,
            queue=filters.queue,
            on=today(),
            now_at=now(),
            search=filters.q or "",
            before=before,
        )
    else:
        own = dossiers_of_applicant(user)
        rows = list((own.filter(pk__lt=before) if before else own)[:PAGE])
    return {
        "items": [_item(d) for d in rows],
        "next_cursor": _encode_cursor(rows[-1].pk) if len(rows) == PAGE else None,
    }


@router.get("/{key}", response=DossierOut, summary="One dossier: status, dates, timeline, what may be done")
def get_dossier(request: HttpRequest, key: str = DOSSIER_KEY):
    dossier, official = dossier_for(request.user, key)
    return dossier_out(dossier, request.user, official=official)


@router.post(
    "/{key}/actions", response=DossierOut, summary="Act on a dossier (a transition of its lifecycle)"
)
def act_on_dossier(request: HttpRequest, body: ActionIn, key: str = DOSSIER_KEY):
    """The same transitions as the desk and the applicant's page, with the same rules: the caller's
    role in the dossier's agencies, the state it is in, the reason or items the action needs. An
    action that does not apply now answers 409."""
    from motcua.accounts.models import User

    dossier, official = dossier_for(request.user, key)
    kwargs: dict[str, Any] = {"note": body.note, "ip": client_ip(request)}
    if body.action == "hand_over" and body.to_person_id is not None:
        kwargs["to_person"] = User.objects.filter(pk=body.to_person_id, is_active=True).first()
        if body.to_agency_id is not None and body.to_agency_id != dossier.current_agency_id:
            kwargs["to_agency"] = Agency.objects.filter(pk=body.to_agency_id).first()
            if kwargs["to_agency"] is None:
                raise ValidationError(
                    "Không có cơ quan này.",
                    "There is no such agency.",
                    code="to_agency",
                    field="to_agency_id",
                )
    if body.action == "deliver":
        kwargs["data"] = {"method": body.method}
    if body.action == "request_supplement":
        kwargs["items"] = [item.dict() for item in body.items]
    if body.action == "apologise" and body.new_due_on is not None:
        kwargs["new_due_at"] = datetime.combine(body.new_due_on, time(17, 0), tzinfo=VN_TZ)
    if body.action == "supplement":
        asked = next(
            (
                e.payload.get("missing") or []
                for e in reversed(dossier.events.all())
                if e.action == "request_supplement"
            ),
            [],
        )
        answers = {  # one answer per item asked, no more
            f"supplement.{i}": " ".join(a.split())[:2000] for i, a in enumerate(body.answers[: len(asked)])
        }
        if not any(answers.values()):
            raise ValidationError(
                "Hãy trả lời các mục được yêu cầu bổ sung.",
                "Answer the items you were asked to supply.",
                code="supplement_empty",
                field="answers",
            )
        kwargs["data"] = answers
    if body.action == "supplement_at_counter":
        kwargs["data"] = {"supplement.counter": body.note}
    dossier = dossier_transition(actor=request.user, dossier=dossier, action=body.action, **kwargs)
    try:
        dossier, official = dossier_for(request.user, dossier.code or dossier.reference)
    except NotFound:  # done, and handed out of the caller's agencies: say so, show no more of it
        return _out_of_reach(dossier)
    return dossier_out(dossier, request.user, official=official)


def _out_of_reach(dossier: Dossier) -> dict[str, Any]:
    """Where the dossier stands, without its data, timeline or actions: all of the answer to an action
    that moved it beyond what the caller may see, and the start of ``dossier_out``."""
    return {
        **_item(dossier),
        "receiving_agency": _agency(dossier.receiving_agency),
        "competent_agency": _agency(dossier.competent_agency),
        "current_agency": _agency(dossier.current_agency),
        "counts_as_late": dossier.counts_as_late,
        "supplement_requests": dossier.supplement_requests,
        "data": {},
        "events": [],
        "actions": [],
    }


# --- the public look-up ---------------------------------------------------------------------------

public = Router()


@public.get("", response=LookupOut, summary="Follow a dossier with its code and a second factor")
def lookup(
    request: HttpRequest,
    code: str = Query(..., min_length=4, max_length=40, description="Dossier code or online reference."),
    factor: str = Query(
        ...,
        min_length=4,
        max_length=20,
        description="The last 4 digits of the applicant's number, or their phone.",
    ),
):
    """Nothing personal is answered; 20 look-ups an hour per address and per code; a wrong code and a
    wrong second factor answer the same 404."""
    dossier, limited = dossier_public_lookup_limited(ip=client_ip(request), code=code, second_factor=factor)
    if limited:
        raise RateLimited(
            "Tra cứu quá nhiều lần; hãy thử lại sau một giờ.",
            "Too many look-ups; try again in an hour.",
            code="rate_limited",
        )
    if dossier is None:
        raise NotFound(
            "Không tìm thấy hồ sơ với mã và thông tin xác thực này.",
            "No dossier matches this code and second factor.",
            code="dossier_not_found",
        )
    vi, en = _status_labels(dossier.status)
    return {
        "code": dossier.code or dossier.reference,
        "procedure_name_vi": dossier.procedure_version.name_vi,
        "procedure_name_en": dossier.procedure_version.name_en,
        "status": dossier.status,
        "status_label_vi": vi,
        "status_label_en": en,
        "received_at": dossier.received_at,
        "current_due_at": dossier.current_due_at,
        "events": [
            {"label_vi": action_label(e.action), "label_en": action_label(e.action, english=True), "at": e.at}
            for e in dossier.events.all()
        ],
    }
