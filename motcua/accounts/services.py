"""Writes of the accounts app."""

from __future__ import annotations

from django.db import transaction

from motcua.accounts.models import User
from motcua.audit.services import audit_record


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
