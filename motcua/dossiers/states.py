"""The dossier state machine as one table (DESIGN.md): which action, from which status and stage,
needs which permission, and leads where. ``services.dossier_transition`` is the only reader."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.dossiers.models import Stage, Status

ANY_STAGE = None  # the transition applies whatever the stage
KEEP = None  # the status or stage does not change


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[int]
    permission: str
    to_status: int | None
    to_stage: str | None
    from_stages: frozenset[str] | None = ANY_STAGE
    vi: str = ""
    en: str = ""

    def applies_to(self, dossier: object) -> bool:
        """Whether the dossier is in a status (and stage) this action starts from."""
        status, stage = getattr(dossier, "status", None), getattr(dossier, "stage", "")
        return status in self.sources and (self.from_stages is None or stage in self.from_stages)


def _t(action, sources, permission, to_status, to_stage, vi, en, from_stages=ANY_STAGE) -> Transition:
    return Transition(
        action,
        frozenset(sources),
        permission,
        to_status,
        to_stage,
        frozenset(from_stages) if from_stages is not None else None,
        vi,
        en,
    )


S = Status
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("receive", {S.SUBMITTED}, "dossier.receive", S.RECEIVED, Stage.NONE, "Tiếp nhận", "Receive"),
        _t(
            "request_supplement",
            {S.SUBMITTED, S.RECEIVED, S.PROCESSING},
            "dossier.request_supplement",
            S.SUPPLEMENT,
            KEEP,
            "Yêu cầu bổ sung",
            "Request a supplement",
        ),
        _t("refuse", {S.SUBMITTED}, "dossier.refuse", S.REFUSED, Stage.NONE, "Từ chối tiếp nhận", "Refuse"),
        _t(
            "supplement",
            {S.SUPPLEMENT},
            "dossier.supplement",
            KEEP,  # back to the status it had before the request (services)
            Stage.SUPPLEMENTED,
            "Bổ sung hồ sơ",
            "Supplement",
        ),
        _t(
            "supplement_at_counter",
            {S.SUPPLEMENT},
            "dossier.receive",
            KEEP,  # back to the status it had before the request (services)
            Stage.SUPPLEMENTED,
            "Nhận bổ sung tại quầy",
            "Receive the supplement at the counter",
        ),
        _t(
            "hand_over",
            {S.RECEIVED, S.PROCESSING},
            "dossier.hand_over",
            S.PROCESSING,
            Stage.ASSIGNED,
            "Chuyển xử lý",
            "Hand over",
        ),
        _t(
            "approve",
            {S.PROCESSING},
            "dossier.approve",
            S.PROCESSING,
            Stage.AWAITING_SIGNATURE,
            "Duyệt, trình ký",
            "Approve for signature",
        ),
        _t(
            "refuse_after_processing",
            {S.PROCESSING},
            "dossier.approve",
            S.PROCESSING,
            Stage.AWAITING_SIGNATURE,
            "Trình ký văn bản từ chối giải quyết",
            "Submit a refusal for signature",
        ),
        _t(
            "sign",
            {S.PROCESSING},
            "dossier.sign",
            S.RESULT_READY,
            Stage.NONE,
            "Ký, có kết quả",
            "Sign: result ready",
            from_stages={Stage.AWAITING_SIGNATURE},
        ),
        _t("deliver", {S.RESULT_READY}, "dossier.deliver", S.DELIVERED, Stage.NONE, "Trả kết quả", "Deliver"),
        _t(
            "request_withdrawal",
            {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FEES},
            "dossier.withdraw",
            S.WITHDRAWAL_REQUESTED,
            KEEP,
            "Xin rút hồ sơ",
            "Ask to withdraw",
        ),
        _t(
            "confirm_withdrawal",
            {S.WITHDRAWAL_REQUESTED},
            "dossier.refuse",
            S.STOPPED,
            Stage.NONE,
            "Xác nhận rút hồ sơ",
            "Confirm the withdrawal",
        ),
        _t(
            "decline_withdrawal",
            {S.WITHDRAWAL_REQUESTED},
            "dossier.refuse",
            KEEP,  # back to the status it had (services)
            KEEP,
            "Không chấp nhận rút hồ sơ",
            "Decline the withdrawal",
        ),
        _t(
            "stop",
            {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FEES},
            "dossier.refuse",
            S.STOPPED,
            Stage.NONE,
            "Dừng xử lý",
            "Stop processing",
        ),
        _t(
            "apologise",
            {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FEES},
            "dossier.apologise",
            KEEP,
            KEEP,
            "Xin lỗi, hẹn lại ngày trả",
            "Apologise and set a new date",
        ),
    )
}

# Statuses in which the clock runs (domain.md §4: it pauses for a supplement and for fees).
CLOCK_RUNS = frozenset({S.RECEIVED, S.PROCESSING, S.WITHDRAWAL_REQUESTED})
FINAL = frozenset({S.REFUSED, S.STOPPED, S.DELIVERED})
# Actions whose note is written for the applicant; the others' notes are the officials' own.
APPLICANT_NOTES = frozenset(
    {
        "request_supplement",
        "refuse",
        "refuse_after_processing",
        "stop",
        "confirm_withdrawal",
        "decline_withdrawal",
        "apologise",
    }
)
# Actions the applicant takes (on their own pages or through the API), never at the desk.
APPLICANT_ACTIONS = frozenset({"supplement", "request_withdrawal"})


def action_label(action: str, *, english: bool = False) -> str:
    """What happened, as the applicant reads it on the timeline."""
    if action == "submit":
        return "Submitted online" if english else "Nộp trực tuyến"
    transition = TRANSITIONS.get(action)
    if transition is None:
        return action
    return transition.en if english else transition.vi


# What the centre that received a dossier may still do once another agency handles or decides it
# (any centre receives, regardless of boundaries): reception itself, a supplement brought to its
# counter, passing the dossier on and asking for a supplement before processing starts, and
# handing the result back at its counter. Everything else belongs to the agencies handling and
# deciding the dossier. None: in any status the action starts from.
RECEIVING_CENTRE_MAY: dict[str, frozenset[int] | None] = {
    "receive": None,
    "refuse": None,
    "supplement_at_counter": None,
    "deliver": None,
    "hand_over": frozenset({S.RECEIVED}),
    "request_supplement": frozenset({S.SUBMITTED, S.RECEIVED}),
}


def transition_authorize(actor: object, transition: Transition, dossier: object) -> None:
    """``authorize`` for a transition, narrowed for officials: the receiving centre keeps only what
    ``RECEIVING_CENTRE_MAY`` lists; the rest needs the role in the agency handling or deciding it."""
    from motcua.accounts.permissions import PERMISSIONS, Scope, authorize
    from motcua.accounts.selectors import agencies_granting
    from motcua.core.errors import PermissionDenied
    from motcua.core.time import today

    authorize(actor, transition.permission, dossier)
    if PERMISSIONS[transition.permission].scope != Scope.DOSSIER:
        return
    handling = {getattr(dossier, "current_agency_id", None), getattr(dossier, "competent_agency_id", None)}
    if agencies_granting(actor, transition.permission, on=today()) & (handling - {None}):
        return
    allowed = RECEIVING_CENTRE_MAY.get(transition.action, frozenset())
    if allowed is None or getattr(dossier, "status", None) in allowed:
        return  # the actor's role is in the receiving centre (authorize checked it is involved)
    raise PermissionDenied(
        f"Hồ sơ đang do cơ quan khác xử lý; Trung tâm tiếp nhận không thể “{transition.vi}”.",
        f"Another agency handles the dossier now; the receiving centre cannot {transition.en.lower()}.",
        code="not_handling_agency",
    )
