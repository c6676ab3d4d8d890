"""Dossiers in the administration: read-only (only the dossier services change a dossier)."""

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin
from motcua.dossiers.models import Dossier, DossierEvent


class EventInline(admin.TabularInline):
    model = DossierEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "to_agency", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("code", "reference", "procedure_code", "status", "competent_agency", "current_due_at")
    list_filter = ("status", "channel")
    search_fields = ("=code", "=reference", "=applicant_personal_id")
    inlines = [EventInline]
