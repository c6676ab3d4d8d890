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
