"""The core app's one table: when each periodic job last ran (``motcua.core.schedule``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """One row per periodic job: when it is next due and when it last ran. Workers take a due job by
    moving ``next_due_at`` forward in a locked row, so one run is enqueued per interval however many
    workers there are."""

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    next_due_at = models.DateTimeField(_("next due"))
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_task_id = models.CharField(_("last task"), max_length=64, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return f"{self.name}: next {self.next_due_at:%Y-%m-%d %H:%M}"
