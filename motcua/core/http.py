"""Small request helpers shared by views and admin."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the audit log.

    Behind a TLS proxy (``BEHIND_TLS_PROXY``) the first X-Forwarded-For entry is the client; otherwise
    the header is ignored, because anyone can send it.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
