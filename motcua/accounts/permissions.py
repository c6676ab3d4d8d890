"""Who may do what: the permission list and the one check every service calls, ``authorize``.

Rules (issue 4, domain.md §1):
- a citizen acts only on their own dossiers, or those of people or businesses they are authorised for;
- an official acts only on dossiers where one of their agencies is the receiving, the competent or the
  current step's agency, and only with permissions their roles in that agency grant;
- a leader sees aggregates for their agencies and the agencies below them;
- catalogue and system administration are granted by role, in any agency.

Roles are data (``accounts.Role``): each lists permission keys from ``PERMISSIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from motcua.core.errors import PermissionDenied
from motcua.core.time import today


class Scope(StrEnum):
    DOSSIER = "dossier"  # an official's action on a dossier of their agency
    OWN_DOSSIER = "own_dossier"  # the applicant's action on their own dossier
    AGENCY = "agency"  # seeing an agency's figures (and those below it)
    GLOBAL = "global"  # administration


@dataclass(frozen=True)
class Permission:
    key: str
    scope: Scope
    vi: str
    en: str


PERMISSIONS: dict[str, Permission] = {
    p.key: p
    for p in (
        Permission("dossier.view", Scope.DOSSIER, "Xem hồ sơ", "View dossiers"),
        Permission("dossier.receive", Scope.DOSSIER, "Tiếp nhận hồ sơ", "Receive dossiers"),
        Permission(
            "dossier.start_assisted",
            Scope.AGENCY,
            "Hỗ trợ công dân tại quầy",
            "Serve a citizen at the counter",
        ),
        Permission(
            "dossier.request_supplement", Scope.DOSSIER, "Yêu cầu bổ sung hồ sơ", "Request a supplement"
        ),
        Permission("dossier.refuse", Scope.DOSSIER, "Từ chối hồ sơ", "Refuse a dossier"),
        Permission("dossier.process", Scope.DOSSIER, "Xử lý hồ sơ", "Process dossiers"),
        Permission("dossier.hand_over", Scope.DOSSIER, "Chuyển xử lý", "Hand a dossier over"),
        Permission("dossier.approve", Scope.DOSSIER, "Duyệt kết quả", "Approve a result"),
        Permission("dossier.sign", Scope.DOSSIER, "Ký số kết quả", "Sign a result"),
        Permission(
            "dossier.apologise", Scope.DOSSIER, "Ban hành thư xin lỗi, hẹn lại", "Issue an apology letter"
        ),
        Permission("dossier.deliver", Scope.DOSSIER, "Trả kết quả", "Deliver a result"),
        Permission("dossier.view_own", Scope.OWN_DOSSIER, "Xem hồ sơ của mình", "View one's own dossiers"),
        Permission("dossier.submit", Scope.OWN_DOSSIER, "Nộp hồ sơ", "Submit a dossier"),
        Permission("dossier.supplement", Scope.OWN_DOSSIER, "Bổ sung hồ sơ", "Supplement a dossier"),
        Permission("dossier.withdraw", Scope.OWN_DOSSIER, "Rút hồ sơ", "Withdraw a dossier"),
        Permission(
            "registry.read",
            Scope.DOSSIER,
            "Xem dữ liệu dân cư của người trong hồ sơ",
            "Read registry data of a dossier's people",
        ),
        Permission(
            "registry.resolve_exception",
            Scope.AGENCY,
            "Xác minh người không có trong cơ sở dữ liệu",
            "Verify people the registry cannot confirm",
        ),
        Permission("dashboard.view", Scope.AGENCY, "Xem bảng điều hành", "View the dashboards"),
        Permission("catalogue.manage", Scope.GLOBAL, "Quản lý danh mục thủ tục", "Manage the catalogue"),
        Permission("calendar.manage", Scope.GLOBAL, "Quản lý lịch làm việc", "Manage the working calendar"),
        Permission(
            "accounts.manage", Scope.GLOBAL, "Quản lý tài khoản, vai trò", "Manage accounts and roles"
        ),
    )
}

# The roles of issue 4 and what they grant by default (a system administrator can change them).
DEFAULT_ROLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "receiver": (
        "Cán bộ tiếp nhận",
        "Counter official",
        (
            "dossier.view",
            "dossier.receive",
            "dossier.start_assisted",
            "dossier.hand_over",
            "dossier.request_supplement",
            "dossier.refuse",
            "dossier.deliver",
            "registry.read",
            "registry.resolve_exception",
        ),
    ),
    "processor": (
        "Chuyên viên xử lý",
        "Processing official",
        (
            "dossier.view",
            "dossier.process",
            "dossier.hand_over",
            "dossier.request_supplement",
            "registry.read",
            "registry.resolve_exception",
        ),
    ),
    "head": (
        "Lãnh đạo phòng",
        "Head of department",
        (
            "dossier.view",
            "dossier.hand_over",
            "dossier.approve",
            "dossier.refuse",
            "dossier.apologise",
            "registry.read",
        ),
    ),
    "signer": ("Người ký kết quả", "Signer", ("dossier.view", "dossier.sign", "dossier.apologise")),
    "leader": ("Lãnh đạo cơ quan", "Agency leader", ("dashboard.view", "dossier.view")),
    "catalogue_admin": (
        "Quản trị danh mục",
        "Catalogue administrator",
        ("catalogue.manage", "calendar.manage"),
    ),
    "system_admin": ("Quản trị hệ thống", "System administrator", ("accounts.manage", "calendar.manage")),
}


@runtime_checkable
class DossierAccess(Protocol):
    """What ``authorize`` needs to know about a dossier (the dossiers app's model provides it)."""

    applicant_id: int | None
    receiving_agency_id: int | None
    competent_agency_id: int | None
    current_agency_id: int | None
    procedure_code: str | None
    applicant_enterprise_code: str


def _denied(permission: Permission, reason_vi: str, reason_en: str) -> PermissionDenied:
    return PermissionDenied(
        f"Bạn không có quyền “{permission.vi}”: {reason_vi}",
        f"You may not {permission.en.lower()}: {reason_en}",
        code="permission_denied",
    )


def _agency_chain(agency: Any) -> set[int]:
    """The agency and every agency above it (a leader of a parent sees the agencies below)."""
    ids: set[int] = set()
    while agency is not None and agency.pk not in ids:
        ids.add(agency.pk)
        agency = agency.parent
    return ids


def authorize(actor: Any, permission: str, obj: Any = None, *, on: date | None = None) -> None:
    """Return None when ``actor`` may do ``permission`` on ``obj``; raise ``PermissionDenied`` with a
    reason a person can act on otherwise. Every service calls this before it changes anything."""
    from motcua.accounts.selectors import agencies_granting

    try:
        perm = PERMISSIONS[permission]
    except KeyError:
        raise ValueError(f"unknown permission {permission!r}") from None
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise _denied(perm, "hãy đăng nhập trước.", "sign in first.")

    if perm.scope == Scope.OWN_DOSSIER:
        if not isinstance(obj, DossierAccess):
            raise ValueError(f"{permission} needs a dossier")
        own = obj.applicant_id == actor.pk and not obj.applicant_enterprise_code
        if own or _acts_for(actor, obj, on=on):
            return
        raise _denied(perm, "hồ sơ này không phải của bạn.", "this dossier is not yours.")

    # Official, agency and administration permissions need a session that passed the second factor;
    # an e-ID session never carries them, whatever memberships the account has.
    is_verified = getattr(actor, "is_verified", None)
    if callable(is_verified) and not is_verified():
        raise _denied(
            perm,
            "hãy đăng nhập văn phòng với mã xác thực hai bước.",
            "sign in to the back office with the two-step code.",
        )
    granted = agencies_granting(actor, permission, on=on or today())
    if perm.scope == Scope.GLOBAL:
        if granted or actor.is_superuser:  # a superuser is a system administrator, not an agency official
            return
        raise _denied(perm, "vai trò của bạn không có quyền này.", "none of your roles grants it.")
    if perm.scope == Scope.AGENCY:
        if obj is not None and granted & _agency_chain(obj):
            return
        raise _denied(perm, "cơ quan này không thuộc phạm vi của bạn.", "this agency is outside your remit.")
    if not isinstance(obj, DossierAccess):
        raise ValueError(f"{permission} needs a dossier")
    involved = {obj.receiving_agency_id, obj.competent_agency_id, obj.current_agency_id} - {None}
    if granted & involved:
        return
    if permission == "dossier.view" and _leads_above(actor, involved, on=on):
        return
    if not granted:
        raise _denied(perm, "vai trò của bạn không có quyền này.", "none of your roles grants it.")
    raise _denied(perm, "hồ sơ không thuộc cơ quan của bạn.", "the dossier does not belong to your agency.")


def _leads_above(actor: Any, involved: set[int], *, on: date | None) -> bool:
    """Whether ``actor`` leads (``dashboard.view``) an agency above one of the dossier's agencies: a
    leader opens the dossiers behind their figures, those of the agencies below them too."""
    from motcua.accounts.selectors import agencies_granting
    from motcua.places.models import Agency

    leading = agencies_granting(actor, "dashboard.view", on=on or today())
    if not leading:
        return False
    agencies = Agency.objects.filter(pk__in=involved).select_related("parent")
    return any(leading & _agency_chain(agency) for agency in agencies)


def _acts_for(actor: Any, obj: Any, *, on: date | None) -> bool:
    """Whether ``actor`` may act for the dossier's applicant: through a recorded authorisation (ủy
    quyền) — for a person (e.g. a parent for a child) or a business — or, for a business, because the
    business registry names them legal representative."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from motcua.accounts.selectors import authorisation_covers, authorisation_covers_enterprise

    day = on or today()
    if obj.applicant_enterprise_code:
        if authorisation_covers_enterprise(
            grantee=actor,
            enterprise_code=obj.applicant_enterprise_code,
            on=day,
            procedure_code=obj.procedure_code,
        ):
            return True
        check = import_string(settings.ACCOUNTS_LEGAL_REPRESENTATIVE_CHECK)
        return bool(check(getattr(actor, "personal_id", ""), obj.applicant_enterprise_code))
    return authorisation_covers(
        grantee=actor, grantor_id=obj.applicant_id, on=day, procedure_code=obj.procedure_code
    )
