"""Citizens' pages of the dossiers app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.accounts.citizen_views import citizen_login_required
from motcua.dossiers.selectors import dossiers_of_applicant


@never_cache
@require_GET
@citizen_login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """ "Hồ sơ của tôi": the applicant's dossiers, newest first, with their status in plain words."""
    return render(
        request, "dossiers/my_dossiers.html", {"dossiers": dossiers_of_applicant(request.user)[:100]}
    )
