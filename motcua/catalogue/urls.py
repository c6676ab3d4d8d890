from django.urls import path

from motcua.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.catalogue_home, name="home"),
    path("tim-kiem", views.search_results, name="search"),
    path("<procedure_code:code>/", views.procedure_detail, name="procedure"),
]
