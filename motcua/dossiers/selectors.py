"""Reads of the dossiers app: where a dossier is decided, and the applicant's dossiers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from motcua.core.errors import ValidationError
from motcua.dossiers.models import Dossier, Status
from motcua.places.models import AdministrativeUnit, Agency

# A provincial procedure decided by a department: which one, by the procedure's sector.
SECTOR_DEPARTMENTS = {
    "civil_status": "Sở Tư pháp",
    "judicial_records": "Sở Tư pháp",
    "certification": "Sở Tư pháp",
    "construction": "Sở Xây dựng",
    "land": "Sở Nông nghiệp và Môi trường",
    "transport": "Sở Xây dựng",
    "household_business": "Sở Tài chính",
    "enterprise": "Sở Tài chính",
    "social_protection": "Sở Nội vụ",
    "health": "Sở Y tế",
}


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    return unit.parent if unit.parent_id and unit.level != AdministrativeUnit.Level.PROVINCE else unit


def competent_agencies_for(version: Any, unit: AdministrativeUnit) -> tuple[Agency, Agency]:
    """The agency that decides a dossier of ``version`` for someone or something in ``unit`` (a 2025
    commune), and the centre that handles it for that agency: (competent, current).

    Commune procedures are decided by the commune's People's Committee and handled by the commune's
    Public Administration Service Centre; provincial ones by the agency of the procedure's kind
    (a department chosen by sector) and handled by the province's centre. domain.md §1."""
    definition = version.data
    kind = definition["competent_agency_kind"]
    if definition["competent_level"] == "commune":
        if unit.level != AdministrativeUnit.Level.COMMUNE:
            raise ValidationError(
                "Hãy chọn xã, phường, đặc khu nơi cư trú.",
                "Choose the commune or ward of residence.",
                code="commune_required",
                field="unit",
            )
        # Both in one read; the first of each kind, as .first() would pick.
        centre_kind = str(Agency.Kind.COMMUNE_SERVICE_CENTRE)
        by_kind: dict[str, Agency] = {}
        for agency in Agency.objects.filter(unit=unit, kind__in={centre_kind, kind}).order_by("pk"):
            by_kind.setdefault(agency.kind, agency)
        centre = by_kind.get(centre_kind)
        competent = by_kind.get(kind) or centre
        if competent is None or centre is None:
            raise ValidationError(
                "Xã, phường này chưa có cơ quan tiếp nhận trên hệ thống.",
                "This commune has no agency on the system yet.",
                code="no_agency",
                field="unit",
            )
        return competent, centre
    province = province_of(unit)
    centre = Agency.objects.filter(unit=province, kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE).first()
    agencies = Agency.objects.filter(unit=province, kind=kind)
    if kind == Agency.Kind.DEPARTMENT and definition["sector"] in SECTOR_DEPARTMENTS:
        agencies = agencies.filter(name=SECTOR_DEPARTMENTS[definition["sector"]]) or agencies
    competent = agencies.first() or centre
    if competent is None or centre is None:
        raise ValidationError(
            "Tỉnh, thành phố này chưa có cơ quan tiếp nhận trên hệ thống.",
            "This province has no agency on the system yet.",
            code="no_agency",
            field="unit",
        )
    return competent, centre


def dossiers_of_applicant(user: Any) -> QuerySet[Dossier]:
    return Dossier.objects.filter(applicant=user).select_related("procedure_version").order_by("-id")


def dossier_public_lookup(*, code: str, second_factor: str) -> Dossier | None:
    """The dossier with this code (or online reference) whose applicant's number ends with, or
    whose phone is, ``second_factor``; None otherwise — without saying which part was wrong."""
    code, factor = code.strip().upper(), "".join(second_factor.split())
    if not code or len(factor) < 4:
        return None
    dossier = Dossier.objects.filter(code=code).first() or Dossier.objects.filter(reference=code).first()
    if dossier is None:
        return None
    if len(factor) == 4 and dossier.applicant_personal_id.endswith(factor):
        return dossier
    if len(factor) >= 9 and dossier.applicant_phone and dossier.applicant_phone == factor:
        return dossier
    return None


LOOKUP_LIMIT = 20  # public look-ups an hour, from one address and of one code


def dossier_public_lookup_limited(
    *, ip: str | None, code: str, second_factor: str
) -> tuple[Dossier | None, bool]:
    """``dossier_public_lookup`` behind its rate limits: (the dossier or None, whether the caller is
    limited). Guessing the digits of one code from many addresses gets nowhere either."""
    from motcua.core import ratelimit

    if not ratelimit.allow(f"lookup:{ip}", limit=LOOKUP_LIMIT, window_seconds=3600):
        return None, True
    if not ratelimit.allow(f"lookup-code:{code.strip().upper()}", limit=LOOKUP_LIMIT, window_seconds=3600):
        return None, False
    return dossier_public_lookup(code=code, second_factor=second_factor), False


def dossier_by_key(*, key: str) -> Dossier | None:
    """A dossier by its code or, before reception, its online reference (with what its pages show)."""
    rows = Dossier.objects.select_related(
        "procedure_version", "receiving_agency", "competent_agency", "current_agency", "assignee", "applicant"
    ).prefetch_related("events")
    key = key.strip().upper() if key.upper().startswith("TN-") else key.strip()
    return rows.filter(code=key).first() or rows.filter(reference=key).first()


def dossier_actions_for(user: Any, dossier: Dossier, *, official: bool) -> list[str]:
    """The actions of the lifecycle ``user`` may take on ``dossier`` now: an official's by their roles
    in its agencies, an applicant's on their own dossier."""
    from motcua.core.errors import PermissionDenied
    from motcua.dossiers.states import APPLICANT_ACTIONS, TRANSITIONS, transition_authorize

    allowed = []
    for action, transition in TRANSITIONS.items():
        if (action in APPLICANT_ACTIONS) == official or not transition.applies_to(dossier):
            continue
        try:
            transition_authorize(user, transition, dossier)
        except PermissionDenied:
            continue
        allowed.append(action)
    return allowed


QUEUES = ("receive", "processing", "mine", "signature", "deliver", "near_due", "late")
PAGE_SIZE = 50


def desk_queue(
    *,
    official: Any,
    queue: str,
    on: Any,
    now_at: Any,
    search: str = "",
    before: int | None = None,
    procedure_code: str = "",
    channel: int | None = None,
) -> list[Dossier]:
    """One page of a desk queue for the agencies where ``official`` may view dossiers: newest first,
    keyset-paginated on id (``before``), never an unbounded COUNT; narrowed to one procedure or one
    channel when asked.

    Over a million dossiers (bench/desk_bench.py), PostgreSQL reads a plain queue page as the
    newest 50 of the newest 50 of each *lane* — one agency column, one agency, one status — each
    read backwards from its own index and stopped at 50, instead of one OR over three columns that
    the planner either sorts whole or answers by walking the primary key until 50 match (quick for
    a busy centre, long for a quiet ward or an old page). A search or a filter lets few rows through,
    so every plan reads the whole queue anyway, and one OR reads each row once; the official's own
    queue and the one due soon have an index of their own ((assignee, status, -id) and (status,
    current_due_at)): those pages, SQLite and an official of many agencies take the one query. The
    rows carry neither the dossier's form data nor the procedure's definition, which no queue shows."""
    from datetime import timedelta

    from django.db import connection
    from django.db.models import Q

    from motcua.accounts.selectors import agencies_granting

    agencies = sorted(agencies_granting(official, "dossier.view", on=on))
    if not agencies:
        return []
    mine = (
        Q(receiving_agency_id__in=agencies)
        | Q(competent_agency_id__in=agencies)
        | Q(current_agency_id__in=agencies)
    )
    open_statuses = [2, 4, 7]  # the clock runs; a dossier waiting for the applicant is not late
    # Each queue: the statuses it holds and what else it asks of them.
    statuses, wanted = {
        "receive": ([1], Q()),
        "processing": ([2, 4], Q()),
        "mine": ([s for s in Status.values if s not in (3, 8, 10)], Q(assignee=official)),
        "signature": ([4], Q(stage="awaiting_signature")),
        "deliver": ([9], Q()),
        "near_due": (
            open_statuses,
            Q(current_due_at__gte=now_at, current_due_at__lt=now_at + timedelta(days=2)),
        ),
        "late": (open_statuses, Q(current_due_at__lt=now_at)),
    }[queue]
    term = search.strip()
    narrowed = bool(term or procedure_code or channel)
    if term:
        wanted &= (
            Q(code__iexact=term)
            | Q(reference__iexact=term)
            | Q(applicant_personal_id=term)
            | Q(applicant_name__icontains=term)
        )
    if procedure_code:
        wanted &= Q(procedure_code=procedure_code)
    if channel:
        wanted &= Q(channel=channel)
    if before:
        wanted &= Q(pk__lt=before)
    lanes = [
        Q(**{column: agency})
        for column in ("receiving_agency_id", "competent_agency_id", "current_agency_id")
        for agency in agencies
    ]
    if (
        connection.features.supports_slicing_ordering_in_compound  # not SQLite
        and queue not in ("mine", "near_due")
        and not narrowed
        and len(lanes) * len(statuses) <= 48  # past that, planning the lanes costs more than it saves
    ):
        newest = [
            Dossier.objects.filter(lane, wanted, status=status)
            .order_by("-pk")
            .values_list("pk", flat=True)[:PAGE_SIZE]
            for lane in lanes
            for status in statuses
        ]
        rows = Dossier.objects.filter(pk__in=newest[0].union(*newest[1:], all=True))
    else:
        rows = Dossier.objects.filter(mine, wanted, status__in=statuses)
    return list(
        rows.select_related("procedure_version", "current_agency", "assignee")
        .defer("data", "provenance", "procedure_version__data", "procedure_version__source_yaml")
        .order_by("-pk")[:PAGE_SIZE]
    )


def dossier_viewable(*, user: Any, pk: int) -> Dossier | None:
    """The dossier as the desk shows it, when ``user`` may view it (an official of an agency involved);
    None otherwise — the pages answer "no such dossier" either way, so nothing is learnt of others'."""
    from motcua.accounts.permissions import authorize
    from motcua.core.errors import PermissionDenied

    dossier = dossier_for_desk(pk=pk)
    if dossier is None:
        return None
    try:
        authorize(user, "dossier.view", dossier)
    except PermissionDenied:
        return None
    return dossier


def dossier_for_desk(*, pk: int) -> Dossier | None:
    return (
        Dossier.objects.select_related(
            "procedure_version",
            "receiving_agency",
            "competent_agency",
            "current_agency",
            "assignee",
            "applicant",
        )
        .filter(pk=pk)
        .first()
    )


def register_rows(*, official: Any, start: Any, end: Any, on: Any, limit: int = 20000) -> list[Dossier]:
    """Dossiers received by the official's agencies from ``start`` to ``end`` (dates, inclusive)."""
    from datetime import datetime, time, timedelta

    from motcua.accounts.selectors import agencies_granting
    from motcua.core.time import VN_TZ

    agencies = agencies_granting(official, "dossier.view", on=on)
    since = datetime.combine(start, time.min, tzinfo=VN_TZ)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN_TZ)
    return list(
        Dossier.objects.filter(
            receiving_agency_id__in=agencies, received_at__gte=since, received_at__lt=until
        )
        .select_related("procedure_version")
        .order_by("received_at", "pk")[:limit]
    )


def register_agency_names(*, official: Any, on: Any) -> list[str]:
    """The names of the agencies whose register ``official`` may export (the title of form 07)."""
    from motcua.accounts.selectors import agencies_granting

    agencies = agencies_granting(official, "dossier.view", on=on)
    return list(Agency.objects.filter(pk__in=agencies).order_by("name").values_list("name", flat=True))


def colleagues_for_hand_over(*, agency_ids: Any, on: Any) -> list[Any]:
    """The people who, on ``on``, hold a role that handles dossiers in one of ``agency_ids``: whom a
    dossier can be handed to (the service checks the dossier's own agency again)."""
    from motcua.accounts.models import Membership

    handling = {"dossier.process", "dossier.approve", "dossier.sign", "dossier.hand_over"}
    memberships = (
        Membership.objects.filter(agency_id__in=list(agency_ids), valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .select_related("user", "role")
    )
    people = {
        m.user_id: m.user
        for m in memberships
        if m.user.is_active and handling & set(m.role.permissions or [])
    }
    return sorted(people.values(), key=lambda u: (u.full_name, u.pk))


def component_flags(dossier: Dossier) -> dict[str, dict[str, bool]]:
    """For each document the dossier's case needs: whether it is *digitised* (a file uploaded online
    or scanned at the counter), *from the store* (a document of the applicant's document store stood
    in for it) or *from registry data* (the registry made the paper unnecessary) — the inputs of
    the service index's digitisation group (domain.md §9)."""
    definition = dossier.procedure_version.data
    case = next((c for c in definition["cases"] if c["key"] == dossier.case_key), None)
    needed = set(case["documents"]) if case and "documents" in case else None
    given = dossier.data.get("documents") or {}
    flags = {}
    for document in definition["documents"]:
        if needed is not None and document["key"] not in needed:
            continue
        component = given.get(document["key"]) or {}
        electronic = document.get("form") == "electronic" and dossier.channel == 2
        flags[document["key"]] = {
            "digitised": bool(component.get("files") or component.get("digitised") or electronic),
            "from_store": bool(component.get("reused")),
            "from_registry": bool((document.get("replaceable_by") or {}).get("registry")) and not component,
        }
    return flags


def dossier_digitisation(dossier: Dossier) -> dict[str, bool]:
    """The dossier-level flags: *digitised* when every component has a file, a stored document or
    registry data, and the electronic result is issued where one is required; *reuses data* when a
    component came from the store or a registry; *store linked* when one came from the store."""
    flags = component_flags(dossier).values()
    needs_result = bool((dossier.procedure_version.data.get("result") or {}).get("signed"))
    result_ok = not needs_result or dossier.outcome == "refused" or bool(dossier.e_result_code)
    return {
        "digitised": result_ok
        and all(f["digitised"] or f["from_store"] or f["from_registry"] for f in flags),
        "reuses_data": any(f["from_store"] or f["from_registry"] for f in flags) or bool(dossier.provenance),
        "store_linked": any(f["from_store"] for f in flags),
        "e_result": bool(dossier.e_result_code),
        # Population data: an applicant signed in with e-ID (VNeID-verified) or data from the
        # population database (a 12-digit record in the provenance).
        "population_data": bool(
            dossier.channel == 2 and dossier.applicant_id and dossier.applicant_personal_id
        )
        or any(
            isinstance(item, dict) and len(str(item.get("record", ""))) == 12
            for item in dossier.provenance.values()
        ),
    }


def dossier_total() -> int:
    """How many dossiers there are (for a long command's progress bar)."""
    return Dossier.objects.count()
