"""Site-wide pages: home, health check, display preferences."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.core.context_processors import TEXT_SIZE_COOKIE, TEXT_SIZES
from motcua.core.http import safe_next
from motcua.core.time import now
from motcua.places.calendar import WorkCalendar


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    at = now()
    calendar = WorkCalendar.nationwide()
    return render(
        request,
        "core/home.html",
        {
            "today": at.date(),
            "today_is_working_day": calendar.is_working_day(at.date()),
            "next_opening": calendar.next_working_start(at),
        },
    )


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """Switch between normal and large text; remembered for a year, works without JavaScript."""
    size = request.POST.get("size")
    response = HttpResponseRedirect(
        safe_next(request, request.POST.get("next"), request.META.get("HTTP_REFERER"))
    )
    if size in TEXT_SIZES:
        response.set_cookie(
            TEXT_SIZE_COOKIE,
            size,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SECURE_COOKIES,
            httponly=True,
        )
    return response


def _task_queue_status() -> dict:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != "django_tasks_db.DatabaseBackend":
        return {"status": "ok", "backend": backend}
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("run_after").values_list("run_after", flat=True).first()
    lag = max((now() - oldest), timedelta(0)).total_seconds() if oldest else 0.0
    status = "ok" if lag <= settings.MOTCUA_TASK_QUEUE_MAX_LAG_SECONDS else "degraded"
    return {
        "status": status,
        "backend": "database",
        "ready": ready.count(),
        "oldest_ready_seconds": round(lag),
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: 503 when the database is unreachable; "degraded" when the task
    queue is reachable but no worker has taken a ready task for longer than the allowed lag."""
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # any driver error means "down"
        checks["database"] = {"status": "down", "error": exc.__class__.__name__}
        return JsonResponse({"status": "down", "checks": checks}, status=503)
    try:
        checks["tasks"] = _task_queue_status()
    except Exception as exc:
        checks["tasks"] = {"status": "down", "error": exc.__class__.__name__}
    overall = "ok" if all(c["status"] == "ok" for c in checks.values()) else "degraded"
    if checks["tasks"]["status"] == "down":
        return JsonResponse({"status": "down", "checks": checks}, status=503)
    return JsonResponse({"status": overall, "checks": checks})
