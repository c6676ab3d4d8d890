from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from motcua.core.http import client_ip
from motcua.places.models import AdministrativeUnit, Agency, CalendarOverride
from motcua.places.services import calendar_override_delete, calendar_override_save


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarOverride.objects.dates("date", "year", order="DESC")
        return [(d.year, d.year) for d in years]

    def queryset(self, request, queryset):
        return queryset.filter(date__year=self.value()) if self.value() else queryset


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """The yearly days off and make-up working days the government declares (domain.md §4)."""

    list_display = ("date", "weekday", "kind", "province", "reason")
    list_filter = (YearFilter, "kind", ("province", admin.EmptyFieldListFilter))
    search_fields = ("reason",)
    date_hierarchy = "date"
    autocomplete_fields = ("province",)

    def save_model(self, request, obj, form, change):
        calendar_override_save(override=obj, actor=request.user, ip=client_ip(request))

    def delete_model(self, request, obj):
        calendar_override_delete(override=obj, actor=request.user, ip=client_ip(request))

    def delete_queryset(self, request, queryset):
        for override in queryset:
            calendar_override_delete(override=override, actor=request.user, ip=client_ip(request))

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "kind", "parent", "valid_from", "valid_to")
    list_filter = ("level", "kind", ("valid_to", admin.EmptyFieldListFilter))
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    show_full_result_count = False
    readonly_fields = ("search_keys",)
    raw_id_fields = ("parent",)

    def get_search_results(self, request, queryset, search_term):
        # The province picker of calendar overrides offers current provinces only.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "calendaroverride":
            queryset = queryset.filter(level=AdministrativeUnit.Level.PROVINCE, valid_to__isnull=True)
        return queryset, distinct


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("electronic_id", "name", "kind", "unit", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("electronic_id", "name", "name_en")
    list_select_related = ("unit",)
    raw_id_fields = ("unit", "parent", "successors")
    show_full_result_count = False
