"""Related people, corrections, reused documents, the exception queue and officials' reads (issue 5)."""

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import pytest

from motcua.accounts.services import membership_grant, roles_ensure_defaults
from motcua.audit.models import AuditRecord
from motcua.core.errors import Conflict, PermissionDenied, ValidationError
from motcua.notifications.models import Message
from motcua.places.models import Agency
from motcua.registries.models import DataAccess, DocumentReuse, Person, StoredDocument, VerificationCase
from motcua.registries.officials import (
    registry_read_for_dossier,
    verification_case_resolve,
    verification_queue,
)
from motcua.registries.prefills import document_reuse_choose, prefill_correction_save, prefill_run
from motcua.registries.services import PrefilledForm, prefill, prefill_correct
from motcua.registries.synthetic import registry_generate

pytestmark = pytest.mark.django_db

FORM = {
    "sections": [
        {
            "key": "applicant",
            "title": {"vi": "Người nộp", "en": "Applicant"},
            "fields": [
                {"key": "applicant.full_name", "type": "text", "label": {"vi": "Họ tên", "en": "Name"}},
                {
                    "key": "applicant.phone",
                    "type": "phone",
                    "label": {"vi": "Điện thoại", "en": "Phone"},
                    "correctable": True,
                },
            ],
        },
        {
            "key": "partner",
            "title": {"vi": "Bên kia", "en": "Other party"},
            "fields": [
                {"key": "partner.personal_id", "type": "personal_id", "label": {"vi": "Số", "en": "No."}},
                {"key": "partner.date_of_birth", "type": "date", "label": {"vi": "Ngày sinh", "en": "Born"}},
                {"key": "partner.full_name", "type": "text", "label": {"vi": "Họ tên", "en": "Name"}},
            ],
        },
        {
            "key": "spouse",
            "title": {"vi": "Vợ/chồng", "en": "Spouse"},
            "fields": [{"key": "spouse.full_name", "type": "text", "label": {"vi": "Họ tên", "en": "Name"}}],
        },
        {
            "key": "mother",
            "title": {"vi": "Mẹ của trẻ", "en": "The child's mother"},
            "fields": [{"key": "mother.full_name", "type": "text", "label": {"vi": "Họ tên", "en": "Name"}}],
        },
    ]
}
DEFINITION = {
    "form": FORM,
    "prefill": {"applicant.full_name": "population.full_name", "applicant.phone": "population.phone"},
    "related": [
        {
            "key": "partner",
            "relation": "other_person",
            "name": {"vi": "Bên kia", "en": "Other party"},
            "personal_id_field": "partner.personal_id",
            "date_of_birth_field": "partner.date_of_birth",
            "prefill": {"partner.full_name": "full_name"},
        },
        {
            "key": "spouse",
            "relation": "spouse",
            "name": {"vi": "Vợ/chồng", "en": "Spouse"},
            "prefill": {"spouse.full_name": "full_name"},
        },
        {
            "key": "mother",
            "relation": "parent_of_child",
            "sex": "female",
            "name": {"vi": "Mẹ", "en": "Mother"},
            "prefill": {"mother.full_name": "full_name"},
        },
    ],
    "requires_verified_data": True,
    "documents": [
        {"key": "birth", "replaceable_by": {"document_store": "birth_certificate"}},
        {"key": "photo"},
    ],
}
VERSION = SimpleNamespace(code="1.004873", version=1, data=DEFINITION)


@pytest.fixture
def family(loaded_places, django_user_model):
    registry_generate(people=400, businesses=0, seed=7)
    # A couple the registry vouches for (not born abroad or naturalised), the same on every database.
    husband = (
        Person.objects.filter(
            sex="male",
            marital_status="married",
            date_of_death__isnull=True,
            phone__gt="",
            born_abroad=False,
            naturalised=False,
        )
        .exclude(spouse_personal_id="")
        .order_by("personal_id")[0]
    )
    wife = Person.objects.get(personal_id=husband.spouse_personal_id)
    users = {
        p.personal_id: django_user_model.objects.create_user(
            username=f"vneid-{p.personal_id}",
            oidc_subject=p.personal_id,
            personal_id=p.personal_id,
            last_name=p.full_name,
            date_of_birth=p.date_of_birth,
        )
        for p in (husband, wife)
    }
    stranger = Person.objects.exclude(personal_id__in=[husband.personal_id, wife.personal_id]).first()
    return SimpleNamespace(
        husband=husband,
        wife=wife,
        him=users[husband.personal_id],
        her=users[wife.personal_id],
        other=stranger,
    )


def test_the_spouse_is_read_only_when_asked_and_the_read_is_in_their_log(family):
    form = prefill(definition=DEFINITION, applicant=family.him, purpose="p")
    assert "spouse.full_name" in form.manual
    assert not DataAccess.objects.filter(personal_id=family.wife.personal_id).exists()
    form = prefill(definition=DEFINITION, applicant=family.him, purpose="p", related={"spouse": {}})
    assert form.values["spouse.full_name"].value == family.wife.full_name
    assert form.values["spouse.full_name"].record == family.wife.personal_id
    access = DataAccess.objects.get(personal_id=family.wife.personal_id)
    assert access.accessor == family.him and access.accessor_kind == "applicant"
    assert access.declared_relation == "spouse" and access.attributes == ["full_name"]


def test_the_childs_mother_is_the_applicant_or_their_spouse(family):
    his = prefill(definition=DEFINITION, applicant=family.him, purpose="p", related={"mother": {}})
    hers = prefill(definition=DEFINITION, applicant=family.her, purpose="p", related={"mother": {}})
    assert his.values["mother.full_name"].value == family.wife.full_name
    assert hers.values["mother.full_name"].value == family.wife.full_name
    # Her own record is not logged twice as someone else's read.
    assert not DataAccess.objects.filter(personal_id=family.wife.personal_id, accessor=family.her).exclude(
        accessor_kind="self"
    )


def test_another_person_needs_their_number_and_date_of_birth(family):
    other = family.other
    wrong = prefill(
        definition=DEFINITION,
        applicant=family.him,
        purpose="p",
        related={"partner": {"personal_id": other.personal_id, "date_of_birth": "1900-01-01"}},
    )
    unknown = prefill(
        definition=DEFINITION,
        applicant=family.him,
        purpose="p",
        related={"partner": {"personal_id": "079099999999", "date_of_birth": "1990-01-01"}},
    )
    # Same answer whether the number exists or not: nobody probes the registry through the form.
    assert wrong.related["partner"] == unknown.related["partner"]
    assert "partner.full_name" in wrong.manual and "Không tìm thấy" in wrong.related["partner"]["problem_vi"]
    assert not DataAccess.objects.filter(personal_id=other.personal_id).exists()
    garbage = prefill(
        definition=DEFINITION,
        applicant=family.him,
        purpose="p",
        related={"partner": {"personal_id": "12ab", "date_of_birth": ""}},
    )
    assert "12" in garbage.related["partner"]["problem_vi"]  # the validator's message: 12 digits
    right = prefill(
        definition=DEFINITION,
        applicant=family.him,
        purpose="p",
        related={
            "partner": {"personal_id": other.personal_id, "date_of_birth": other.date_of_birth.isoformat()}
        },
    )
    assert right.values["partner.full_name"].value == other.full_name
    assert DataAccess.objects.get(personal_id=other.personal_id).declared_relation == "other_person"


def test_a_child_must_be_the_applicants_child(family):
    definition = {
        **DEFINITION,
        "related": [
            {
                "key": "partner",
                "relation": "child",
                "name": {"vi": "Con", "en": "Child"},
                "personal_id_field": "partner.personal_id",
                "prefill": {"partner.full_name": "full_name"},
            }
        ],
    }
    form = prefill(
        definition=definition,
        applicant=family.him,
        purpose="p",
        related={"partner": {"personal_id": family.other.personal_id}},
    )
    assert "không ghi nhận người này là con của bạn" in form.related["partner"]["problem_vi"]
    assert not DataAccess.objects.filter(personal_id=family.other.personal_id).exists()


def test_a_correction_is_declared_and_keeps_the_registry_value(family):
    form = prefill(definition=DEFINITION, applicant=family.him, purpose="p")
    prefill_correct(definition=DEFINITION, form=form, field_key="applicant.phone", value="0901 234 567")
    phone = form.values["applicant.phone"]
    assert (
        phone.value == "0901 234 567" and not phone.verified and phone.registry_value == family.husband.phone
    )
    with pytest.raises(ValidationError) as refused:
        prefill_correct(definition=DEFINITION, form=form, field_key="applicant.full_name", value="Ai đó")
    assert "không sửa được" in refused.value.message_vi
    with pytest.raises(ValidationError):
        prefill_correct(definition=DEFINITION, form=form, field_key="applicant.phone", value="call me")
    prefill_correct(definition=DEFINITION, form=form, field_key="applicant.phone", value=family.husband.phone)
    assert form.values["applicant.phone"].verified  # typing the registry value back undoes it
    assert PrefilledForm.from_json(form.to_json()) == form


def test_prefill_run_needs_consent_keeps_corrections_and_related_people(family):
    with pytest.raises(ValidationError) as refused:
        prefill_run(applicant=family.him, version=VERSION, consent=False)
    assert refused.value.code == "consent_required" and not DataAccess.objects.exists()
    row = prefill_run(applicant=family.him, version=VERSION, consent=True, related={"spouse": {}})
    prefill_correction_save(prefill_row=row, version=VERSION, field_key="applicant.phone", value="0901234567")
    row = prefill_run(applicant=family.him, version=VERSION, consent=True)
    form = PrefilledForm.from_json(row.form)
    assert form.values["applicant.phone"].value == "0901234567"
    assert form.values["spouse.full_name"].value == family.wife.full_name


def test_a_stored_birth_certificate_replaces_the_paper_and_is_recorded_as_reuse(family):
    mine = StoredDocument.objects.create(
        owner_personal_id=family.husband.personal_id,
        kind="birth_certificate",
        number="12/1990",
        issuer="UBND Phường Bến Thành",
        issued_on=date(1990, 3, 1),
    )
    hers = StoredDocument.objects.create(
        owner_personal_id=family.wife.personal_id,
        kind="birth_certificate",
        number="13/1991",
        issuer="UBND Xã Cần Giờ",
        issued_on=date(1991, 3, 1),
    )
    row = prefill_run(applicant=family.him, version=VERSION, consent=True)
    reuse = document_reuse_choose(
        prefill_row=row, version=VERSION, document_key="birth", stored_id=str(mine.pk)
    )
    assert (reuse.kind, reuse.number, reuse.source) == (
        "birth_certificate",
        "12/1990",
        "document_store.local",
    )
    with pytest.raises(ValidationError) as refused:  # somebody else's document
        document_reuse_choose(prefill_row=row, version=VERSION, document_key="birth", stored_id=str(hers.pk))
    assert refused.value.code == "not_stored"
    with pytest.raises(ValidationError):  # a document the store cannot replace
        document_reuse_choose(prefill_row=row, version=VERSION, document_key="photo", stored_id=str(mine.pk))
    assert DocumentReuse.objects.get().stored_id == str(mine.pk)


@dataclass
class Dossier:
    code: str
    receiving_agency_id: int | None
    competent_agency_id: int | None
    registry_subjects: set[str] = field(default_factory=set)
    applicant_id: int | None = None
    current_agency_id: int | None = None
    procedure_code: str | None = "1.004873"
    applicant_enterprise_code: str = ""


@pytest.fixture
def officials(loaded_places, django_user_model):
    roles_ensure_defaults()
    centre = Agency.objects.get(
        kind=Agency.Kind.PROVINCIAL_SERVICE_CENTRE, unit__name__contains="Hồ Chí Minh"
    )
    ward = Agency.objects.get(kind=Agency.Kind.COMMUNE_SERVICE_CENTRE, unit__name="Phường Bến Thành")
    result = {"centre": centre, "ward": ward}
    for name, agency in (("city", centre), ("ward_receiver", ward)):
        user = django_user_model.objects.create_user(username=name)
        membership_grant(
            actor=None, user=user, agency=agency, role_key="receiver", valid_from=date(2025, 7, 1)
        )
        result[name] = user
    return SimpleNamespace(**result)


def test_an_unconfirmed_applicant_goes_to_the_queue_and_an_official_resolves_it(officials, django_user_model):
    abroad = django_user_model.objects.create_user(
        username="abroad",
        personal_id="079195000123",
        last_name="Trần Anh Thư",
        date_of_birth=date(1995, 4, 2),
    )
    prefill_run(applicant=abroad, version=VERSION, consent=True)
    prefill_run(applicant=abroad, version=VERSION, consent=True)  # once per procedure, not per visit
    case = VerificationCase.objects.get()
    assert (case.reason, case.status, case.full_name) == ("not_found", "open", "Trần Anh Thư")
    assert list(verification_queue(officials.city)) == [case]
    assert list(verification_queue(officials.ward_receiver)) == []  # waits at the city centre until routed
    with pytest.raises(PermissionDenied):
        verification_case_resolve(
            official=officials.ward_receiver, case=case, verified=True, checked_document="x"
        )
    with pytest.raises(ValidationError):
        verification_case_resolve(official=officials.city, case=case, verified=True, checked_document="  ")
    verification_case_resolve(
        official=officials.city, case=case, verified=True, checked_document="Hộ chiếu C1234567, Úc cấp"
    )
    case.refresh_from_db()
    assert case.status == "verified" and case.resolved_by == officials.city
    assert AuditRecord.objects.filter(
        action="registry.verification_resolved", object_id=str(case.pk)
    ).exists()
    notice = Message.objects.get(user=abroad, channel="in_app")
    assert "đã kiểm tra giấy tờ" in notice.body
    with pytest.raises(Conflict):
        verification_case_resolve(official=officials.city, case=case, verified=False, note="again")


def test_born_abroad_people_in_the_registry_are_queued_too(family):
    Person.objects.filter(pk=family.husband.pk).update(born_abroad=True)
    prefill_run(applicant=family.him, version=VERSION, consent=True)
    assert VerificationCase.objects.get().reason == "born_abroad"


def test_officials_read_registry_data_only_of_a_dossiers_people(officials, family):
    dossier = Dossier(
        code="H29.1-261123-0001",
        receiving_agency_id=officials.ward.pk,
        competent_agency_id=officials.ward.pk,
        registry_subjects={family.husband.personal_id},
    )
    record = registry_read_for_dossier(
        official=officials.ward_receiver, dossier=dossier, personal_id=family.husband.personal_id
    )
    assert record["full_name"] == family.husband.full_name
    access = DataAccess.objects.get(personal_id=family.husband.personal_id)
    assert access.accessor_kind == "official" and "H29.1-261123-0001" in access.purpose
    with pytest.raises(PermissionDenied):  # the wife is not part of this dossier
        registry_read_for_dossier(
            official=officials.ward_receiver, dossier=dossier, personal_id=family.wife.personal_id
        )
    with pytest.raises(PermissionDenied):  # the city centre official is not involved in it
        registry_read_for_dossier(
            official=officials.city, dossier=dossier, personal_id=family.husband.personal_id
        )
    assert DataAccess.objects.count() == 1


def test_an_officials_decision_is_not_reopened_by_fetching_again(officials, django_user_model):
    abroad = django_user_model.objects.create_user(username="abroad2", personal_id="079195000124")
    prefill_run(applicant=abroad, version=VERSION, consent=True)
    case = VerificationCase.objects.get()
    verification_case_resolve(official=officials.city, case=case, verified=True, checked_document="Hộ chiếu")
    prefill_run(applicant=abroad, version=VERSION, consent=True)
    assert list(VerificationCase.objects.values_list("status", flat=True)) == ["verified"]


def test_a_case_opened_because_the_registry_was_down_closes_when_it_answers(family, monkeypatch):
    from motcua.registries.adapters.base import RegistryUnavailable
    from motcua.registries.adapters.local import LocalPopulationRegistry

    real = LocalPopulationRegistry.lookup

    def down(self, personal_id):
        raise RegistryUnavailable("timeout")

    monkeypatch.setattr(LocalPopulationRegistry, "lookup", down)
    prefill_run(applicant=family.him, version=VERSION, consent=True)
    assert VerificationCase.objects.get().reason == "unavailable"
    monkeypatch.setattr(LocalPopulationRegistry, "lookup", real)
    prefill_run(applicant=family.him, version=VERSION, consent=True)
    assert VerificationCase.objects.get().status == "verified"


def test_another_persons_date_of_birth_is_required_and_must_be_a_date(family):
    other = family.other
    for typed in ("", "garbage", f"{other.date_of_birth.isoformat()}xyz"):
        form = prefill(
            definition=DEFINITION,
            applicant=family.him,
            purpose="p",
            related={"partner": {"personal_id": other.personal_id, "date_of_birth": typed}},
        )
        assert "partner.full_name" in form.manual, typed
    assert not DataAccess.objects.filter(personal_id=other.personal_id).exists()


def test_phone_corrections_may_be_written_as_people_write_them(family):
    form = prefill(definition=DEFINITION, applicant=family.him, purpose="p")
    prefill_correct(definition=DEFINITION, form=form, field_key="applicant.phone", value="+84 98 765 43 21")
    assert form.values["applicant.phone"].value == "+84 98 765 43 21"


def test_an_officials_read_holds_the_persons_own_record_not_their_relatives(officials, family):
    dossier = Dossier(
        code="X-1",
        receiving_agency_id=officials.ward.pk,
        competent_agency_id=officials.ward.pk,
        registry_subjects={family.husband.personal_id},
    )
    record = registry_read_for_dossier(
        official=officials.ward_receiver, dossier=dossier, personal_id=family.husband.personal_id
    )
    assert "spouse" not in record and "children" not in record and record["marital_status"] == "married"
