"""Pages of electronic results: the signer's page, downloads, the counter's certified print, and
the public verification page anyone reaches from the QR code."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts.citizen_views import citizen_login_required
from motcua.accounts.permissions import authorize
from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, PermissionDenied
from motcua.core.http import client_ip
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_viewable
from motcua.results import signing
from motcua.results.documents import template_for
from motcua.results.models import ResultDocument
from motcua.results.selectors import VERIFY_LIMIT, code_normalise, result_by_code, result_verify
from motcua.results.services import (
    result_preview,
    result_print,
    result_sign,
    signer_title_default,
)

MAX_VERIFY_BYTES = 10 * 1024 * 1024
DIGITS = frozenset("0123456789")  # not str.isdigit: it takes fullwidth and other scripts' digits
HOLDER_GUESSES_PER_CODE = 10  # a day


def _address_block(ip: str | None) -> str:
    """The address a limit counts against: an IPv4 address, or the /64 an IPv6 host chooses from."""
    import ipaddress

    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _office_dossier(request: HttpRequest, pk: int) -> Dossier:
    dossier = dossier_viewable(user=request.user, pk=pk)
    if dossier is None:
        raise Http404(_("There is no such dossier."))
    return dossier


def _pdf(content: bytes, name: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _signed_bytes(result: ResultDocument) -> bytes:
    with result.pdf.open("rb") as handle:
        return handle.read()


# --- the signer ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The signer reads what will be issued (the data, a preview PDF, the certificate) and signs."""
    dossier = _office_dossier(request, pk)
    if dossier.e_result_code:
        messages.info(request, _("The result is already signed."))
        return redirect("desk:dossier", pk=pk)
    title = request.POST.get("signer_title", "")[:150] if request.method == "POST" else ""
    if request.method == "POST":
        try:
            result = result_sign(
                official=request.user, dossier=dossier, signer_title=title, ip=client_ip(request)
            )
        except MotcuaError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Signed: result %(number)s, verification code %(code)s.")
                % {"number": result.number, "code": result.code},
            )
            return redirect("desk:dossier", pk=pk)
    definition = dossier.procedure_version.data["result"]
    template = template_for(definition.get("template", ""))
    certificate, certificate_error = None, ""
    try:
        signer = signing.signer_for(dossier.competent_agency)
        certificate = {
            "holder": signing.certificate_names(signer.signing_cert.subject),
            "issuer": signing.certificate_names(signer.signing_cert.issuer),
            "fingerprint": signing.certificate_fingerprint(signer.signing_cert),
            "valid_to": signer.signing_cert.not_valid_after,
        }
    except MotcuaError as error:
        certificate_error = str(error)
    return render(
        request,
        "results/sign.html",
        {
            "dossier": dossier,
            "result_name": definition["name"],
            "template": template,
            "signer_title": title or signer_title_default(dossier.competent_agency),
            "certificate": certificate,
            "certificate_error": certificate_error,
        },
    )


@never_cache
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _office_dossier(request, pk)
    try:
        content = result_preview(
            official=request.user, dossier=dossier, signer_title=request.GET.get("signer_title", "")[:150]
        )
    except MotcuaError as error:
        messages.error(request, str(error))
        return redirect("desk:dossier", pk=pk)
    return _pdf(content, f"xem-truoc-{dossier.code}.pdf")


@never_cache
@require_GET
def office_download(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _office_dossier(request, pk)
    result = ResultDocument.objects.filter(dossier=dossier).first()
    if result is None:
        raise Http404(_("This dossier has no electronic result yet."))
    return _pdf(_signed_bytes(result), f"ket-qua-{result.code}.pdf", attachment=True)


@never_cache
@require_POST
def certified_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The counter prints the signed result on request, with the certified-print note; the copy and,
    when asked, the hand-over are recorded."""
    dossier = _office_dossier(request, pk)
    result = ResultDocument.objects.filter(dossier=dossier).first()
    if result is None:
        raise Http404(_("This dossier has no electronic result yet."))
    raw = request.POST.get("copies", "1")
    copies = int(raw) if raw.isdecimal() and len(raw) < 3 else 0
    try:
        content, _record = result_print(
            official=request.user,
            result=result,
            copies=copies,
            deliver=request.POST.get("deliver") == "1",
            ip=client_ip(request),
        )
    except MotcuaError as error:
        messages.error(request, str(error))
        return redirect("desk:dossier", pk=pk)
    return _pdf(content, f"ban-in-{result.code}.pdf")


# --- the holder ---------------------------------------------------------------------------------


@never_cache
@require_GET
@citizen_login_required
def holder_download(request: HttpRequest, code: str) -> HttpResponse:
    """The signed result, for the applicant of its dossier (or one acting for them)."""
    result = result_by_code(code)
    if result is None:
        raise Http404(_("There is no such result."))
    try:
        authorize(request.user, "dossier.view_own", result.dossier)
    except PermissionDenied as error:
        raise Http404(str(error)) from error
    return _pdf(_signed_bytes(result), f"ket-qua-{result.code}.pdf", attachment=True)


# --- anyone ---------------------------------------------------------------------------------------


@require_GET
def verify_start(request: HttpRequest) -> HttpResponse:
    """Type the code printed under the QR code (for those who hold the paper without a phone)."""
    code = code_normalise(request.GET.get("ma", ""))
    if code:
        return redirect("results:verify", code=code)
    return render(request, "results/verify_start.html")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Genuine or not, with the least personal data: initials, unless the holder's number is given;
    a file shown here is genuine only if it is, byte for byte, the one issued."""
    personal_id, content, error = "", None, ""
    if request.method == "POST":
        ip = _address_block(client_ip(request))
        if not ratelimit.allow(f"verify:{ip}", limit=VERIFY_LIMIT, window_seconds=3600):
            return render(request, "results/verify.html", {"code": code, "error": "limited"}, status=429)
        personal_id = "".join(ch for ch in request.POST.get("personal_id", "")[:20] if ch in DIGITS)
        if personal_id and not ratelimit.allow(
            f"verify-holder:{code_normalise(code)}", limit=HOLDER_GUESSES_PER_CODE, window_seconds=86400
        ):  # guessing the holder's number of one result, from however many addresses
            return render(request, "results/verify.html", {"code": code, "error": "limited"}, status=429)
        upload = request.FILES.get("file")
        if upload is not None:
            # Whatever was uploaded is compared with the issued file; one too large cannot be it.
            content = b"" if upload.size > MAX_VERIFY_BYTES else bytes(upload.read(MAX_VERIFY_BYTES + 1))
            if not content:
                error = "too_large" if upload.size else "empty"
            elif not content[:1024].lstrip().startswith(b"%PDF-"):
                error = "not_pdf"
    answer = result_verify(code=code, personal_id=personal_id, content=content)
    return render(
        request,
        "results/verify.html",
        {
            "code": code_normalise(code),
            "answer": answer,
            "result": answer.result,
            "asked_holder": bool(personal_id),
            "error": error,
        },
        status=200 if answer.result is not None else 404,
    )
