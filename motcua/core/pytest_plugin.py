"""pytest plugin for motcua's tests, loaded with ``-p`` (pyproject.toml) before Django settings.

It sets the test environment early enough for settings to read it.
"""

import os
import tempfile

# Templates are rendered without a collectstatic run in tests, so no manifest storage.
os.environ.setdefault("STATIC_MANIFEST", "false")
# Keep test runs from writing a secret key into the developer's var/.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
# WhiteNoise looks at STATIC_ROOT at start-up; tests serve static files from the finders instead.
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="motcua-static-"))
# The bundled development identity provider is part of what the tests exercise.
os.environ.setdefault("DEV_IDP", "true")
os.environ.setdefault("DEMO", "true")
# One demo certification authority for the whole run, outside the developer's var/.
os.environ.setdefault("SIGNING_DIR", tempfile.mkdtemp(prefix="motcua-signing-"))
os.environ.setdefault("OIDC_RP_CLIENT_SECRET", "test-only-oidc-client-secret")
