from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("motcua administration")
admin.site.site_title = _("motcua administration")
admin.site.index_title = _("Catalogue, units, agencies and calendar")


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through their own process (files, registries, the audit log)."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
