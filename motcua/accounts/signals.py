"""Sign-in events into the audit log: logins, failures and lockouts (issue 4)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.audit.services import audit_record
from motcua.core.http import client_ip


def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(
        actor=user,
        action="auth.login",
        object_type="user",
        object_id=user.pk,
        ip=_ip(request),
        payload={"backend": getattr(user, "backend", "")},
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", object_type="user", object_id=user.pk, ip=_ip(request))


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Only the username is kept: never the password that was typed.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None,
        action="auth.login_failed",
        object_type="username",
        object_id=username[:100],
        ip=_ip(request),
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit_record(
        actor=None,
        action="auth.locked_out",
        object_type="username",
        object_id=str(username)[:100],
        ip=_ip(request),
    )


def axes_ignores(request, credentials) -> bool:
    """django-axes: ignore attempts without a username (the OIDC callback of e-ID logins)."""
    return not (credentials or {}).get("username")


@receiver(post_delete, sender=TOTPDevice)
def audit_device_removed(sender, instance, **kwargs):
    audit_record(actor=None, action="auth.otp_device_removed", object_type="user", object_id=instance.user_id)
