"""The operations tests use the dossiers tests' world: a ward centre with an official in every role."""

from motcua.dossiers.tests.conftest import world  # noqa: F401
