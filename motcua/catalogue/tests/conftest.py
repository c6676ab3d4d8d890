import pytest

from motcua.catalogue.services import catalogue_load


@pytest.fixture(scope="session")
def loaded_catalogue(django_db_setup, django_db_blocker):
    """The shipped catalogue, loaded once per test session (committed)."""
    with django_db_blocker.unblock():
        report = catalogue_load()
        assert report.ok, [str(e) for e in report.errors]
        return report
