import logging
import time
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger("motcua.request")


class RequestLogMiddleware:
    """Give every request an id (echoed as ``X-Request-ID``) and log one line when it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.id = uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        if not request.path.startswith("/static/"):
            logger.info(
                "request",
                extra={
                    "request_id": request.id,
                    "method": request.method,
                    "path": request.path,  # never the query string: it may hold personal data
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response


class LanguageMiddleware:
    """Vietnamese unless the reader chose English with the switch (remembered in a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many phones in Viet Nam
    are set to English: the public service speaks Vietnamese first (docs/decisions/0003-language.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class NulCharacterGuard:
    """Refuse, with a 400 a person can read, any request whose query, form fields or JSON body hold a
    NUL character: PostgreSQL cannot store one in text, and no person types it. One door for
    every page and endpoint, so none of them fails with a database error on it."""

    MESSAGE = (
        "Yêu cầu chứa ký tự không hợp lệ (NUL); hãy nhập lại nội dung.",
        "The request contains an invalid character (NUL); type the text again.",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._holds_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request) -> bool:
        def holds(query) -> bool:
            return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())

        if holds(request.GET):  # a NUL in the path matches no address: those answer 404 already
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body
            return b"\\u0000" in body or b"\x00" in body
        if request.method == "POST" and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            return holds(request.POST)
        return False

    def _refuse(self, request):
        import json

        from django.http import HttpResponse

        vi, en = self.MESSAGE
        if request.path.startswith("/api/"):
            body = {
                "type": "urn:motcua:error:nul_character",
                "title": en,
                "status": 400,
                "code": "nul_character",
                "detail": vi,
                "detail_vi": vi,
                "detail_en": en,
            }
            return HttpResponse(json.dumps(body), status=400, content_type="application/problem+json")
        return HttpResponse(f"{vi}\n{en}\n", status=400, content_type="text/plain; charset=utf-8")
