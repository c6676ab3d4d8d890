"""Small request helpers shared by views and admin."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the audit log.

    Behind trusted proxies (``TRUSTED_PROXIES`` = how many) the client is the entry that the nearest
    trusted proxy appended, counted from the right: entries further left come from the client and can
    be forged. Without trusted proxies the header is ignored.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if trusted and len(forwarded) >= trusted:
        candidate = forwarded[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def safe_next(request: HttpRequest, *candidates: str | None, default: str = "/") -> str:
    """The first candidate URL, if it stays on this site; else ``default`` (no open redirects)."""
    target = next((c for c in candidates if c), default)
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
