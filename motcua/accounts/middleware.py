"""The back office (officials' pages and the Django admin) needs a verified second factor."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

BACK_OFFICE_PREFIXES = ("/van-phong/", "/admin/")
# Pages of the sign-in itself, reachable before the second factor.
OPEN_PATHS = (
    "/van-phong/dang-nhap",
    "/van-phong/xac-thuc",
    "/van-phong/cai-dat-xac-thuc",
    "/van-phong/dang-xuat",
)


def is_back_office(path: str) -> bool:
    """``path`` is the path inside the site (``request.path_info``); the sign-in pages match exactly."""
    return path.startswith(BACK_OFFICE_PREFIXES) and path not in OPEN_PATHS


def backoffice_session_fresh(request) -> bool:
    """Keep an official's session alive, or sign it out (False) after ``BACKOFFICE_IDLE_MINUTES``
    without a request. The pages and the API share the one clock."""
    now = time.time()
    last_seen = request.session.get("backoffice_last_seen", now)
    if now - last_seen > settings.MOTCUA_BACKOFFICE_IDLE_MINUTES * 60:
        logout(request)
        return False
    if now - last_seen > 30 or "backoffice_last_seen" not in request.session:
        request.session["backoffice_last_seen"] = now  # write at most every 30 s
    return True


class BackOfficeGuard:
    """Every back-office URL requires a user who passed password *and* TOTP in this session, and signs
    them out after ``BACKOFFICE_IDLE_MINUTES`` without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_back_office(request.path_info):
            user = request.user
            if not (user.is_authenticated and user.is_verified()):
                return self._to_login(request)
            if not backoffice_session_fresh(request):
                return self._to_login(request, idle=True)
        return self.get_response(request)

    @staticmethod
    def _to_login(request, *, idle: bool = False):
        params = {"next": request.get_full_path()}
        if idle:
            params["idle"] = "1"
        return redirect(f"{reverse('accounts:backoffice-login')}?{urlencode(params)}")
