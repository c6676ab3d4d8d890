from django.urls import path

from motcua.registries import prefill_views, views

app_name = "registries"
urlpatterns = [
    path("truy-cap-du-lieu", views.access_log, name="access-log"),
    path("doanh-nghiep", views.businesses, name="businesses"),
    path("kho-du-lieu", views.document_store_page, name="document-store"),
    path("kho-du-lieu/<str:document_id>.pdf", views.document_store_file, name="document-store-file"),
    path("dien-san/<procedure_code:code>", prefill_views.prefill_page, name="prefill"),
]
