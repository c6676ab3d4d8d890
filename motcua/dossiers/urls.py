from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("ho-so", views.my_dossiers, name="mine"),
]
