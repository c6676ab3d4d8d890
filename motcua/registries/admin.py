"""Administration views of the registries app.

The population registry and the citizens' document stores are not browsable here: officials read a
person's data only through a dossier they are authorised for, and every read is logged
(registries.officials). The business registry is a public register and may be looked at; the access
log and the exception queue are shown read-only for oversight.
"""

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin
from motcua.registries.models import Business, DataAccess, VerificationCase


@admin.register(Business)
class BusinessAdmin(ReadOnlyAdmin):
    list_display = ("enterprise_code", "name", "kind", "status", "registered_on")
    list_filter = ("kind", "status")
    search_fields = ("=enterprise_code", "name")


@admin.register(DataAccess)
class DataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "personal_id", "source", "accessor_kind", "accessor", "purpose")
    list_filter = ("accessor_kind", "source")
    search_fields = ("=personal_id", "purpose")


@admin.register(VerificationCase)
class VerificationCaseAdmin(ReadOnlyAdmin):
    list_display = ("opened_at", "procedure_code", "reason", "status", "agency", "resolved_by")
    list_filter = ("status", "reason")
    search_fields = ("=personal_id", "=procedure_code")
