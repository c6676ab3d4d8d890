"""The synthetic registries: consistent people, families, numbers and documents, for a seed."""

import pytest
from django.core.management import call_command

from motcua.accounts.identity import validate_personal_id
from motcua.registries.adapters.local import (
    LocalBusinessRegistry,
    LocalDocumentStore,
    LocalPopulationRegistry,
)
from motcua.registries.models import Business, Household, Person, StoredDocument
from motcua.registries.synthetic import registry_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(loaded_places):
    return registry_generate(people=1500, businesses=100, seed=7)


def test_counts_and_numbers_are_consistent(population):
    assert population["people"] == Person.objects.count() == 1500
    assert Business.objects.count() == population["businesses"] > 90
    for person in Person.objects.all():
        validate_personal_id(person.personal_id, date_of_birth=person.date_of_birth, sex=person.sex)


def test_family_links_are_consistent(population):
    people = {p.personal_id: p for p in Person.objects.all()}
    married = [p for p in people.values() if p.spouse_personal_id]
    assert married
    for p in married:
        spouse = people[p.spouse_personal_id]
        assert spouse.spouse_personal_id == p.personal_id and spouse.sex != p.sex
    children = [p for p in people.values() if p.father_personal_id or p.mother_personal_id]
    assert children
    for child in children:
        for parent_id in (child.father_personal_id, child.mother_personal_id):
            if parent_id:
                parent = people[parent_id]
                assert (child.date_of_birth - parent.date_of_birth).days >= 20 * 365 - 1
                assert parent.household_id == child.household_id
        if child.father_personal_id:
            assert child.full_name.split()[0] == people[child.father_personal_id].full_name.split()[0]
    for household in Household.objects.all()[:200]:
        assert people[household.head_personal_id].relation_to_head == "head"


def test_the_hard_cases_exist(population):
    assert Person.objects.filter(born_abroad=True).exists()
    assert Person.objects.filter(permanent_residence__kind="legacy_unit").exists()
    assert StoredDocument.objects.filter(kind="birth_certificate").exists()
    assert StoredDocument.objects.filter(kind="marriage_certificate").exists()


def test_the_same_seed_gives_the_same_registry(loaded_places):
    registry_generate(people=300, businesses=10, seed=11)
    first = list(Person.objects.order_by("personal_id").values_list("personal_id", "full_name"))
    registry_generate(people=300, businesses=10, seed=11)
    assert list(Person.objects.order_by("personal_id").values_list("personal_id", "full_name")) == first


def test_local_adapters_answer_with_relatives_and_documents(population):
    child = Person.objects.exclude(father_personal_id="").exclude(mother_personal_id="").first()
    record = LocalPopulationRegistry().lookup(child.personal_id)
    assert record["father"]["personal_id"] == child.father_personal_id
    assert record["mother"]["full_name"] == Person.objects.get(personal_id=child.mother_personal_id).full_name
    assert record["household"]["relation"] == "child"
    assert LocalPopulationRegistry().lookup("000000000000") is None
    business = Business.objects.first()
    assert (
        LocalBusinessRegistry().lookup(business.enterprise_code)["legal_representatives"]
        == business.representatives
    )
    store = LocalDocumentStore()
    owner = StoredDocument.objects.first().owner_personal_id
    assert store.list_for(personal_id=owner)
    assert store.list_for() == []


def test_generate_command(loaded_places, capsys):
    call_command("registry", "generate", "--people", "200", "--businesses", "5", "--no-progress")
    assert "200 people" in capsys.readouterr().out
