from django.urls import path

from motcua.dossiers import apply_views, views

app_name = "dossiers"
urlpatterns = [
    path("ho-so", views.my_dossiers, name="mine"),
    path("ho-so/<int:pk>", views.my_dossier, name="dossier"),
    path("ho-so/<int:pk>/phieu/<slug:kind>", views.citizen_slip, name="slip"),
    path("nop/<procedure_code:code>", apply_views.apply, name="apply"),
]
