"""Signing a result and checking it: the signer issues it, anyone can tell a genuine file from a
changed one or one signed with another certificate (issue 7)."""

import hashlib
import io
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from motcua.audit.models import AuditRecord
from motcua.core.errors import Conflict, PermissionDenied
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.registries.models import Prefill, StoredDocument
from motcua.results import signing
from motcua.results.models import ResultDocument
from motcua.results.selectors import initials, result_verify
from motcua.results.services import result_sign

pytestmark = pytest.mark.django_db


def _signed(result: ResultDocument) -> bytes:
    with result.pdf.open("rb") as handle:
        return handle.read()


def _content_offset(content: bytes) -> int:
    """A byte inside the signed range: the first page's content stream."""
    return content.index(b"stream", content.index(b"/Contents") if b"/Contents" in content else 0) + 20


def test_the_signer_issues_a_signed_result_that_verifies(world, awaiting, signer):
    result = result_sign(official=signer, dossier=awaiting, signer_title="kt. chủ tịch")
    dossier = Dossier.objects.get(pk=awaiting.pk)
    assert dossier.status == Status.RESULT_READY and dossier.e_result_code == result.code
    event = DossierEvent.objects.get(dossier=dossier, action="sign")
    assert event.payload["result"] == {"code": result.code, "number": result.number, "sha256": result.sha256}
    content = _signed(result)
    assert hashlib.sha256(content).hexdigest() == result.sha256
    check = signing.pdf_verify(content)
    assert check.valid and check.fingerprint == result.certificate_fingerprint
    assert (
        world["centre"].unit.name in result.certificate_subject
        or result.agency.name in result.certificate_subject
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert result.code in text and result.number in text and "KT. CHỦ TỊCH" in text
    assert result.number == f"00001/{result.issued_at.year}/XNHN"  # the first of the agency's book
    assert AuditRecord.objects.filter(action="result.sign", object_id=str(result.pk)).exists()
    assert result_verify(code=result.code).genuine


def test_a_second_click_gets_the_same_result_and_numbers_follow_each_other(world, awaiting, signer):
    from motcua.dossiers.tests.test_lifecycle import _do, _submit

    first = result_sign(official=signer, dossier=awaiting)
    assert result_sign(official=signer, dossier=awaiting).pk == first.pk
    other = _submit(world, key="k2")
    other = _do(world, other, "receive")
    other = _do(world, other, "hand_over", to_person=world["officials"]["head"])
    other = _do(world, other, "approve", role="head")
    second = result_sign(official=signer, dossier=other)
    assert int(second.number.split("/")[0]) == int(first.number.split("/")[0]) + 1
    assert second.code != first.code


def test_only_a_signer_of_the_deciding_agency_signs_and_only_when_it_waits_for_it(world, awaiting):
    with pytest.raises(PermissionDenied):
        result_sign(official=world["officials"]["receiver"], dossier=awaiting)
    with pytest.raises(PermissionDenied):
        result_sign(official=world["stranger"], dossier=awaiting)
    assert not ResultDocument.objects.exists()
    assert Dossier.objects.get(pk=awaiting.pk).status == Status.PROCESSING


def test_signing_straight_through_the_state_machine_is_refused_for_an_e_result(world, awaiting):
    from motcua.dossiers.services import dossier_transition

    with pytest.raises(Conflict) as refused:
        dossier_transition(actor=world["officials"]["signer"], dossier=awaiting, action="sign")
    assert refused.value.code == "e_result_required"


def test_one_flipped_byte_makes_the_file_not_genuine(awaiting, signer):
    result = result_sign(official=signer, dossier=awaiting)
    content = _signed(result)
    at = _content_offset(content)
    tampered = content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1 :]
    assert not signing.pdf_verify(tampered).valid
    answer = result_verify(code=result.code, content=tampered)
    assert not answer.genuine and answer.file_checked and not answer.file_matches
    assert answer.record_genuine  # the result itself is genuine; the file shown is not it
    same = result_verify(code=result.code, content=content)
    assert same.genuine and same.file_matches


def test_a_file_signed_with_another_certificate_is_not_genuine(awaiting, signer):
    from pyhanko.sign.signers import SimpleSigner

    result = result_sign(official=signer, dossier=awaiting)
    content = _signed(result)
    before_signature = content[: content.index(b"%%EOF") + 5]  # the document as rendered
    # Signed by a certificate of an authority nobody here trusts.
    outsider = signing.ca_new("Tổ chức không tin cậy")
    bundle = signing.certificate_issue(electronic_id="X", name="Cơ quan giả", ca=outsider, passphrase="p")
    forger = SimpleSigner.load_pkcs12_data(bundle, other_certs=[], passphrase=b"p")
    forged = signing.pdf_sign(before_signature, signer=forger, signer_name="X", reason="x", location="x")
    check = signing.pdf_verify(forged)
    assert check.intact and not check.trusted and not check.valid
    assert not result_verify(code=result.code, content=forged).genuine
    # Signed by the trusted authority, but with another agency's certificate than the one recorded.
    other = signing.signer_for(SimpleNamespace(electronic_id="000.00.00.ZZZ", name="UBND khác", name_en=""))
    resigned = signing.pdf_sign(before_signature, signer=other, signer_name="X", reason="x", location="x")
    assert signing.pdf_verify(resigned).valid
    assert not result_verify(code=result.code, content=resigned).genuine


def test_the_result_lands_in_the_document_store_and_is_offered_in_the_next_application(
    world, awaiting, signer
):
    from motcua.catalogue.selectors import procedure_version_in_force
    from motcua.registries.prefills import stored_documents_for

    result = result_sign(official=signer, dossier=awaiting)
    stored = StoredDocument.objects.get(pk=int(result.stored_document_id))
    assert stored.owner_personal_id == world["citizen"].personal_id
    assert stored.kind == "marital_status_certificate" and stored.number == result.number
    assert stored.data["result_code"] == result.code and stored.file
    marriage = procedure_version_in_force(code="1.000894")
    row = Prefill.objects.create(
        applicant=world["citizen"],
        procedure_code="1.000894",
        procedure_version=marriage.version,
        consented_at=result.issued_at,
    )
    items, answered = stored_documents_for(row, marriage)
    offered = [item for found in items.values() for item in found]
    assert answered and any(item["number"] == result.number for item in offered)


def test_initials_show_little():
    assert initials("Nguyễn Văn An") == "N. V. A."
    assert initials("") == "—"


def _frozen_at(moment):
    from datetime import datetime

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment

    return Frozen


def test_a_result_stays_genuine_after_its_certificate_expires(awaiting, signer, monkeypatch):
    """Certificates last years, birth and marriage papers a lifetime: the record is checked as of the
    day it was signed."""
    from datetime import timedelta

    from django.core.cache import cache

    result = result_sign(official=signer, dossier=awaiting)
    later = result.issued_at + timedelta(days=5 * 365)
    # Validated as of five years on, the signer's certificate has expired…
    assert not signing.pdf_verify(_signed(result), at=later).valid
    # …and the verification page, five years on, still says genuine: it checks as of the signing day.
    cache.clear()
    monkeypatch.setattr(signing, "datetime", _frozen_at(later))
    assert result_verify(code=result.code).genuine


def test_a_signer_whose_certificate_expired_is_told_before_anything_is_issued(awaiting, signer, monkeypatch):
    from datetime import UTC, datetime, timedelta

    real_now = datetime.now(UTC)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return real_now + timedelta(days=4 * 365)

    monkeypatch.setattr(signing, "datetime", Later)
    with pytest.raises(Conflict) as refused:
        result_sign(official=signer, dossier=awaiting)
    assert refused.value.code == "certificate_expired"
    assert (
        not ResultDocument.objects.exists()
        and Dossier.objects.get(pk=awaiting.pk).status == Status.PROCESSING
    )


def test_a_result_the_store_could_not_take_is_put_there_later(world, awaiting, signer, monkeypatch):
    from django.core.management import call_command

    from motcua.registries.adapters.base import RegistryUnavailable
    from motcua.registries.adapters.local import LocalDocumentStore

    def down(self, **kwargs):
        raise RegistryUnavailable("down")

    monkeypatch.setattr(LocalDocumentStore, "put", down)
    result = result_sign(official=signer, dossier=awaiting)
    assert (
        result.stored_document_id == "" and Dossier.objects.get(pk=awaiting.pk).status == Status.RESULT_READY
    )
    monkeypatch.undo()
    call_command("results", "store-retry")
    result.refresh_from_db()
    assert StoredDocument.objects.get(pk=int(result.stored_document_id)).number == result.number
