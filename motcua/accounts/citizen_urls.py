from django.urls import path

from motcua.accounts import citizen_views

app_name = "citizen"
urlpatterns = [
    path("", citizen_views.profile, name="profile"),
]
