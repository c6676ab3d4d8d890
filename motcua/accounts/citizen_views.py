"""Citizens' own pages (signed in with e-ID)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache


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


@never_cache
@citizen_login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    masked = f"{user.personal_id[:3]}******{user.personal_id[-3:]}" if user.personal_id else ""
    return render(request, "accounts/profile.html", {"person": user, "masked_id": masked})
