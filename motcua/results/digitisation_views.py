"""The back office's view of the papers digitised at the counter: an htmx fragment of the dossier
page that polls itself while a paper is being read, and the download of each paper's PDF. Only for
officials who may view the dossier (the desk's own rule: ``dossier.view`` in the receiving,
competent or current agency); anyone else gets the same 404 as for a dossier that does not exist."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_viewable
from motcua.results.digitisation import digitisation_get_for, digitisation_status_for

POLL_EVERY = "2s"


def _dossier_for_official(request: HttpRequest, pk: int) -> Dossier:
    dossier = dossier_viewable(user=request.user, pk=pk)
    if dossier is None:
        raise Http404(_("There is no such dossier."))
    return dossier


@never_cache
@require_GET
def digitisation_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """Each paper's progress (pages read of pages), state, OCR outcome, its PDF and the beginning of
    its text. While any paper is waiting or being read, the fragment asks for itself again."""
    dossier = _dossier_for_official(request, pk)
    english = (get_language() or "vi").startswith("en")
    rows = digitisation_status_for(dossier=dossier)
    for row in rows:
        row["name"] = row["name_en"] if english else row["name_vi"]
        row["pdf_url"] = (
            reverse("results:digitisation-pdf", args=[dossier.pk, row["id"]]) if row["has_pdf"] else ""
        )
    return render(
        request,
        "results/digitisation.html",
        {
            "dossier": dossier,
            "rows": rows,
            "polling": any(not row["finished"] for row in rows),
            "poll_every": POLL_EVERY,
            "done": sum(1 for row in rows if row["state"] == "done"),
            "self_url": reverse("results:digitisation", args=[dossier.pk]),
        },
    )


@require_GET
def digitisation_pdf(request: HttpRequest, pk: int, digitisation_id: int) -> FileResponse:
    """The PDF of one digitised paper, as an attachment (never a public path)."""
    dossier = _dossier_for_official(request, pk)
    digitisation = digitisation_get_for(dossier=dossier, digitisation_id=digitisation_id)
    if digitisation is None:
        raise Http404(_("There is no such file."))
    response = FileResponse(
        digitisation.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{dossier.code or dossier.reference}-{digitisation.document_key}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
