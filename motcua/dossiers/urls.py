from django.urls import path

from motcua.dossiers import apply_views, views

app_name = "dossiers"
urlpatterns = [
    path("ho-so", views.my_dossiers, name="mine"),
    path("nop/<procedure_code:code>", apply_views.apply, name="apply"),
]
