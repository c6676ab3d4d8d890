from django.contrib import admin

from motcua.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("seq", "at", "actor_label", "action", "object_type", "object_id", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label", "action")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
