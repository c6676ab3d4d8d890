"""Citizens' own pages (signed in with e-ID)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from motcua.accounts.contacts import contact_verification_confirm, contact_verification_start
from motcua.accounts.models import ContactVerification
from motcua.core.errors import ValidationError
from motcua.notifications.models import Message


def citizen_login_required(view):
    """Send a visitor who is not signed in to the e-ID login, then back here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(
                f"{reverse('oidc_authentication_init')}?{urlencode({'next': request.get_full_path()})}"
            )
        return view(request, *args, **kwargs)

    return wrapper


def _profile(
    request: HttpRequest, *, pending: str | None = None, errors: dict | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    masked = f"{user.personal_id[:3]}******{user.personal_id[-3:]}" if user.personal_id else ""
    return render(
        request,
        "accounts/profile.html",
        {
            "person": user,
            "masked_id": masked,
            "pending": pending,
            "errors": errors or {},
            "demo_sms": settings.MOTCUA_DEMO,
        },
        status=status,
    )


@never_cache
@citizen_login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@never_cache
@require_POST
@citizen_login_required
def contact_start(request: HttpRequest) -> HttpResponse:
    """Step 1: the new phone or e-mail; a code goes there."""
    channel = request.POST.get("channel", "")
    if channel not in ContactVerification.Channel.values:
        return _profile(request, status=400)
    try:
        contact_verification_start(
            user=request.user,
            channel=channel,
            value=request.POST.get("value", ""),
            language=get_language() or "vi",
        )
    except ValidationError as error:
        return _profile(request, errors={channel: str(error)}, status=400)
    messages.success(request, _("A code was sent. Enter it below to confirm."))
    return _profile(request, pending=channel)


@never_cache
@require_POST
@citizen_login_required
def contact_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: the code typed back; the contact changes."""
    channel = request.POST.get("channel", "")
    if channel not in ContactVerification.Channel.values:
        return _profile(request, status=400)
    try:
        contact_verification_confirm(user=request.user, channel=channel, code=request.POST.get("code", ""))
    except ValidationError as error:
        return _profile(request, pending=channel, errors={f"{channel}_code": str(error)}, status=400)
    messages.success(request, _("Your contact details were updated."))
    return redirect("citizen:profile")


@never_cache
@citizen_login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The citizen's in-app notices, newest first."""
    items = Message.objects.filter(user=request.user, channel=Message.Channel.IN_APP)[:50]
    return render(request, "accounts/inbox.html", {"items": items})
