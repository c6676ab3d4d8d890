from django.urls import path, register_converter

from motcua.catalogue import views


class ProcedureCodeConverter:
    """National procedure codes only (1.001193): anything else is a 404 before any query."""

    regex = r"[0-9]\.[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ProcedureCodeConverter, "procedure_code")

app_name = "catalogue"
urlpatterns = [
    path("", views.catalogue_home, name="home"),
    path("tim-kiem", views.search_results, name="search"),
    path("<procedure_code:code>/", views.procedure_detail, name="procedure"),
]
