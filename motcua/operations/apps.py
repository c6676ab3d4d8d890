"""The service index, KPIs and early warnings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "motcua.operations"
    label = "operations"
    verbose_name = _("Operations centre")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.dossiers.services import dossier_event
        from motcua.operations.selectors import unit_history_forget
        from motcua.operations.summaries import on_dossier_event
        from motcua.places.models import UnitSuccession

        # The summaries follow every reception and result, in the transition's transaction.
        dossier_event.connect(on_dossier_event, dispatch_uid="operations.summaries")
        # A merge recorded or corrected counts at once under the unit it went to.
        for signal in (post_save, post_delete):
            signal.connect(unit_history_forget, sender=UnitSuccession, dispatch_uid=f"operations.{signal}")
        # The early warnings are swept by the task worker's scheduler (every 15 minutes by default).
        from datetime import timedelta

        from motcua.core.schedule import periodic_job_register
        from motcua.operations.tasks import warnings_sweep_run
        from motcua.operations.warnings import warning_config

        every = timedelta(minutes=warning_config().sweep_every_minutes)
        periodic_job_register("operations.warnings_sweep", every=every, task=warnings_sweep_run)
