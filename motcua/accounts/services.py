"""Writes of the accounts app."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from motcua.accounts.models import Authorisation, Membership, Role, User
from motcua.accounts.permissions import DEFAULT_ROLES, authorize
from motcua.accounts.selectors import grants_forget
from motcua.audit.services import audit_record
from motcua.core.errors import ValidationError
from motcua.places.models import Agency


@transaction.atomic
def demo_admin_ensure(*, username: str, password: str) -> User:
    """Make sure the demo administrator exists with the password ``motcua demo`` printed."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_superuser(username=username, password=password, email="")
        audit_record(actor=None, action="accounts.demo_admin_create", object_type="user", object_id=user.pk)
    elif not user.check_password(password) or not user.is_superuser:
        user.set_password(password)
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
        audit_record(actor=None, action="accounts.demo_admin_reset", object_type="user", object_id=user.pk)
    return user


def roles_ensure_defaults() -> int:
    """Create the default roles that do not exist (never changes roles an administrator edited)."""
    created = 0
    for key, (name_vi, name_en, permissions) in DEFAULT_ROLES.items():
        _, was_created = Role.objects.get_or_create(
            key=key, defaults={"name_vi": name_vi, "name_en": name_en, "permissions": list(permissions)}
        )
        created += was_created
    return created


@transaction.atomic
def membership_grant(
    *, actor: Any, user: User, agency: Agency, role_key: str, valid_from: date, valid_to: date | None = None
) -> Membership:
    """Give an official a role in an agency. Only a system administrator may (``actor=None`` is the
    system itself, e.g. loading demo data). A citizen's e-ID account never becomes an official's:
    officials sign in with a password and a second factor. Audited."""
    if actor is not None:
        authorize(actor, "accounts.manage")
    if user.oidc_subject:
        raise ValidationError(
            "Tài khoản định danh điện tử của công dân không thể được phân công làm cán bộ.",
            "A citizen's e-ID account cannot be given an official's role.",
            code="citizen_account",
            field="user",
        )
    role = Role.objects.filter(key=role_key).first()
    if role is None:
        raise ValidationError(
            f"Không có vai trò “{role_key}”.",
            f"There is no role “{role_key}”.",
            code="unknown_role",
            field="role",
        )
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(
            "Ngày kết thúc phải sau ngày bắt đầu.",
            "The end date must follow the start date.",
            code="invalid_period",
            field="valid_to",
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, agency=agency, role=role, valid_from=valid_from, defaults={"valid_to": valid_to}
    )
    grants_forget(user)
    audit_record(
        actor=actor,
        action="membership.grant",
        object_type="membership",
        object_id=membership.pk,
        payload={
            "user": user.pk,
            "agency": agency.electronic_id,
            "role": role_key,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return membership


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership, on: date) -> Membership:
    """End a role from a date (history stays: memberships are never deleted). Audited."""
    if actor is not None:
        authorize(actor, "accounts.manage")
    if on is None or on < membership.valid_from:
        raise ValidationError(
            "Ngày kết thúc phải từ ngày bắt đầu trở đi.",
            "The end date cannot be before the start.",
            code="invalid_period",
            field="valid_to",
        )
    membership.valid_to = on
    membership.save(update_fields=["valid_to"])
    if Membership._meta.get_field("user").is_cached(membership):  # a user object already in hand
        grants_forget(membership.user)
    audit_record(
        actor=actor,
        action="membership.end",
        object_type="membership",
        object_id=membership.pk,
        payload={"valid_to": on},
    )
    return membership


@transaction.atomic
def authorisation_record(
    *,
    actor: Any,
    grantee: User,
    basis: str,
    valid_from: date,
    grantor: User | None = None,
    enterprise_code: str = "",
    valid_to: date | None = None,
    procedure_codes: list[str] | None = None,
) -> Authorisation:
    """Record an authorisation (ủy quyền) to act for a person (``grantor``: by the grantor themselves,
    e.g. for a relative) or for a business (``enterprise_code``: from its signed authorisation), or by
    a system administrator from a legal document. Audited."""
    from motcua.accounts.identity import validate_enterprise_code

    if (grantor is None) == (not enterprise_code):
        raise ValueError("give either a grantor or an enterprise code")
    if grantor is None or actor is None or actor.pk != grantor.pk:
        authorize(actor, "accounts.manage")
    if enterprise_code:
        validate_enterprise_code(enterprise_code)
    if grantor is not None and grantor.pk == grantee.pk:
        raise ValidationError(
            "Không thể tự ủy quyền cho chính mình.",
            "A person cannot authorise themselves.",
            code="self_authorisation",
            field="grantee",
        )
    if not basis.strip():
        raise ValidationError(
            "Hãy ghi văn bản ủy quyền.",
            "Name the document of the authorisation.",
            code="basis_required",
            field="basis",
        )
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(
            "Ngày hết hạn phải sau ngày bắt đầu.",
            "The end date must follow the start date.",
            code="invalid_period",
            field="valid_to",
        )
    authorisation = Authorisation.objects.create(
        grantor=grantor,
        enterprise_code=enterprise_code,
        grantee=grantee,
        basis=basis.strip()[:300],
        valid_from=valid_from,
        valid_to=valid_to,
        procedure_codes=sorted(set(procedure_codes or [])),
    )
    audit_record(
        actor=actor,
        action="authorisation.record",
        object_type="authorisation",
        object_id=authorisation.pk,
        payload={
            "grantor": grantor.pk if grantor else None,
            "enterprise": enterprise_code or None,
            "grantee": grantee.pk,
            "procedures": authorisation.procedure_codes,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return authorisation


@transaction.atomic
def role_save(*, actor: Any, role: Role, ip: str | None = None) -> Role:
    """Create or change a role's permissions (system administrators). Unknown permission keys are
    refused so a typo cannot silently grant nothing. Audited with the permissions before and after."""
    from motcua.accounts.permissions import PERMISSIONS

    if actor is not None:
        authorize(actor, "accounts.manage")
    unknown = sorted(set(role.permissions) - set(PERMISSIONS))
    if unknown:
        raise ValidationError(
            f"Quyền không tồn tại: {', '.join(unknown)}.",
            f"Unknown permissions: {', '.join(unknown)}.",
            code="unknown_permission",
            field="permissions",
        )
    before = list(Role.objects.filter(pk=role.pk).values_list("permissions", flat=True)) if role.pk else []
    role.permissions = sorted(set(role.permissions))
    role.save()
    audit_record(
        actor=actor,
        action="role.save",
        object_type="role",
        object_id=role.key,
        ip=ip,
        payload={"before": before[0] if before else None, "after": role.permissions},
    )
    return role


@transaction.atomic
def authorisation_revoke(*, actor: Any, authorisation: Authorisation) -> Authorisation:
    """The grantor (or a system administrator) withdraws an authorisation from now on. Audited."""
    from motcua.core.time import now

    if actor is None or actor.pk != authorisation.grantor_id:
        authorize(actor, "accounts.manage")
    if authorisation.revoked_at is None:
        authorisation.revoked_at = now()
        authorisation.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="authorisation.revoke",
            object_type="authorisation",
            object_id=authorisation.pk,
        )
    return authorisation
