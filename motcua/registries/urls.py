from django.urls import path

from motcua.registries import views

app_name = "registries"
urlpatterns = [
    path("truy-cap-du-lieu", views.access_log, name="access-log"),
    path("dien-san/<procedure_code:code>", views.prefill_preview, name="prefill-preview"),
]
