"""Back-office sign-in for officials: password, then a TOTP code; the official's desk."""

from __future__ import annotations

import base64
import time

import segno
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.assisted import assisted_session_end, assisted_session_start
from motcua.accounts.forms import AssistedForm, BackOfficeLoginForm, CodeForm
from motcua.accounts.models import AssistedSession, User
from motcua.accounts.selectors import can_use_back_office, memberships_in_force
from motcua.audit.services import audit_record
from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, PermissionDenied
from motcua.core.http import client_ip, safe_next
from motcua.core.time import today
from motcua.places.models import Agency

PENDING_SECONDS = 300  # the password step is valid this long without a code
OTP_WINDOW = 300


def _safe_next(request: HttpRequest) -> str:
    return safe_next(
        request,
        request.POST.get("next"),
        request.GET.get("next"),
        request.session.get("pre2fa_next"),
        default="/van-phong/",
    )


def _pending_user(request: HttpRequest) -> User | None:
    user_id, started = request.session.get("pre2fa_user"), request.session.get("pre2fa_at", 0)
    if not user_id or time.time() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


@never_cache
@require_http_methods(["GET", "POST"])
def backoffice_login(request: HttpRequest) -> HttpResponse:
    form = BackOfficeLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(f"login-ip:{client_ip(request)}", limit=30, window_seconds=60):
            form.add_error(
                None, _("Too many sign-in attempts from this address. Wait a minute and try again.")
            )
        else:
            user = authenticate(
                request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
            if user is None:
                form.add_error(None, _("The username or password is not correct."))
            elif not can_use_back_office(user, on=today()):
                form.add_error(None, _("This is not an official's account. Citizens sign in with VNeID."))
            else:
                request.session.cycle_key()
                request.session["pre2fa_user"] = user.pk
                request.session["pre2fa_at"] = time.time()
                request.session["pre2fa_next"] = _safe_next(request)
                if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                    return redirect("accounts:backoffice-code")
                return redirect("accounts:backoffice-setup")
    return render(
        request,
        "accounts/backoffice_login.html",
        {
            "form": form,
            "idle": request.GET.get("idle") == "1",
            "next": request.GET.get("next", ""),
        },
    )


def _code_attempt_allowed(request: HttpRequest, user: User, form: CodeForm) -> bool:
    if ratelimit.allow(f"otp:{user.pk}", limit=settings.MOTCUA_OTP_ATTEMPTS, window_seconds=OTP_WINDOW):
        return True
    form.add_error("code", _("Too many wrong codes. Wait 5 minutes and try again."))
    audit_record(
        actor=user,
        action="auth.otp_rate_limited",
        object_type="user",
        object_id=user.pk,
        ip=client_ip(request),
    )
    return False


def _complete(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    target = _safe_next(request)
    for key in ("pre2fa_user", "pre2fa_at", "pre2fa_next"):
        request.session.pop(key, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    request.session["backoffice_last_seen"] = time.time()
    ratelimit.reset(f"otp:{user.pk}", window_seconds=OTP_WINDOW)
    return redirect(target)


@never_cache
@require_http_methods(["GET", "POST"])
def backoffice_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:backoffice-login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:backoffice-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _code_attempt_allowed(request, user, form):
        if device.verify_token(form.cleaned_data["code"]):
            return _complete(request, user, device)
        form.add_error("code", _("The code is not correct or has expired. Enter the code shown now."))
        audit_record(
            actor=user, action="auth.otp_failed", object_type="user", object_id=user.pk, ip=client_ip(request)
        )
    return render(request, "accounts/backoffice_code.html", {"form": form, "official": user})


@never_cache
@require_http_methods(["GET", "POST"])
def backoffice_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: link an authenticator app (scan the QR code, then enter a code to confirm)."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:backoffice-login")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:backoffice-code")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _code_attempt_allowed(request, user, form):
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(
                actor=user,
                action="auth.otp_device_confirmed",
                object_type="user",
                object_id=user.pk,
                ip=client_ip(request),
            )
            return _complete(request, user, device)
        form.add_error("code", _("The code is not correct or has expired. Enter the code shown now."))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1b1b1f", light="#ffffff")
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/backoffice_setup.html", {"form": form, "qr": qr, "secret": secret})


@require_POST
def backoffice_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:backoffice-login")


def _desk(request: HttpRequest, *, form: AssistedForm | None = None, status: int = 200) -> HttpResponse:
    memberships = list(memberships_in_force(request.user, on=today()).order_by("agency__name", "role__key"))
    agencies: dict[int, dict] = {}
    for m in memberships:
        entry = agencies.setdefault(
            m.agency_id, {"agency": m.agency, "roles": [], "counter": False, "verifier": False}
        )
        entry["roles"].append(m.role)
        granted = m.role.permissions or []
        entry["counter"] = entry["counter"] or "dossier.start_assisted" in granted
        entry["verifier"] = entry["verifier"] or "registry.resolve_exception" in granted
    for entry in agencies.values():
        if entry["counter"]:
            bound = form is not None and form.data.get("agency") == str(entry["agency"].pk)
            entry["form"] = form if bound else AssistedForm(initial={"agency": entry["agency"].pk})
    active = AssistedSession.objects.filter(official=request.user, ended_at__isnull=True).first()
    return render(
        request,
        "accounts/desk.html",
        {"agencies": list(agencies.values()), "assisting": active},
        status=status,
    )


@never_cache
def desk(request: HttpRequest) -> HttpResponse:
    """The official's desk: their agencies and roles, and serving a citizen at the counter (the dossier
    queue joins it)."""
    return _desk(request)


@require_POST
def assisted_start(request: HttpRequest) -> HttpResponse:
    form = AssistedForm(request.POST)
    if form.is_valid():
        agency = Agency.objects.filter(pk=form.cleaned_data["agency"]).first()
        try:
            if agency is None:
                raise PermissionDenied("Không có cơ quan này.", "There is no such agency.")
            assisted_session_start(
                official=request.user,
                agency=agency,
                ip=client_ip(request),
                **{
                    k: form.cleaned_data[k]
                    for k in ("personal_id", "full_name", "date_of_birth", "document_kind", "document_number")
                },
            )
        except MotcuaError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return redirect("accounts:desk")
    return _desk(request, form=form, status=400)


@require_POST
def assisted_end(request: HttpRequest) -> HttpResponse:
    session = AssistedSession.objects.filter(official=request.user, ended_at__isnull=True).first()
    if session is not None:
        assisted_session_end(official=request.user, session=session, ip=client_ip(request))
    return redirect("accounts:desk")


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """What django-axes shows after too many failed sign-ins (HTTP 429)."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
