"""Which step a hand-over, an approval or a signature starts (form 06)."""

import pytest

from motcua.catalogue.selectors import procedure_version_in_force
from motcua.dossiers.models import Dossier
from motcua.dossiers.steps import step_for_hand_over, step_for_transition

pytestmark = pytest.mark.django_db


def _at(code: str, step: str) -> Dossier:
    return Dossier(procedure_version=procedure_version_in_force(code=code), step_key=step)


def _key(step):
    return step["key"] if step else None


def test_a_head_of_department_starts_the_review_step_the_catalogue_names_department_head(loaded_catalogue):
    # 1.009994: receive, appraise (processor), consult (another agency), review (department head), sign…
    assert _key(step_for_hand_over(_at("1.009994", "receive"), {"processor"})) == "appraise"
    assert _key(step_for_hand_over(_at("1.009994", "appraise"), {"head"})) == "review"
    assert _key(step_for_hand_over(_at("1.009994", "appraise"), {"processor"})) is None  # a colleague


def test_a_hand_over_never_skips_to_the_signature_even_for_a_head_who_also_signs(loaded_catalogue):
    # 1.004873: receive, verify (processor), sign (signer), deliver (result desk)
    assert _key(step_for_hand_over(_at("1.004873", "verify"), {"head", "signer"})) is None
    assert _key(step_for_hand_over(_at("1.004873", "verify"), {"result_desk", "receiver"})) is None
    assert _key(step_for_transition(_at("1.004873", "verify"), "signer")) == "sign"
    assert _key(step_for_transition(_at("1.004873", "sign"), "signer")) is None  # in it already
    assert _key(step_for_transition(_at("1.004873", "sign"), "result_desk")) == "deliver"


def test_the_first_hand_over_always_ends_reception(loaded_catalogue):
    assert _key(step_for_hand_over(_at("1.004873", "receive"), {"head"})) == "verify"
