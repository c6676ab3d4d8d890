"""Per paper of a dossier: digitised, taken from the document store, or made unnecessary by registry
data — the inputs of the service index's digitisation group (domain.md §9)."""

import pytest

from motcua.core.errors import ValidationError
from motcua.dossiers.selectors import component_flags, dossier_digitisation
from motcua.dossiers.services import (
    dossier_component_digitised,
    dossier_receive_at_counter,
    dossier_submit_online,
)
from motcua.dossiers.tests.test_lifecycle import E_RESULT, _data, _do

pytestmark = pytest.mark.django_db

STORED = {"stored_id": "7", "kind": "marital_status_certificate", "number": "1/2025", "issuer": "UBND"}


def test_an_online_dossier_reusing_a_stored_paper_is_digitised_once_its_e_result_is_issued(world):
    dossier = dossier_submit_online(
        applicant=world["citizen"],
        version=world["version"],
        case_key="standard",
        data=_data(world),
        documents={"previous_certificate": {"reused": STORED}},
        unit=world["unit"],
        submission_key="k1",
    )
    flags = component_flags(dossier)
    assert flags["declaration"] == {"digitised": True, "from_store": False, "from_registry": False}
    assert flags["previous_certificate"]["from_store"] and not flags["previous_certificate"]["digitised"]
    assert flags["marital_history_proof"] == {"digitised": False, "from_store": False, "from_registry": True}
    assert dossier_digitisation(dossier) == {
        "digitised": False,  # the signed result is still to come
        "reuses_data": True,
        "store_linked": True,
        "e_result": False,
        "population_data": True,  # an applicant signed in with e-ID
    }
    dossier = _do(world, _do(world, dossier, "receive"), "hand_over", to_person=world["officials"]["head"])
    dossier = _do(world, _do(world, dossier, "approve", role="head"), "sign", role="signer", data=E_RESULT)
    assert dossier_digitisation(dossier)["digitised"] and dossier_digitisation(dossier)["e_result"]


def test_a_paper_only_checked_at_the_counter_is_not_digitised_until_it_is_scanned(world):
    dossier = dossier_receive_at_counter(
        official=world["officials"]["receiver"],
        agency=world["centre"],
        version=world["version"],
        case_key="standard",
        applicant_name="Nguyễn Văn An",
        applicant_personal_id="079090123456",
        data=_data(world),
        documents={"previous_certificate": {"paper": True}},
        unit=world["unit"],
        submission_key="counter-1",
    )
    assert not component_flags(dossier)["previous_certificate"]["digitised"]
    assert not component_flags(dossier)["declaration"]["digitised"]  # a paper form at the counter
    dossier = dossier_component_digitised(
        dossier=dossier, document_key="previous_certificate", pages=2, text=True
    )
    assert component_flags(dossier)["previous_certificate"]["digitised"]
    assert dossier.data["documents"]["previous_certificate"]["paper"] is True  # what was there stays
    with pytest.raises(ValidationError, match="không có giấy tờ này"):
        dossier_component_digitised(dossier=dossier, document_key="nonsense", pages=1, text=False)
