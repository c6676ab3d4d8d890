"""The development provider's OpenID Connect endpoints: discovery, authorize (with its login page),
token (authorization code + PKCE S256), userinfo and JWKS."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlparse

import jwt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts.devidp.keys import jwks, key_id, private_key
from motcua.accounts.devidp.models import DevAuthorizationCode, DevIdentity
from motcua.accounts.devidp.services import dev_identity_from_registry
from motcua.core import ratelimit
from motcua.core.http import client_ip
from motcua.core.time import now

CODE_LIFETIME = timedelta(minutes=2)
TOKEN_LIFETIME = timedelta(minutes=10)


def issuer(request: HttpRequest) -> str:
    return settings.OIDC_DEV_IDP_ISSUER or request.build_absolute_uri(reverse("devidp:root")).rstrip("/")


@require_GET
def configuration(request: HttpRequest) -> JsonResponse:
    base = issuer(request)
    return JsonResponse(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", "profile", "email", "phone"],
            "claims_supported": [
                "sub",
                "name",
                "personal_id",
                "birthdate",
                "gender",
                "email",
                "phone_number",
                "assurance_level",
            ],
        }
    )


@require_GET
def jwks_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(jwks())


LIMITS = {
    "client_id": 100,
    "redirect_uri": 500,
    "scope": 200,
    "state": 200,
    "nonce": 200,
    "code_challenge": 200,
    "code_challenge_method": 10,
    "response_type": 20,
    "personal_id": 12,
    "password": 200,
}


def _param(params, name: str) -> str:
    """A request parameter, refused (as empty) when too long or holding NUL, so nothing odd reaches
    the database (PostgreSQL rejects NUL and over-long values)."""
    value = params.get(name, "")
    return "" if len(value) > LIMITS[name] or "\x00" in value else value


def _redirect_allowed(uri: str) -> bool:
    """Only this site's own login callback, on a host it serves."""
    try:
        parsed = urlparse(uri)
        hostname = parsed.hostname or ""
    except ValueError:
        return False
    hosts = {h.lstrip(".") for h in settings.ALLOWED_HOSTS} | {"127.0.0.1", "localhost"}
    host_ok = "*" in hosts or hostname in hosts
    return (
        parsed.scheme in ("http", "https")
        and host_ok
        and parsed.path == reverse("oidc_authentication_callback")
    )


def _error_page(request: HttpRequest, message_vi: str, message_en: str, status: int = 400) -> HttpResponse:
    return render(request, "devidp/error.html", {"vi": message_vi, "en": message_en}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    raw = request.GET if request.method == "GET" else request.POST
    params = {name: _param(raw, name) for name in LIMITS}
    client_id, redirect_uri = params["client_id"], params["redirect_uri"]
    if client_id != settings.OIDC_RP_CLIENT_ID or not _redirect_allowed(redirect_uri):
        return _error_page(
            request,
            "Ứng dụng yêu cầu đăng nhập không được đăng ký.",
            "The application asking for a login is not registered.",
        )
    state = params.get("state", "")

    def back(**query: str) -> HttpResponse:
        return HttpResponseRedirect(f"{redirect_uri}?{urlencode({**query, 'state': state})}")

    if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
        return back(error="unsupported_response_type")
    if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
        return back(error="invalid_request", error_description="PKCE with S256 is required")

    error = None
    if request.method == "POST":
        personal_id = params["personal_id"].strip()
        if not (
            ratelimit.allow(f"devidp:{client_ip(request)}", limit=20, window_seconds=60)
            and ratelimit.allow(f"devidp-id:{personal_id}", limit=10, window_seconds=300)
        ):
            error = ("Quá nhiều lần thử. Hãy chờ vài phút.", "Too many attempts. Wait a few minutes.")
        else:
            identity = DevIdentity.objects.filter(personal_id=personal_id).first() if personal_id else None
            if identity is None and personal_id:
                identity = dev_identity_from_registry(personal_id=personal_id, password=params["password"])
            if identity is None:
                make_password(params["password"])  # same work as a real check: no timing hint
            if identity is None or not identity.check_password(params["password"]):
                error = (
                    "Số định danh hoặc mật khẩu không đúng.",
                    "The identification number or password is wrong.",
                )
            else:
                code = DevAuthorizationCode.objects.create(
                    code=secrets.token_urlsafe(32),
                    identity=identity,
                    client_id=client_id,
                    redirect_uri=redirect_uri,
                    scope=params.get("scope", ""),
                    nonce=params.get("nonce", ""),
                    code_challenge=params["code_challenge"],
                    code_challenge_method="S256",
                    expires_at=now() + CODE_LIFETIME,
                )
                return back(code=code.code)
    hidden = {
        k: params.get(k, "")
        for k in (
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "state",
            "nonce",
            "code_challenge",
            "code_challenge_method",
        )
    }
    people = DevIdentity.objects.all()[:12]
    return render(
        request,
        "devidp/login.html",
        {"hidden": hidden, "error": error, "people": people, "personal_id": params.get("personal_id", "")},
    )


def _token_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return client_id, secret
        except (ValueError, UnicodeDecodeError):
            return "", ""
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _sign(claims: dict) -> str:
    return jwt.encode(claims, private_key(), algorithm="RS256", headers={"kid": key_id()})


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    client_id, secret = _client_credentials(request)
    if client_id != settings.OIDC_RP_CLIENT_ID or not hmac.compare_digest(
        secret.encode(), settings.OIDC_RP_CLIENT_SECRET.encode()
    ):
        return _token_error("invalid_client", "unknown client or wrong secret", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type", "only authorization_code")
    with transaction.atomic():
        code = (
            DevAuthorizationCode.objects.select_for_update()
            .select_related("identity")
            .filter(code=request.POST.get("code", ""))
            .first()
        )
        if code is None or code.used or code.expires_at < now() or code.client_id != client_id:
            return _token_error("invalid_grant", "the code is unknown, used or expired")
        if code.redirect_uri != request.POST.get("redirect_uri", ""):
            return _token_error("invalid_grant", "redirect_uri does not match")
        verifier = request.POST.get("code_verifier", "")
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or not hmac.compare_digest(expected.encode(), code.code_challenge.encode()):
            return _token_error("invalid_grant", "PKCE verification failed")
        code.used = True
        code.save(update_fields=["used"])
    identity, issued = code.identity, now()
    common = {
        "iss": issuer(request),
        "sub": identity.subject,
        "iat": int(issued.timestamp()),
        "exp": int((issued + TOKEN_LIFETIME).timestamp()),
    }
    id_token = _sign(
        {
            **common,
            "aud": client_id,
            "nonce": code.nonce,
            "auth_time": int(issued.timestamp()),
            "acr": str(identity.assurance_level),
        }
    )
    access_token = _sign({**common, "aud": "userinfo", "scope": code.scope})
    return JsonResponse(
        {
            "access_token": access_token,
            "id_token": id_token,
            "token_type": "Bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
        }
    )


@require_GET
def userinfo(request: HttpRequest) -> JsonResponse:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return _token_error("invalid_token", "a bearer token is required", 401)
    try:
        claims = jwt.decode(
            header[7:],
            private_key().public_key(),
            algorithms=["RS256"],
            audience="userinfo",
            issuer=issuer(request),
        )
    except jwt.PyJWTError:
        return _token_error("invalid_token", "the token is not valid", 401)
    identity = DevIdentity.objects.filter(subject=claims["sub"]).first()
    if identity is None:
        return _token_error("invalid_token", "unknown subject", 401)
    return JsonResponse(
        {
            "sub": identity.subject,
            "name": identity.full_name,
            "personal_id": identity.personal_id,
            "birthdate": identity.date_of_birth.isoformat(),
            "gender": identity.sex,
            "email": identity.email,
            "phone_number": identity.phone,
            "assurance_level": identity.assurance_level,
        }
    )


def root(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("devidp:configuration"))
