"""Reading the early warnings for the board ("bảng cảnh báo sớm"): who may see which agencies, the
backlog per agency, the near-due and late dossiers with the warnings sent about them, the same by
official, and the dossiers guided more than once.

Everything is counted in SQL against the moments computed once per calendar (``warnings.Boundaries``),
never by computing working hours per dossier; lists are keyset pages, so the board stays fast with
hundreds of thousands of open dossiers.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

from django.db.models import Count, Q, QuerySet

from motcua.core.errors import PermissionDenied
from motcua.core.time import today
from motcua.operations.models import Escalation
from motcua.operations.selectors import OPEN_STATUSES, dashboard_scope, unit_history
from motcua.operations.warnings import (
    AGENCY,
    DEPARTMENT,
    LEVELS,
    REMIND,
    Boundaries,
    CalendarGroup,
    boundaries_for,
    calendar_groups,
    warning_config,
)
from motcua.places.models import Agency

# The count columns of the backlog per level.
COLUMNS = {
    REMIND: "due_soon",
    DEPARTMENT: "late",
    AGENCY: "very_late",
}
# Dossiers still in the agency's hands or the applicant's (waiting to supplement or pay): a second
# supplement request there can still be acted on.
UNFINISHED_STATUSES = (2, 4, 5, 6, 7)


@dataclass(frozen=True)
class BoardScope:
    """The agencies whose dossiers a person may see on the board: a leader's province or commune
    (``dashboard.view``), or the agencies where they are head of department."""

    agency_ids: frozenset[int]
    province_id: int | None = None
    unit_id: int | None = None

    @property
    def leader(self) -> bool:
        return self.province_id is not None

    def dossiers(self, qs: QuerySet) -> QuerySet:
        """A dossier is an agency's when it decides it or holds it now."""
        ids = sorted(self.agency_ids)
        return qs.filter(Q(competent_agency_id__in=ids) | Q(current_agency_id__in=ids))


def board_scope_for(user: Any) -> BoardScope:
    """What ``user`` may see on the board; ``PermissionDenied`` when neither a leader nor a head."""
    from motcua.accounts.selectors import memberships_in_force

    heads: set[int] = set()
    if getattr(user, "is_authenticated", False) and user.is_active:
        role = warning_config().department_role
        heads = {m.agency_id for m in memberships_in_force(user, on=today()) if m.role.key == role}
    try:
        province, unit = dashboard_scope(user)
    except PermissionDenied:
        if not heads:
            raise PermissionDenied(
                "Bạn không xem được bảng cảnh báo sớm: cần vai trò lãnh đạo cơ quan hoặc lãnh đạo phòng.",
                "You may not see the early-warning board: an agency leader's or a head of department's "
                "role is needed.",
                code="permission_denied",
            ) from None
        return BoardScope(agency_ids=frozenset(heads))
    if unit is None:
        agencies = Agency.objects.filter(
            Q(unit_id=province) | Q(unit__parent_id=province) | Q(unit__parent__parent_id=province)
        )
    else:
        agencies = Agency.objects.filter(unit_id__in=unit_history(unit))
    return BoardScope(
        agency_ids=frozenset(agencies.values_list("pk", flat=True)) | heads,
        province_id=province,
        unit_id=unit,
    )


# --- the levels in SQL ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """The moments splitting the levels, per calendar group, at one moment."""

    at: datetime
    groups: tuple[tuple[CalendarGroup, Boundaries], ...]

    def level_q(self, level: str | None = None) -> Q:
        """Dossiers at ``level`` (None: at any level, i.e. due by the reminder's horizon)."""
        parts = []
        for group, bounds in self.groups:
            if level is None:
                when = Q(current_due_at__lte=bounds.remind_until)
            elif level == REMIND:
                when = Q(current_due_at__gte=self.at, current_due_at__lte=bounds.remind_until)
            elif level == DEPARTMENT:
                when = Q(current_due_at__lt=self.at, current_due_at__gte=bounds.department_from)
            else:
                when = Q(current_due_at__lt=bounds.department_from)
            parts.append(_group_q(group) & when)
        return reduce(operator.or_, parts)

    def level_of(self, competent_agency_id: int, due: datetime | None) -> str | None:
        for group, bounds in self.groups:
            if group.holds(competent_agency_id):
                return bounds.level_of(due)
        return None


def _group_q(group: CalendarGroup) -> Q:
    if group.agency_ids is not None:
        return Q(competent_agency_id__in=sorted(group.agency_ids))
    return ~Q(competent_agency_id__in=sorted(group.others)) if group.others else Q()


def warning_clock(at: datetime) -> Clock:
    config = warning_config()
    return Clock(at=at, groups=tuple((g, boundaries_for(g.calendar, at, config)) for g in calendar_groups()))


def _open(scope: BoardScope, agency_id: int | None) -> QuerySet:
    from motcua.dossiers.models import Dossier

    qs = scope.dossiers(
        Dossier.objects.filter(status__in=OPEN_STATUSES, parent__isnull=True, paused_since__isnull=True)
    )
    if agency_id is not None:
        qs = qs.filter(Q(competent_agency_id=agency_id) | Q(current_agency_id=agency_id))
    return qs


# --- the backlog per agency and per official -----------------------------------------------------


def backlog_by_agency(
    scope: BoardScope, clock: Clock, *, agency_id: int | None = None
) -> list[dict[str, Any]]:
    """One row per competent agency with open dossiers: open, due soon, late up to the department
    threshold, later, and guided more than once; the most troubled first (one aggregate query)."""
    counts = {COLUMNS[level]: Count("pk", filter=clock.level_q(level)) for level in LEVELS}
    rows = list(
        _open(scope, agency_id)
        .values("competent_agency_id")
        .annotate(
            open=Count("pk"), multi_supplement=Count("pk", filter=Q(supplement_requests__gt=1)), **counts
        )
        .order_by()
    )
    agencies = Agency.objects.in_bulk([r["competent_agency_id"] for r in rows])
    for row in rows:
        row["agency"] = agencies[row["competent_agency_id"]]
    rows.sort(key=lambda r: (-r["very_late"], -r["late"], -r["due_soon"], -r["open"], r["agency"].name))
    return rows


def warnings_by_official(
    scope: BoardScope, clock: Clock, *, agency_id: int | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """The officials assigned the most near-due and late dossiers (None: nobody assigned yet)."""
    from motcua.accounts.models import User

    counts = {COLUMNS[level]: Count("pk", filter=clock.level_q(level)) for level in LEVELS}
    rows = list(
        _open(scope, agency_id)
        .filter(clock.level_q())
        .values("assignee_id")
        .annotate(total=Count("pk"), **counts)
        .order_by("-very_late", "-late", "-due_soon", "assignee_id")[:limit]
    )
    users = User.objects.in_bulk([r["assignee_id"] for r in rows if r["assignee_id"] is not None])
    for row in rows:
        row["official"] = users.get(row["assignee_id"])
    return rows


# --- the lists ------------------------------------------------------------------------------------


def warning_dossiers(
    scope: BoardScope,
    clock: Clock,
    *,
    agency_id: int | None = None,
    level: str | None = None,
    official_id: int | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = 50,
) -> list[Any]:
    """Near-due and late dossiers, the latest first (the earliest due time), a keyset page after
    ``after`` = (due time, id) of the previous page's last row; each with ``level`` and ``warnings``
    (the escalations recorded about it, oldest first)."""
    qs = _open(scope, agency_id).filter(clock.level_q(level))
    if official_id is not None:
        qs = qs.filter(assignee_id=official_id)
    if after is not None:
        due, pk = after
        qs = qs.filter(Q(current_due_at__gt=due) | Q(current_due_at=due, pk__gt=pk))
    page = list(
        qs.select_related("assignee", "current_agency", "competent_agency")
        .only(
            "code",
            "reference",
            "procedure_code",
            "procedure_version__name_vi",
            "procedure_version__name_en",
            "status",
            "current_due_at",
            "competent_agency__name",
            "current_agency__name",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
        )
        .select_related("procedure_version")
        .order_by("current_due_at", "pk")[:limit]
    )
    sent = escalations_for([d.pk for d in page])
    for dossier in page:
        dossier.level = clock.level_of(dossier.competent_agency_id, dossier.current_due_at)
        dossier.warnings = sent.get(dossier.pk, [])
    return page


def escalations_for(dossier_ids: list[int]) -> dict[int, list[Escalation]]:
    out: dict[int, list[Escalation]] = defaultdict(list)
    for escalation in Escalation.objects.filter(dossier_id__in=dossier_ids).order_by("at", "pk"):
        out[escalation.dossier_id].append(escalation)
    return dict(out)


def multi_supplement_dossiers(
    scope: BoardScope, *, agency_id: int | None = None, before: int | None = None, limit: int = 20
) -> list[Any]:
    """Unfinished dossiers whose applicant was asked to supplement more than once (domain.md §4:
    they count as late — guidance is given once, in full), newest first, a keyset page before the
    id ``before``."""
    from motcua.dossiers.models import Dossier

    qs = scope.dossiers(
        Dossier.objects.filter(status__in=UNFINISHED_STATUSES, parent__isnull=True, supplement_requests__gt=1)
    )
    if agency_id is not None:
        qs = qs.filter(Q(competent_agency_id=agency_id) | Q(current_agency_id=agency_id))
    if before is not None:
        qs = qs.filter(pk__lt=before)
    return list(
        qs.select_related("procedure_version", "competent_agency", "assignee")
        .only(
            "code",
            "reference",
            "status",
            "supplement_requests",
            "received_at",
            "current_due_at",
            "procedure_version__name_vi",
            "procedure_version__name_en",
            "competent_agency__name",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
        )
        .order_by("-pk")[:limit]
    )
