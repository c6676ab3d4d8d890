"""Early warning ("cảnh báo sớm", domain.md §4): dossiers about to be late and late ones, and who is
told. The levels, in working hours of the competent agency's calendar (``OPERATIONS_WARNINGS``):

- due within ``remind_within_hours`` (24) → the assigned official is reminded (nobody assigned: the
  officials who handle dossiers in the agency holding it);
- late up to ``department_late_up_to_hours`` (48) → the head(s) of department of the agency holding it;
- later → the head(s) of the competent agency.

Only dossiers whose clock runs count (received, being processed, withdrawal asked: not while waiting
for the applicant), and never an interconnected child (its parent is the one followed). The
appointment is ``current_due_at``: an apology's new date makes a new warning possible, since a
warning is sent once per dossier, level and due time (``Escalation``'s unique constraint).

The sweep never computes working hours per dossier to find them: the moments that split the levels
(24 working hours from now, 48 working hours before now) are computed once per calendar, and the
dossiers are found by comparing their due time with those moments in SQL (the ``dossier_due`` index).
Calendars differ only by provincial overrides, so the agencies are grouped by the calendar their
province works by; without provincial overrides there is one group and one query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When

from motcua.core.time import now, to_local
from motcua.operations.models import Escalation
from motcua.operations.selectors import OPEN_STATUSES
from motcua.places.calendar import WorkCalendar

# The levels, as ``Escalation.level`` stores them.
REMIND, DEPARTMENT, AGENCY = "remind", "department", "agency"
LEVELS = (REMIND, DEPARTMENT, AGENCY)
TEMPLATES = {level: f"operations_warning_{level}" for level in LEVELS}
ITEMS_PER_MESSAGE = 30  # a notice lists this many dossiers, then says how many more (the board has all)
_SWEEP_LOCK = 766_004  # PostgreSQL advisory lock: one sweep at a time


@dataclass(frozen=True)
class WarningConfig:
    remind_within_hours: float
    department_late_up_to_hours: float
    sweep_every_minutes: int
    handling_permission: str
    department_role: str
    agency_role: str


def warning_config() -> WarningConfig:
    """``settings.OPERATIONS_WARNINGS`` read and checked (domain.md §4's values as defaults)."""
    raw = {
        "remind_within_hours": 24,
        "department_late_up_to_hours": 48,
        "sweep_every_minutes": 15,
        "handling_permission": "dossier.process",
        "department_role": "head",
        "agency_role": "leader",
        **getattr(settings, "OPERATIONS_WARNINGS", {}),
    }
    try:
        config = WarningConfig(
            remind_within_hours=float(raw["remind_within_hours"]),
            department_late_up_to_hours=float(raw["department_late_up_to_hours"]),
            sweep_every_minutes=int(raw["sweep_every_minutes"]),
            handling_permission=str(raw["handling_permission"]),
            department_role=str(raw["department_role"]),
            agency_role=str(raw["agency_role"]),
        )
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"OPERATIONS_WARNINGS: {error}") from error
    hours = (config.remind_within_hours, config.department_late_up_to_hours)
    if not all(0 <= h <= 8 * 250 for h in hours) or config.sweep_every_minutes < 1:
        raise ImproperlyConfigured(
            "OPERATIONS_WARNINGS: the hours must lie between 0 and 2,000 working hours and the sweep "
            "must run at least every minute"
        )
    return config


# --- the moments that split the levels -----------------------------------------------------------


@dataclass(frozen=True)
class Boundaries:
    """For one calendar at one moment: a dossier due at or before ``remind_until`` (and not before
    ``at``) is due soon; due before ``at`` but not before ``department_from``, at most
    ``department_late_up_to_hours`` late; due before ``department_from``, later than that."""

    at: datetime
    remind_until: datetime
    department_from: datetime

    def level_of(self, due: datetime | None) -> str | None:
        if due is None or due > self.remind_until:
            return None
        if due >= self.at:
            return REMIND
        return DEPARTMENT if due >= self.department_from else AGENCY

    def level_case(self, field_name: str = "current_due_at") -> Case:
        """The same levels in SQL, for dossiers already known to be due by ``remind_until``."""
        return Case(
            When(**{f"{field_name}__gte": self.at}, then=Value(REMIND)),
            When(**{f"{field_name}__gte": self.department_from}, then=Value(DEPARTMENT)),
            default=Value(AGENCY),
            output_field=CharField(),
        )


def boundaries_for(calendar: WorkCalendar, at: datetime, config: WarningConfig) -> Boundaries:
    """Computed once per calendar. "Within 24 working hours" runs to the last moment that is still
    24 working hours away: an appointment on a Saturday is as far as Friday's closing, so the
    stretch until Monday's opening belongs to it too."""
    ahead = calendar.add_working_hours(at, config.remind_within_hours)
    return Boundaries(
        at=at,
        remind_until=max(ahead, calendar.next_working_start(ahead)),
        department_from=calendar.subtract_working_hours(at, config.department_late_up_to_hours),
    )


@dataclass(frozen=True)
class CalendarGroup:
    """The agencies working by one calendar: ``agency_ids`` (None: every agency except ``others``)."""

    calendar: WorkCalendar
    agency_ids: frozenset[int] | None = None
    others: frozenset[int] = frozenset()

    def filter(self, qs: QuerySet, field_name: str = "competent_agency_id") -> QuerySet:
        if self.agency_ids is not None:
            return qs.filter(**{f"{field_name}__in": self.agency_ids})
        return qs.exclude(**{f"{field_name}__in": self.others}) if self.others else qs

    def holds(self, agency_id: int) -> bool:
        return agency_id in self.agency_ids if self.agency_ids is not None else agency_id not in self.others


def calendar_groups() -> list[CalendarGroup]:
    """The agencies grouped by the calendar they work by (``WorkCalendar.for_agency``: the national
    one and their province's overrides). Provinces without overrides of their own share the
    nationwide calendar, so the usual answer is one group holding every agency."""
    from motcua.places.models import AdministrativeUnit, Agency, CalendarOverride
    from motcua.places.selectors import calendar_overrides

    nationwide = WorkCalendar.nationwide()
    by_calendar: dict[int, tuple[WorkCalendar, set[int]]] = {}
    provinces = CalendarOverride.objects.filter(province__isnull=False).values_list("province", flat=True)
    for province_id in sorted(set(provinces)):
        province = AdministrativeUnit.objects.get(pk=province_id)
        overrides = calendar_overrides(province=province)
        calendar = WorkCalendar.cached(days_off=overrides.days_off, working_days=overrides.working_days)
        if calendar is nationwide:
            continue
        agencies = Agency.objects.filter(
            Q(unit_id=province_id) | Q(unit__parent_id=province_id) | Q(unit__parent__parent_id=province_id)
        ).values_list("pk", flat=True)
        by_calendar.setdefault(id(calendar), (calendar, set()))[1].update(agencies)
    groups = [CalendarGroup(calendar, frozenset(ids)) for calendar, ids in by_calendar.values()]
    taken = frozenset().union(*(g.agency_ids or frozenset() for g in groups))
    return [CalendarGroup(nationwide, None, taken), *groups]


# --- the sweep -----------------------------------------------------------------------------------


@dataclass
class SweepReport:
    """What one sweep sent: warnings per level, how many found nobody holding the role, notices."""

    at: datetime
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    unaddressed: int = 0
    messages: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        remind, department, agency = (self.counts[level] for level in LEVELS)
        nobody_vi = f"; {self.unaddressed} không có người nhận" if self.unaddressed else ""
        nobody_en = f"; {self.unaddressed} with nobody to tell" if self.unaddressed else ""
        return (
            f"Cảnh báo sớm {to_local(self.at):%H:%M %d/%m/%Y}: nhắc cán bộ {remind}, báo lãnh đạo phòng "
            f"{department}, báo lãnh đạo cơ quan {agency}{nobody_vi} / Early warnings: {remind} reminded, "
            f"{department} to heads of department, {agency} to heads of agency{nobody_en}; "
            f"{self.messages} notice(s)"
        )


def _pending(group: CalendarGroup, bounds: Boundaries) -> QuerySet:
    """The dossiers of ``group`` that have reached a level and were not yet warned at it for their
    current due time."""
    from motcua.dossiers.models import Dossier

    qs = Dossier.objects.filter(
        status__in=OPEN_STATUSES,
        parent__isnull=True,
        paused_since__isnull=True,
        current_due_at__lte=bounds.remind_until,
    )
    sent = Escalation.objects.filter(
        dossier_id=OuterRef("pk"), level=OuterRef("level"), due_at=OuterRef("current_due_at")
    )
    return (
        group.filter(qs)
        .annotate(level=bounds.level_case())
        .exclude(Exists(sent))
        .values(
            "pk",
            "code",
            "reference",
            "level",
            "current_due_at",
            "assignee_id",
            "current_agency_id",
            "competent_agency_id",
            "procedure_version__name_vi",
        )
        .order_by("current_due_at", "pk")
    )


@dataclass(frozen=True)
class _Person:
    pk: int
    username: str
    name: str
    email: str


class _Recipients:
    """Who holds which role in which agency, read once per sweep for the agencies concerned."""

    def __init__(self, rows: list[dict[str, Any]], config: WarningConfig, on: Any) -> None:
        from motcua.accounts.models import Membership, Role, User

        agencies = {r["current_agency_id"] for r in rows} | {r["competent_agency_id"] for r in rows}
        agencies.discard(None)
        self.parent = self._parents(agencies)
        agencies |= set(self.parent.values())
        roles = list(Role.objects.values_list("pk", "key", "permissions"))
        handling = {pk for pk, _key, perms in roles if config.handling_permission in (perms or [])}
        by_key = {key: pk for pk, key, _perms in roles}
        self.wanted: dict[str, set[int]] = {
            REMIND: handling,
            DEPARTMENT: {by_key[config.department_role]} if config.department_role in by_key else set(),
            AGENCY: {by_key[config.agency_role]} if config.agency_role in by_key else set(),
        }
        self.holders: dict[tuple[int, int], list[_Person]] = defaultdict(list)
        people: dict[int, _Person] = {}
        memberships = (
            Membership.objects.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=on),
                valid_from__lte=on,
                agency_id__in=agencies,
                role_id__in=set().union(*self.wanted.values()),
                user__is_active=True,
            )
            .values_list(
                "agency_id",
                "role_id",
                "user_id",
                "user__username",
                "user__last_name",
                "user__first_name",
                "user__email",
            )
            .order_by("user__last_name", "user__first_name", "user_id")
        )
        for agency_id, role_id, user_id, username, last, first, email in memberships:
            person = people.setdefault(
                user_id, _Person(user_id, username, f"{last} {first}".strip() or username, email)
            )
            if person not in self.holders[(agency_id, role_id)]:
                self.holders[(agency_id, role_id)].append(person)
        assignees = {r["assignee_id"] for r in rows if r["level"] == REMIND} - {None}
        self.assignees = {
            pk: _Person(pk, username, f"{last} {first}".strip() or username, email)
            for pk, username, last, first, email in User.objects.filter(
                pk__in=assignees, is_active=True
            ).values_list("pk", "username", "last_name", "first_name", "email")
        }

    @staticmethod
    def _parents(agencies: set[int]) -> dict[int, int]:
        from motcua.places.models import Agency

        return dict(
            Agency.objects.filter(pk__in=agencies, parent__isnull=False).values_list("pk", "parent_id")
        )

    def _holding(self, agency_id: int | None, level: str) -> list[_Person]:
        if agency_id is None:
            return []
        found: list[_Person] = []
        for role_id in sorted(self.wanted[level]):
            found += [p for p in self.holders.get((agency_id, role_id), []) if p not in found]
        return found

    def for_dossier(self, row: dict[str, Any]) -> tuple[int, list[_Person]]:
        """(the agency whose people are told, the people): each level asks the agency holding the
        dossier first, then the one above it in the chain of responsibility."""
        level = row["level"]
        holding = row["current_agency_id"] or row["competent_agency_id"]
        if level == REMIND and row["assignee_id"] in self.assignees:
            return holding, [self.assignees[row["assignee_id"]]]
        if level == AGENCY:
            chain = [row["competent_agency_id"], self.parent.get(row["competent_agency_id"])]
        else:
            chain = [holding, row["competent_agency_id"]]
        for agency_id in dict.fromkeys(a for a in chain if a is not None):
            people = self._holding(agency_id, level)
            if people:
                return agency_id, people
        return chain[0], []


def warnings_sweep(*, at: datetime | None = None) -> SweepReport:
    """Send the early warnings due at ``at`` (now), each once, and record them (domain.md §4).

    One transaction: the warnings recorded and the notices written commit together, so a warning is
    never recorded without its notice nor sent twice. Sweeps are serialised (a PostgreSQL advisory
    lock; SQLite's writing transactions are serialised already), and the unique constraint on
    dossier, level and due time is the last guard. Each official gets one notice per level listing
    their dossiers, not one per dossier.
    """
    moment = at or now()
    config = warning_config()
    report = SweepReport(at=moment)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEEP_LOCK])
        found: list[tuple[dict[str, Any], WorkCalendar]] = []
        for group in calendar_groups():
            bounds = boundaries_for(group.calendar, moment, config)
            found += [(row, group.calendar) for row in _pending(group, bounds)]
        if not found:
            return report
        recipients = _Recipients([row for row, _ in found], config, to_local(moment).date())
        escalations = []
        digests: dict[tuple[str, _Person], list[tuple[dict[str, Any], WorkCalendar]]] = defaultdict(list)
        for row, calendar in found:
            agency_id, people = recipients.for_dossier(row)
            level = row["level"]
            escalations.append(
                Escalation(
                    dossier_id=row["pk"],
                    level=level,
                    due_at=row["current_due_at"],
                    agency_id=agency_id,
                    recipients=[{"id": p.pk, "name": p.name} for p in people],
                    at=moment,
                )
            )
            report.counts[level] += 1
            report.unaddressed += not people
            for person in people:
                digests[(level, person)].append((row, calendar))
        Escalation.objects.bulk_create(escalations, batch_size=2000)
        report.messages = _notify(digests, config, moment)
    return report


def _item(row: dict[str, Any], calendar: WorkCalendar, at: datetime) -> dict[str, Any]:
    due = row["current_due_at"]
    hours = calendar.working_hours_between(at, due)  # only for what is sent, never in the search
    return {
        "code": row["code"] or row["reference"],
        "procedure": row["procedure_version__name_vi"],
        "due": to_local(due).strftime("%H:%M %d/%m/%Y"),
        "hours": _hours_text(abs(hours)),
    }


def _hours_text(hours: float) -> str:
    return f"{hours:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _notify(
    digests: dict[tuple[str, _Person], list[tuple[dict[str, Any], WorkCalendar]]],
    config: WarningConfig,
    at: datetime,
) -> int:
    """One notice per official and level, in the app and by e-mail when they have one; it lists the
    first ITEMS_PER_MESSAGE dossiers (the earliest due first) and counts the rest."""
    from django.urls import reverse

    from motcua.accounts.models import User
    from motcua.notifications.services import message_send_many

    board = f"{settings.SITE_URL}{reverse('operations:warnings')}"
    users = User.objects.in_bulk({person.pk for _level, person in digests})
    sent = 0
    for (level, person), rows in sorted(digests.items(), key=lambda kv: (kv[0][0], kv[0][1].pk)):
        channels: list[tuple[str, str]] = [("in_app", person.username)]
        if person.email:
            channels.append(("email", person.email))
        message_send_many(
            recipients=channels,
            user=users[person.pk],
            template=TEMPLATES[level],
            context={
                "count": len(rows),
                "items": [_item(row, calendar, at) for row, calendar in rows[:ITEMS_PER_MESSAGE]],
                "more": max(0, len(rows) - ITEMS_PER_MESSAGE),
                "remind_hours": _hours_text(config.remind_within_hours),
                "department_hours": _hours_text(config.department_late_up_to_hours),
                "board": board,
            },
        )
        sent += len(channels)
    return sent
