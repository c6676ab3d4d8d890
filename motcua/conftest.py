import pytest

from motcua.places.services import places_load


@pytest.fixture(scope="session")
def loaded_places(django_db_setup, django_db_blocker):
    """The official unit lists and demo agencies, loaded once per test session (committed)."""
    with django_db_blocker.unblock():
        return places_load()
