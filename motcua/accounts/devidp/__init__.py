"""A bundled development identity provider (OpenID Connect) standing in for VNeID.

On in the demo (``DEV_IDP=true``), off by default; motcua's citizen login talks to it exactly as
it would to VNeID or Keycloak, through the standard endpoints, so the real provider plugs in by
settings alone. Its identities are its own table (the synthetic population, later), not motcua's
users: the provider and the relying party must not share a login.
"""
