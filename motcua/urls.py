from django.contrib import admin
from django.urls import include, path

from motcua.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("preferences/text-size", core_views.text_size, name="text-size"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("places/", include("motcua.places.urls")),
    path("admin/", admin.site.urls),
]
