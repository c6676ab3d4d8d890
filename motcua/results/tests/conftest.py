"""A dossier of the certificate of marital status (1.004873) at Phường Bến Thành, approved and
waiting for the signer, built through the dossiers services (the ``world`` of the dossiers tests)."""

import pytest

from motcua.dossiers.tests.conftest import world  # noqa: F401  (the fixture, shared)
from motcua.dossiers.tests.test_lifecycle import _do, _submit


@pytest.fixture
def awaiting(world):  # noqa: F811
    dossier = _submit(world)
    dossier = _do(world, dossier, "receive")
    dossier = _do(world, dossier, "hand_over", to_person=world["officials"]["head"])
    return _do(world, dossier, "approve", role="head")


@pytest.fixture
def signer(world):  # noqa: F811
    user = world["officials"]["signer"]
    user.last_name = "Trần Thị Bình"
    user.save(update_fields=["last_name"])
    return user
