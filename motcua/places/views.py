from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from motcua.core.errors import MotcuaError
from motcua.core.time import today
from motcua.places.calendar import HOURS_PER_WORKING_DAY, WorkCalendar, holiday_names
from motcua.places.forms import DeadlineForm, LegacyAddressForm
from motcua.places.models import LEGACY_END, AdministrativeUnit
from motcua.places.selectors import calendar_overrides, legacy_address_match, service_centre_list


@require_GET
def legacy_address(request: HttpRequest) -> HttpResponse:
    """Find the 2025 ward or commune of a pre-2025 address (wrong commune after the merger is a
    common complaint)."""
    form = LegacyAddressForm(request.GET or None)
    match = None
    if form.is_valid():
        try:
            match = legacy_address_match(**form.cleaned_data)
        except MotcuaError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
    provinces = AdministrativeUnit.objects.filter(level=1, valid_to=LEGACY_END).values_list("name", flat=True)
    return render(
        request, "places/legacy_address.html", {"form": form, "match": match, "provinces": provinces}
    )


@require_GET
def work_calendar(request: HttpRequest) -> HttpResponse:
    """The national working calendar of a year and a due-date calculator."""
    try:
        year = int(request.GET.get("year", today().year))
    except ValueError:
        year = today().year
    year = min(max(year, 2000), 2100)
    calendar = WorkCalendar.nationwide()
    overrides = calendar_overrides()
    names = {**holiday_names(year, get_language() or "vi"), **overrides.reasons}
    in_year = calendar.days_in(year)
    days_off = [(d, names.get(d, "")) for d in in_year if d.weekday() < 5 and not calendar.is_working_day(d)]
    makeup = [d for d in in_year if d.weekday() >= 5 and calendar.is_working_day(d)]
    form = DeadlineForm(request.GET if "start" in request.GET else None)
    due = None
    if form.is_valid():
        start = (
            timezone.make_aware(form.cleaned_data["start"])
            if timezone.is_naive(form.cleaned_data["start"])
            else form.cleaned_data["start"]
        )
        due = calendar.add_working_hours(start, float(form.cleaned_data["days"]) * HOURS_PER_WORKING_DAY)
    return render(
        request,
        "places/calendar.html",
        {
            "year": year,
            "days_off": days_off,
            "makeup_days": [(d, names.get(d, "")) for d in makeup],
            "form": form,
            "due": due,
            "working_day_count": len(calendar.working_days_in(year)),
            "today": today(),
            "years": [year - 1, year + 1],
        },
    )


@require_GET
def service_centres(request: HttpRequest) -> HttpResponse:
    """Where to apply in person: the public administration service centres, searchable by place."""
    query = request.GET.get("q", "").strip()[:100]
    centres = service_centre_list(query=query)
    return render(request, "places/centres.html", {"query": query, "centres": centres})
