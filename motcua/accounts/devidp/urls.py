from django.urls import path

from motcua.accounts.devidp import views

app_name = "devidp"
urlpatterns = [
    path("", views.root, name="root"),
    path(".well-known/openid-configuration", views.configuration, name="configuration"),
    path("authorize", views.authorize, name="authorize"),
    path("token", views.token, name="token"),
    path("userinfo", views.userinfo, name="userinfo"),
    path("jwks", views.jwks_view, name="jwks"),
]
