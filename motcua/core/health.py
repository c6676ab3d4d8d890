"""Health checks the apps add to ``/healthz`` and to the administrators' system page.

``core`` sits below every app, so it never imports them: an app registers a named check in its
``AppConfig.ready()``, e.g. the results app says whether OCR is installed. A check returns a
``HealthCheck``; one that raises is reported "degraded" with the exception's class.

Statuses:
- ``ok``;
- ``unavailable``: an optional part is not installed or switched off (OCR without tesseract). Only
  information: the overall status stays "ok", since the service works without it;
- ``degraded``: something users need works badly; the overall status becomes "degraded".
A registered check never makes ``/healthz`` answer 503: a load balancer must not take every server
out because of one feature (only the database and the task queue do).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK = "ok"
UNAVAILABLE = "unavailable"
DEGRADED = "degraded"
STATUSES = (OK, UNAVAILABLE, DEGRADED)


@dataclass(frozen=True)
class HealthCheck:
    """One check's answer: its status, and what it means in Vietnamese and English (for the
    administrators' page; ``/healthz`` shows the English text)."""

    status: str
    title_vi: str
    title_en: str
    detail_vi: str = ""
    detail_en: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown health status {self.status!r}")

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status}
        if self.status != OK and self.detail_en:
            body["detail"] = self.detail_en
        return {**body, **self.data}


_CHECKS: dict[str, Callable[[], HealthCheck]] = {}


def health_check_register(name: str, check: Callable[[], HealthCheck]) -> None:
    """Add (or replace) the check called ``name``; ``ready()`` may run more than once."""
    if name in ("database", "tasks"):
        raise ValueError(f"{name!r} is core's own check")
    _CHECKS[name] = check


def health_checks_run() -> dict[str, HealthCheck]:
    """Every registered check's answer, in the order they were registered."""
    answers = {}
    for name, check in _CHECKS.items():
        try:
            answers[name] = check()
        except Exception as error:  # a broken check says so instead of breaking /healthz
            answers[name] = HealthCheck(
                status=DEGRADED,
                title_vi=name,
                title_en=name,
                detail_vi=f"Không kiểm tra được ({error.__class__.__name__}).",
                detail_en=f"The check failed ({error.__class__.__name__}).",
            )
    return answers


def health_degraded(answers: dict[str, HealthCheck]) -> bool:
    """Whether the registered checks make the overall status "degraded" ("unavailable" does not)."""
    return any(answer.status == DEGRADED for answer in answers.values())
