"""Citizens' pages of the registries: the data a procedure will fill in, and who read their data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.citizen_views import citizen_login_required
from motcua.catalogue.selectors import procedure_version_in_force
from motcua.core.errors import NotFound
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
    labels = {f["key"]: f["label"] for s in version.data["form"]["sections"] for f in s["fields"]}
    form = prefill(
        definition=version.data,
        applicant=request.user,
        purpose=f"Xem trước dữ liệu điền sẵn cho thủ tục {version.code}",
    )
    rows = [(labels.get(key, {"vi": key, "en": key}), value) for key, value in form.values.items()]
    manual = [labels.get(key, {"vi": key, "en": key}) for key in form.manual]
    return render(
        request,
        "registries/prefill_preview.html",
        {"version": version, "rows": rows, "manual": manual, "form": form},
    )


@never_cache
@require_GET
@citizen_login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """ "Ai đã xem dữ liệu của tôi": every read of the citizen's registry data, newest first."""
    entries = (
        data_access_list_for_person(personal_id=request.user.personal_id) if request.user.personal_id else []
    )
    return render(request, "registries/access_log.html", {"entries": entries})
