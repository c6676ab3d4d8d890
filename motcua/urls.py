from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from motcua.api import api
from motcua.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("preferences/text-size", core_views.text_size, name="text-size"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("places/", include("motcua.places.urls")),
    path("thu-tuc/", include("motcua.catalogue.urls")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("van-phong/", include("motcua.accounts.urls")),
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:backoffice-login", query_string=True)),
    path("admin/", admin.site.urls),
]
