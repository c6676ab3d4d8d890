from django.apps import AppConfig


class DevIdpConfig(AppConfig):
    name = "motcua.accounts.devidp"
    label = "devidp"
    verbose_name = "Development identity provider"
