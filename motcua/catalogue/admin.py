"""Read-only views of what is live: procedures change only through their YAML files."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.models import ProcedureGroupVersion, ProcedureVersion
from motcua.core.admin import ReadOnlyAdmin


class SourceAdmin(ReadOnlyAdmin):
    @admin.display(description=_("YAML source"))
    def source(self, obj):
        return format_html('<pre class="yaml-source">{}</pre>', obj.source_yaml)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(SourceAdmin):
    list_display = (
        "code",
        "version",
        "name_vi",
        "sector",
        "competent_level",
        "online_level",
        "effective_from",
        "effective_to",
    )
    list_filter = ("competent_level", "online_level", "sector", "boundary_free")
    search_fields = ("procedure__code", "name_vi", "name_en")
    list_select_related = ("procedure",)
    fields = (
        "code",
        "version",
        "name_vi",
        "name_en",
        "effective_from",
        "effective_to",
        "sector",
        "competent_level",
        "online_level",
        "boundary_free",
        "source_path",
        "content_hash",
        "loaded_at",
        "source",
    )
    readonly_fields = fields

    @admin.display(description=_("national code"), ordering="procedure__code")
    def code(self, obj):
        return obj.procedure.code


@admin.register(ProcedureGroupVersion)
class ProcedureGroupVersionAdmin(SourceAdmin):
    list_display = ("code", "version", "name_vi", "effective_from", "effective_to")
    search_fields = ("group__code", "name_vi")
    list_select_related = ("group",)
    fields = (
        "code",
        "version",
        "name_vi",
        "name_en",
        "effective_from",
        "effective_to",
        "source_path",
        "content_hash",
        "loaded_at",
        "source",
    )
    readonly_fields = fields

    @admin.display(description=_("national code"), ordering="group__code")
    def code(self, obj):
        return obj.group.code
