from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "motcua.results"
    label = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from motcua.core.health import health_check_register
        from motcua.dossiers.services import dossier_event
        from motcua.results.digitisation import on_dossier_event
        from motcua.results.ocr import ocr_health

        # The scans of a dossier received (or supplemented) at the counter are digitised.
        dossier_event.connect(on_dossier_event, dispatch_uid="results.digitisation")
        health_check_register("ocr", ocr_health)
