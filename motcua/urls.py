from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from motcua.api import api
from motcua.core import views as core_views
from motcua.core.converters import ProcedureCodeConverter
from motcua.dossiers import views as dossier_views

register_converter(ProcedureCodeConverter, "procedure_code")  # before the apps' URL modules load

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("preferences/text-size", core_views.text_size, name="text-size"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("places/", include("motcua.places.urls")),
    path("thu-tuc/", include("motcua.catalogue.urls")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("van-phong/he-thong", core_views.system_health, name="system-health"),
    path("van-phong/xac-minh/", include("motcua.registries.backoffice_urls")),
    path("van-phong/ho-so/", include("motcua.dossiers.desk_urls")),
    path("van-phong/", include("motcua.accounts.urls")),
    path("tai-khoan/", include("motcua.accounts.citizen_urls")),
    path("tai-khoan/", include("motcua.registries.urls")),
    path("tai-khoan/", include("motcua.dossiers.urls")),
    path("tra-cuu-ho-so", dossier_views.public_lookup, name="dossier-lookup"),
    path("", include("motcua.results.urls")),
    path("", include("motcua.operations.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:backoffice-login", query_string=True)),
    path("admin/", admin.site.urls),
]

if settings.MOTCUA_DEV_IDP:  # the development identity provider exists only where it is switched on
    urlpatterns.append(path("dev-idp/", include("motcua.accounts.devidp.urls")))
if settings.MOTCUA_DEMO:  # what the local SMS gateway "sent", for demo users without a phone
    from motcua.notifications.views import demo_sms_inbox

    urlpatterns.append(path("demo/sms", demo_sms_inbox, name="demo-sms"))
