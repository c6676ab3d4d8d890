"""Reads of the accounts app: what an actor's memberships and authorisations grant."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from motcua.accounts.models import Authorisation, Membership


def _in_force(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def memberships_in_force(user: Any, *, on: date) -> QuerySet[Membership]:
    return Membership.objects.filter(_in_force(on), user=user).select_related("role", "agency")


def agencies_granting(user: Any, permission: str, *, on: date) -> set[int]:
    """Ids of the agencies where ``user`` holds, on ``on``, a role that grants ``permission``.

    Every permission of the day is read at once and cached on the user object for the request,
    since one request checks several (the page's view permission, then the action's) and one page
    may check many dossiers. ``grants_forget`` drops the cache when a membership changes.
    """
    cache: dict[date, dict[str, set[int]]] = user.__dict__.setdefault(_GRANTS, {})
    grants = cache.get(on)
    if grants is None:
        grants = cache[on] = {}
        rows = Membership.objects.filter(_in_force(on), user=user).values_list(
            "agency_id", "role__permissions"
        )
        for agency_id, permissions in rows:
            for granted in permissions or []:
                grants.setdefault(granted, set()).add(agency_id)
    return set(grants.get(permission, ()))


def grants_forget(user: Any) -> None:
    """Forget what ``agencies_granting`` read for ``user`` (after a membership of theirs changed)."""
    user.__dict__.pop(_GRANTS, None)


_GRANTS = "_motcua_grants"


def authorisation_covers(
    *, grantee: Any, grantor_id: int | None, on: date, procedure_code: str | None = None
) -> bool:
    """Whether ``grantee`` holds an authorisation, in force and not revoked, to act for ``grantor_id``."""
    if grantor_id is None:
        return False
    rows = Authorisation.objects.filter(
        _in_force(on), grantee=grantee, grantor_id=grantor_id, revoked_at__isnull=True
    )
    for codes in rows.values_list("procedure_codes", flat=True):
        # An authorisation limited to some procedures covers only those.
        if not codes or (procedure_code is not None and procedure_code in codes):
            return True
    return False


def can_use_back_office(user: Any, *, on: date) -> bool:
    """Officials (a membership in force) and staff administrators; never a citizen's e-ID account."""
    return bool(user.is_active and (user.is_staff or memberships_in_force(user, on=on).exists()))


def authorisation_covers_enterprise(
    *, grantee: Any, enterprise_code: str, on: date, procedure_code: str | None = None
) -> bool:
    """Whether ``grantee`` holds a recorded authorisation, in force, to act for a business."""
    if not enterprise_code:
        return False
    rows = Authorisation.objects.filter(
        _in_force(on), grantee=grantee, enterprise_code=enterprise_code, revoked_at__isnull=True
    )
    return any(
        not codes or (procedure_code is not None and procedure_code in codes)
        for codes in rows.values_list("procedure_codes", flat=True)
    )


def enterprise_authorisations_for(grantee: Any, *, on: date) -> QuerySet[Authorisation]:
    """The businesses ``grantee`` may act for through a recorded authorisation in force."""
    return (
        Authorisation.objects.filter(_in_force(on), grantee=grantee, revoked_at__isnull=True)
        .exclude(enterprise_code="")
        .order_by("enterprise_code")
    )
