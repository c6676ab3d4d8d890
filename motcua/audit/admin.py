from django.contrib import admin

from motcua.audit.models import AuditRecord
from motcua.core.admin import ReadOnlyAdmin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("seq", "at", "actor_label", "action", "object_type", "object_id", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label", "action")
