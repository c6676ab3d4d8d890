"""URL patterns of the leaders' dashboards and the public transparency page (see urls.py)."""

from django.urls import path

from motcua.operations import dashboard_views as views
from motcua.operations import public_views

urlpatterns: list = [
    path("van-phong/dieu-hanh/", views.overview, name="overview"),
    path("van-phong/dieu-hanh/don-vi/<int:unit_id>", views.unit_page, name="unit"),
    path("van-phong/dieu-hanh/co-quan/<int:agency_id>", views.agency_page, name="agency"),
    path("van-phong/dieu-hanh/thu-tuc/<procedure_code:code>", views.procedure_page, name="procedure"),
    path("van-phong/dieu-hanh/ho-so", views.dossiers, name="dossiers"),
    path("chi-so-phuc-vu/", public_views.public, name="public"),
    path("chi-so-phuc-vu/<int:unit_id>", public_views.public_unit, name="public-unit"),
]
