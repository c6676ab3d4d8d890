"""URL patterns of the early-warning board (see urls.py)."""

from django.urls import path

from motcua.operations import warning_views

urlpatterns: list = [
    path("van-phong/dieu-hanh/canh-bao", warning_views.warnings_board, name="warnings"),
]
