"""Prefill with provenance and the access log."""

import pytest

from motcua.catalogue.files import DEFAULT_ROOT
from motcua.registries.adapters.base import RegistryUnavailable
from motcua.registries.models import DataAccess, Person
from motcua.registries.services import prefill
from motcua.registries.synthetic import registry_generate

pytestmark = pytest.mark.django_db

DEFINITION = {
    "prefill": {
        "applicant.full_name": "population.full_name",
        "applicant.personal_id": "population.personal_id",
        "applicant.phone": "population.phone",
        "mother.full_name": "population.mother.full_name",
        "applicant.residence": "population.permanent_residence",
        "business.name": "business.name",
    }
}


@pytest.fixture
def person(loaded_places, django_user_model):
    registry_generate(people=300, businesses=0, seed=5)
    record = Person.objects.exclude(mother_personal_id="").filter(phone__gt="").first()
    user = django_user_model.objects.create_user(
        username=f"vneid-{record.personal_id}", oidc_subject="s", personal_id=record.personal_id
    )
    return record, user


def test_values_come_with_their_source_and_the_read_is_logged(person):
    record, user = person
    form = prefill(definition=DEFINITION, applicant=user, purpose="Nộp hồ sơ 1.001193")
    assert form.values["applicant.full_name"].value == record.full_name
    assert form.values["applicant.full_name"].source == "population.local"
    assert (
        form.values["applicant.full_name"].record == record.personal_id
        and form.values["applicant.full_name"].verified
    )
    assert (
        form.values["mother.full_name"].value
        == Person.objects.get(personal_id=record.mother_personal_id).full_name
    )
    assert form.values["applicant.residence"].value["kind"] in ("unit", "legacy_unit")
    access = DataAccess.objects.get(personal_id=record.personal_id)
    assert (
        access.accessor == user and access.accessor_kind == "self" and access.purpose == "Nộp hồ sơ 1.001193"
    )
    assert "mother.full_name" in access.attributes and "full_name" in access.attributes
    assert form.manual == ["business.name"]  # no business chosen: typed by hand


def test_a_registry_that_does_not_answer_falls_back_to_manual_entry(person, monkeypatch):
    _, user = person

    def down(self, personal_id):
        raise RegistryUnavailable("timeout")

    monkeypatch.setattr("motcua.registries.adapters.local.LocalPopulationRegistry.lookup", down)
    form = prefill(definition=DEFINITION, applicant=user, purpose="x")
    assert form.values == {} and form.unavailable == ["population.local"] and form.person_found
    assert set(form.manual) == {
        "applicant.full_name",
        "applicant.personal_id",
        "applicant.phone",
        "mother.full_name",
        "applicant.residence",
        "business.name",
    }
    assert not DataAccess.objects.exists()


def test_a_person_missing_from_the_registry_is_flagged(person, django_user_model):
    stranger = django_user_model.objects.create_user(username="abroad", personal_id="250195000999")
    form = prefill(definition=DEFINITION, applicant=stranger, purpose="x")
    assert not form.person_found and form.values == {}


def test_nothing_is_read_before_consent_then_the_page_shows_values_and_the_log(
    client, person, loaded_catalogue
):
    record, user = person
    client.force_login(user, backend="motcua.accounts.oidc.CitizenOIDCBackend")
    html = client.get("/tai-khoan/dien-san/1.004873").content.decode()
    assert "Tôi đồng ý" in html and record.full_name not in html
    assert not DataAccess.objects.exists()
    response = client.post("/tai-khoan/dien-san/1.004873", {"action": "consent"}, follow=True)
    assert "Hãy đánh dấu ô đồng ý" in response.content.decode() and not DataAccess.objects.exists()
    response = client.post(
        "/tai-khoan/dien-san/1.004873", {"action": "consent", "consent": "yes"}, follow=True
    )
    html = response.content.decode()
    assert record.full_name in html and "Cơ sở dữ liệu quốc gia về dân cư" in html
    html = client.get("/tai-khoan/truy-cap-du-lieu").content.decode()
    assert "Điền sẵn tờ khai thủ tục 1.004873" in html and "Bạn" in html


def test_every_shipped_prefill_mapping_names_population_attributes_the_registry_has(person):
    import yaml

    record, _ = person
    from motcua.registries.adapters.local import LocalPopulationRegistry

    known = LocalPopulationRegistry().lookup(record.personal_id)
    business = {
        "enterprise_code",
        "name",
        "kind",
        "status",
        "head_office_address",
        "registered_on",
        "business_lines",
        "legal_representatives",
    }
    unknown = set()
    for path in (DEFAULT_ROOT / "procedures").rglob("*.yaml"):
        definition = yaml.safe_load(path.read_text(encoding="utf-8"))
        for source in definition.get("prefill", {}).values():
            registry, _, attribute = source.partition(".")
            head = attribute.split(".")[0]
            if (registry == "population" and head not in known) or (
                registry == "business" and attribute not in business
            ):
                unknown.add(f"{path.parent.name}: {source}")
        for block in definition.get("related", []):
            for attribute in block["prefill"].values():
                if attribute.split(".")[0] not in known:
                    unknown.add(f"{path.parent.name}: related {block['key']}: {attribute}")
    assert not unknown, sorted(unknown)


@pytest.mark.parametrize(
    "path", ["/tai-khoan/dien-san/%00", "/tai-khoan/dien-san/abc", "/tai-khoan/dien-san/9.999999"]
)
def test_prefill_page_with_an_odd_or_unknown_code_is_not_found(client, person, path):
    _, user = person
    client.force_login(user, backend="motcua.accounts.oidc.CitizenOIDCBackend")
    assert client.get(path).status_code == 404
