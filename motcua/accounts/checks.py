from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=False)
def development_provider_only_in_the_demo(app_configs, **kwargs):
    """The development identity provider signs anyone in: never outside the demo or development."""
    if settings.MOTCUA_DEV_IDP and not (settings.MOTCUA_DEMO or settings.DEBUG):
        return [
            checks.Error(
                "DEV_IDP=true outside the demo: the development identity provider must not run in "
                "production.",
                hint="Unset DEV_IDP and configure OIDC_OP_* for VNeID or Keycloak.",
                id="motcua.E001",
            )
        ]
    return []
