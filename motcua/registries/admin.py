"""Read-only views of the local registries (the embedded stand-ins for the national ones)."""

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin
from motcua.registries.models import Business, Household, Person, StoredDocument


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("personal_id", "full_name", "date_of_birth", "sex", "marital_status", "date_of_death")
    list_filter = ("sex", "marital_status", "born_abroad", "naturalised")
    search_fields = ("=personal_id", "full_name")


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("code", "head_personal_id")
    search_fields = ("=code", "=head_personal_id")


@admin.register(Business)
class BusinessAdmin(ReadOnlyAdmin):
    list_display = ("enterprise_code", "name", "kind", "status", "registered_on")
    list_filter = ("kind", "status")
    search_fields = ("=enterprise_code", "name")


@admin.register(StoredDocument)
class StoredDocumentAdmin(ReadOnlyAdmin):
    list_display = ("kind", "number", "owner_personal_id", "owner_enterprise_code", "issued_on")
    list_filter = ("kind",)
    search_fields = ("=owner_personal_id", "=owner_enterprise_code", "number")
