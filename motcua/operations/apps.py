"""The service index, KPIs and early warnings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "motcua.operations"
    label = "operations"
    verbose_name = _("Operations centre")

    def ready(self) -> None:
        from motcua.dossiers.services import dossier_event
        from motcua.operations.summaries import on_dossier_event

        # The summaries follow every reception and result, in the transition's transaction.
        dossier_event.connect(on_dossier_event, dispatch_uid="operations.summaries")
