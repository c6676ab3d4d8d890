"""Read-only views of the local registries (the embedded stand-ins for the national ones)."""

from django.contrib import admin

from motcua.registries.models import Business, Household, Person, StoredDocument


class ReadOnly(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnly):
    list_display = ("personal_id", "full_name", "date_of_birth", "sex", "marital_status", "date_of_death")
    list_filter = ("sex", "marital_status", "born_abroad", "naturalised")
    search_fields = ("=personal_id", "full_name")


@admin.register(Household)
class HouseholdAdmin(ReadOnly):
    list_display = ("code", "head_personal_id")
    search_fields = ("=code", "=head_personal_id")


@admin.register(Business)
class BusinessAdmin(ReadOnly):
    list_display = ("enterprise_code", "name", "kind", "status", "registered_on")
    list_filter = ("kind", "status")
    search_fields = ("=enterprise_code", "name")


@admin.register(StoredDocument)
class StoredDocumentAdmin(ReadOnly):
    list_display = ("kind", "number", "owner_personal_id", "owner_enterprise_code", "issued_on")
    list_filter = ("kind",)
    search_fields = ("=owner_personal_id", "=owner_enterprise_code", "number")
