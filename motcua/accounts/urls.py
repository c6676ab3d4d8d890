from django.urls import path

from motcua.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("dang-nhap", views.backoffice_login, name="backoffice-login"),
    path("xac-thuc", views.backoffice_code, name="backoffice-code"),
    path("cai-dat-xac-thuc", views.backoffice_setup, name="backoffice-setup"),
    path("dang-xuat", views.backoffice_logout, name="backoffice-logout"),
    path("ho-tro", views.assisted_start, name="assisted-start"),
    path("ho-tro/ket-thuc", views.assisted_end, name="assisted-end"),
]
