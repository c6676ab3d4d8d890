import pytest

from motcua.catalogue.services import catalogue_load
from motcua.places.services import places_load


@pytest.fixture(scope="session")
def loaded_places(django_db_setup, django_db_blocker):
    """The official unit lists and demo agencies, loaded once per test session (committed)."""
    with django_db_blocker.unblock():
        return places_load()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached indexes live in the cache: every test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def sign_in_with_second_factor(client, user):
    """Sign ``user`` in as the back office requires: a session that passed password and TOTP."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """A superuser signed in with password and second factor."""
    return sign_in_with_second_factor(client, admin_user)


@pytest.fixture(scope="session")
def loaded_catalogue(django_db_setup, django_db_blocker):
    """The shipped catalogue, loaded once per test session (committed)."""
    with django_db_blocker.unblock():
        report = catalogue_load()
        assert report.ok, [str(e) for e in report.errors]
        return report
