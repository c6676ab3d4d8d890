"""Site-wide pages: home, health check, display preferences."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.permissions import authorize
from motcua.core.context_processors import TEXT_SIZE_COOKIE, TEXT_SIZES
from motcua.core.errors import PermissionDenied
from motcua.core.health import HealthCheck, health_checks_run, health_degraded
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


def _core_checks() -> dict[str, dict]:
    """The database and the task queue: "down" in either makes /healthz answer 503."""
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # any driver error means "down"
        checks["database"] = {"status": "down", "error": exc.__class__.__name__}
        return checks
    try:
        checks["tasks"] = _task_queue_status()
    except Exception as exc:
        checks["tasks"] = {"status": "down", "error": exc.__class__.__name__}
    return checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: 503 when the database is unreachable; "degraded" when the task
    queue is reachable but no worker has taken a ready task for longer than the allowed lag, or an
    app's check (``motcua.core.health``) says so. An optional part missing ("unavailable", e.g. OCR)
    is listed and leaves the status "ok"."""
    checks = _core_checks()
    if any(c["status"] == "down" for c in checks.values()):
        return JsonResponse({"status": "down", "checks": checks}, status=503)
    registered = health_checks_run()
    core_ok = all(c["status"] == "ok" for c in checks.values())
    overall = "ok" if core_ok and not health_degraded(registered) else "degraded"
    checks.update({name: answer.as_json() for name, answer in registered.items()})
    return JsonResponse({"status": overall, "checks": checks})


CORE_CHECK_TITLES = {
    "database": ("Cơ sở dữ liệu", "Database"),
    "tasks": ("Hàng đợi tác vụ nền", "Background task queue"),
}


def _core_explained(name: str, check: dict) -> HealthCheck:
    """The database's and queue's answers in words, for the administrators' page."""
    vi_title, en_title = CORE_CHECK_TITLES[name]
    if check["status"] == "ok":
        vi, en = "Hoạt động bình thường.", "Working."
        if name == "tasks" and "ready" in check:
            vi = f"Hoạt động bình thường; {check['ready']} tác vụ đang chờ."
            en = f"Working; {check['ready']} task(s) waiting."
    elif name == "tasks" and check["status"] == "degraded":
        vi = (
            f"Tác vụ chờ lâu nhất đã {check['oldest_ready_seconds']} giây: không có tiến trình worker nào "
            "đang chạy (chạy `motcua worker`). Thông báo, số hóa bản quét bị chậm."
        )
        en = (
            f"The oldest waiting task has waited {check['oldest_ready_seconds']} s: no worker is running "
            "(run `motcua worker`). Notices and digitisation are delayed."
        )
    else:
        vi = f"Không kết nối được ({check.get('error', '')})."
        en = f"Unreachable ({check.get('error', '')})."
    status = "ok" if check["status"] == "ok" else "degraded"
    return HealthCheck(status=status, title_vi=vi_title, title_en=en_title, detail_vi=vi, detail_en=en)


def _may_see_system(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    try:
        authorize(user, "accounts.manage")
    except PermissionDenied:
        return False
    return True


@never_cache
@require_GET
def system_health(request: HttpRequest) -> HttpResponse:
    """The administrators' health page ("tình trạng hệ thống"): every check, explained in Vietnamese
    and English — e.g. that OCR is not installed, so scans are kept without text."""
    if not _may_see_system(request.user):
        return render(request, "core/system_health.html", {"allowed": False}, status=403)
    core = _core_checks()
    answers = {name: _core_explained(name, check) for name, check in core.items()}
    if all(c["status"] != "down" for c in core.values()):
        answers.update(health_checks_run())
    return render(
        request,
        "core/system_health.html",
        {"allowed": True, "checks": list(answers.items()), "checked_at": now()},
    )
