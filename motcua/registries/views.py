"""Citizens' pages of the registries: the data a procedure will fill in, and who read their data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pycountry
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.citizen_views import citizen_login_required
from motcua.accounts.selectors import enterprise_authorisations_for
from motcua.catalogue.selectors import procedure_version_in_force
from motcua.core.errors import NotFound
from motcua.core.time import today
from motcua.registries.adapters import business_registry
from motcua.registries.adapters.base import RegistryUnavailable
from motcua.registries.attributes import attribute_label
from motcua.registries.selectors import data_access_list_for_person
from motcua.registries.services import prefill


@never_cache
@require_GET
@citizen_login_required
def prefill_preview(request: HttpRequest, code: str) -> HttpResponse:
    """What the state already knows for this procedure's form, each value with its source."""
    try:
        version = procedure_version_in_force(code=code)
    except NotFound as error:
        raise Http404(str(error)) from error
    # Label each field with its section ("Người mẹ — Họ và tên"): forms repeat field names per person.
    fields = {
        f["key"]: {**f, "label": {lang: f"{s['title'][lang]} — {f['label'][lang]}" for lang in ("vi", "en")}}
        for s in version.data["form"]["sections"]
        for f in s["fields"]
    }
    form = prefill(
        definition=version.data,
        applicant=request.user,
        purpose=f"Xem trước dữ liệu điền sẵn cho thủ tục {version.code}",
    )
    order = {key: index for index, key in enumerate(fields)}
    rows = [
        (fields[key]["label"], _display(fields[key], item.value), item)
        for key, item in sorted(form.values.items(), key=lambda kv: order.get(kv[0], 0))
        if key in fields
    ]
    manual = [fields[key]["label"] for key in form.manual if key in fields]
    return render(
        request,
        "registries/prefill_preview.html",
        {"version": version, "rows": rows, "manual": manual, "form": form},
    )


def _display(field: dict, value: Any) -> str:
    """A registry value as a person reads it: dates day-first, options by their label, countries and
    places by name."""
    english = (get_language() or "vi").startswith("en")
    if isinstance(value, dict):
        return ", ".join(part for part in (value.get("text", ""), value.get("label", "")) if part) or str(
            value
        )
    if field.get("type") == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return value
    for option in field.get("options", []):
        if option["value"] == value:
            return option["label"]["en" if english else "vi"]
    if field.get("type") == "country" and isinstance(value, str):
        country = pycountry.countries.get(alpha_2=value)
        return "Việt Nam" if value == "VN" and not english else (country.name if country else value)
    words = {
        "male": ("Nam", "Male"),
        "female": ("Nữ", "Female"),
        "single": ("Độc thân", "Single"),
        "married": ("Đã kết hôn", "Married"),
        "divorced": ("Đã ly hôn", "Divorced"),
        "widowed": ("Góa", "Widowed"),
    }
    if value in words:
        return words[value][1 if english else 0]
    return str(value)


@never_cache
@require_GET
@citizen_login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """ "Ai đã xem dữ liệu của tôi": every read of the citizen's registry data, newest first."""
    entries = (
        data_access_list_for_person(personal_id=request.user.personal_id) if request.user.personal_id else []
    )
    english = (get_language() or "vi").startswith("en")
    rows = [
        (entry, ", ".join(attribute_label(a, english=english) for a in entry.attributes)) for entry in entries
    ]
    return render(request, "registries/access_log.html", {"rows": rows})


@never_cache
@require_GET
@citizen_login_required
def businesses(request: HttpRequest) -> HttpResponse:
    """The businesses the citizen may act for: as the legal representative the business registry
    names, or through a recorded authorisation."""
    represented: list[dict[str, Any]] = []
    unavailable = False
    if request.user.personal_id:
        try:
            represented = business_registry().represented_by(request.user.personal_id)
        except RegistryUnavailable:
            unavailable = True
    authorisations = list(enterprise_authorisations_for(request.user, on=today()))
    names = {}
    for authorisation in authorisations:
        try:
            record = business_registry().lookup(authorisation.enterprise_code)
        except RegistryUnavailable:
            record, unavailable = None, True
        names[authorisation.enterprise_code] = (record or {}).get("name", "")
    return render(
        request,
        "registries/businesses.html",
        {
            "represented": represented,
            "authorised": [(a, names.get(a.enterprise_code, "")) for a in authorisations],
            "unavailable": unavailable,
        },
    )
