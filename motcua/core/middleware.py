import logging
import time
import uuid

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
