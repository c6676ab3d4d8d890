"""The REST API (django-ninja): OpenAPI at /api/v1/openapi.json, documentation at /api/docs.

Errors are RFC 9457 problem details in one shape, whatever raised them.
"""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.catalogue.api import router as catalogue_router
from motcua.core.errors import MotcuaError
from motcua.dossiers.api import public as dossier_lookup_router
from motcua.dossiers.api import router as dossiers_router
from motcua.dossiers.apply_api import router as drafts_router

PROBLEM = "application/problem+json"

api = NinjaAPI(
    title="motcua API",
    version="1",
    description="Procedures, dossiers and results of the one-stop administrative procedure system.",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/procedures", catalogue_router, tags=["catalogue"])
api.add_router("/dossiers/drafts", drafts_router, tags=["applying"])
api.add_router("/dossiers", dossiers_router, tags=["dossiers"])
api.add_router("/dossier-lookup", dossier_lookup_router, tags=["dossiers"])


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


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    body = {
        "type": f"urn:motcua:error:http_{exc.status_code}",
        "title": str(exc),
        "status": exc.status_code,
        "code": f"http_{exc.status_code}",
        "detail": str(exc),
    }
    return _problem(api, request, body, exc.status_code)
