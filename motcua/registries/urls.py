from django.urls import path

from motcua.registries import views

app_name = "registries"
urlpatterns = [
    path("truy-cap-du-lieu", views.access_log, name="access-log"),
    path("doanh-nghiep", views.businesses, name="businesses"),
    path("dien-san/<procedure_code:code>", views.prefill_preview, name="prefill-preview"),
]
