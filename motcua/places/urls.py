from django.urls import path

from motcua.places import views

app_name = "places"
urlpatterns = [
    path("legacy-address", views.legacy_address, name="legacy-address"),
    path("calendar", views.work_calendar, name="calendar"),
    path("centres", views.service_centres, name="centres"),
]
