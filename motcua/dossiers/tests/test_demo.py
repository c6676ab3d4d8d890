"""The demo opens with dossiers to look at, each at another point of its life."""

import pytest

from motcua.accounts.demo import demo_officials_ensure
from motcua.dossiers.demo import demo_dossiers_ensure
from motcua.dossiers.models import Dossier, Stage, Status
from motcua.registries.synthetic import registry_generate

pytestmark = pytest.mark.django_db


def test_the_demo_has_sample_dossiers_in_several_queues_once(loaded_places, loaded_catalogue):
    registry_generate(people=200, businesses=0, seed=5)
    demo_officials_ensure(known={})
    assert demo_dossiers_ensure() == 5
    assert demo_dossiers_ensure() == 0  # a second `make demo` adds none
    seen = {(d.status, d.stage) for d in Dossier.objects.all()}
    assert {(Status.RECEIVED, ""), (Status.PROCESSING, Stage.ASSIGNED)} <= seen
    assert (Status.PROCESSING, Stage.AWAITING_SIGNATURE) in seen and any(
        s == Status.SUPPLEMENT for s, _ in seen
    )
    assert all(d.code.startswith(d.receiving_agency.electronic_id) for d in Dossier.objects.all())
