"""The REST API (django-ninja): OpenAPI at /api/v1/openapi.json, documentation at /api/docs.

Errors are RFC 9457 problem details in one shape, whatever raised them.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.catalogue.api import router as catalogue_router
from motcua.core.errors import MotcuaError
from motcua.dossiers.api import public as dossier_lookup_router
from motcua.dossiers.api import router as dossiers_router
from motcua.dossiers.apply_api import router as drafts_router
from motcua.operations.api import router as operations_router

PROBLEM = "application/problem+json"

api = NinjaAPI(
    title="motcua API",
    version="1",
    description=(
        "Procedures, dossiers, results and the service index of the one-stop administrative procedure system."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/procedures", catalogue_router, tags=["catalogue"])
api.add_router("/dossiers/drafts", drafts_router, tags=["applying"])
api.add_router("/dossiers", dossiers_router, tags=["dossiers"])
api.add_router("/dossier-lookup", dossier_lookup_router, tags=["dossiers"])
api.add_router("/operations", operations_router, tags=["operations"])


def _problem(api: NinjaAPI, request: HttpRequest, body: dict, status: int) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


@api.exception_handler(MotcuaError)
def motcua_error(request: HttpRequest, exc: MotcuaError) -> HttpResponse:
    return _problem(api, request, exc.as_dict(), exc.status)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    body = {
        "type": "urn:motcua:error:invalid_request",
        "title": "The request is not valid",
        "status": 422,
        "code": "invalid_request",
        "detail": "Yêu cầu không hợp lệ. / The request is not valid.",
        "errors": [{"loc": [str(p) for p in e.get("loc", [])], "msg": e.get("msg", "")} for e in exc.errors],
    }
    return _problem(api, request, body, 422)


# What the framework itself refuses, said as people read it (Vietnamese, then English).
HTTP_WORDS = {
    401: ("Hãy đăng nhập trước (VNeID cho người dân, văn phòng cho cán bộ).", "Sign in first."),
    403: (
        "Thiếu mã chống giả mạo (CSRF): gửi kèm tiêu đề X-CSRFToken lấy từ cookie csrftoken.",
        "The anti-forgery token is missing: send the X-CSRFToken header from the csrftoken cookie.",
    ),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    vi, en = HTTP_WORDS.get(exc.status_code, (str(exc), str(exc)))
    english = (get_language() or "vi").startswith("en")
    body = {
        "type": f"urn:motcua:error:http_{exc.status_code}",
        "title": en,
        "status": exc.status_code,
        "code": f"http_{exc.status_code}",
        "detail": en if english else vi,
        "detail_vi": vi,
        "detail_en": en,
    }
    return _problem(api, request, body, exc.status_code)


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return http_error(request, exc)
