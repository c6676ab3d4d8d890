"""Papers digitised at the counter ("số hóa hồ sơ, giấy tờ tại bộ phận một cửa").

When the receiver scans a dossier's papers at the counter, each paper (a document of the procedure,
however many files and pages it was scanned in) becomes one PDF, with a text layer and its text
when OCR is available, and the dossier records the component as digitised. OCR takes seconds a
page, so the work is a task planned in the reception's transaction; the back office polls its
progress page by page.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from motcua.core.time import now
from motcua.results.models import Digitisation
from motcua.results.ocr import ScanUnreadable, merge_pdfs, ocr_status, searchable_pages

logger = logging.getLogger(__name__)

# The dossier events after which the counter's scans are on the dossier.
PLAN_ON = frozenset({"receive", "supplement_at_counter"})
TEXT_PREVIEW = 500


@transaction.atomic
def digitisation_plan_for(*, dossier: Any) -> list[Digitisation]:
    """Plan one digitisation per paper the receiver scanned at the counter for ``dossier``, pages in
    the order the files were uploaded, and enqueue each in the caller's transaction (the reception's:
    nothing is planned for a reception that rolls back, nothing lost if the process dies after).

    A paper already planned with the same files is left as it is; one scanned again with more files
    (a supplement at the counter) is made again from all of them."""
    from motcua.results.tasks import digitise_paper

    papers: dict[str, list[tuple[int, int]]] = {}
    for pk, key, pages in (
        dossier.files.exclude(counter_submission_key="")
        .order_by("pk")
        .values_list("pk", "document_key", "pages")
    ):
        papers.setdefault(key, []).append((pk, pages))
    if not papers:
        return []
    existing = {d.document_key: d for d in Digitisation.objects.select_for_update().filter(dossier=dossier)}
    planned = []
    for key, files in papers.items():
        ids = [pk for pk, _pages in files]
        total = min(sum(pages for _pk, pages in files), 32767)
        digitisation = existing.get(key)
        if digitisation is None:
            digitisation = Digitisation.objects.create(
                dossier=dossier, document_key=key, source_files=ids, pages_total=total
            )
        elif digitisation.source_files == ids:
            continue
        else:
            digitisation.source_files = ids
            digitisation.pages_total = total
            _reset(digitisation, state=Digitisation.State.QUEUED)
            digitisation.save()
        digitise_paper.enqueue(digitisation_id=digitisation.pk)
        planned.append(digitisation)
    return planned


def _reset(digitisation: Digitisation, *, state: Any) -> None:
    digitisation.state = state
    digitisation.ocr = Digitisation.Ocr.PENDING
    digitisation.pages_done = 0
    digitisation.text = ""
    digitisation.error = ""
    digitisation.finished_at = None


def digitisation_run(*, digitisation_id: int) -> Digitisation:
    """Make the paper's PDF page by page (each page saved as done, so the page polling it shows
    progress), keep its SHA-256 and text, and mark the component digitised on the dossier.

    Idempotent: a digitisation done is returned as it is; one left running by a crash starts again
    from its first page. OCR failing on a page keeps that page as an image (OCR "failed", the paper
    still done); only a scan that cannot be read at all fails the digitisation."""
    with transaction.atomic():
        digitisation = (
            Digitisation.objects.select_for_update().select_related("dossier").get(pk=digitisation_id)
        )
        if digitisation.state == Digitisation.State.DONE:
            return digitisation
        _reset(digitisation, state=Digitisation.State.RUNNING)
        digitisation.save()
    plan = list(digitisation.source_files)
    try:
        pdf, text, ocr = _pages(digitisation, plan)
    except ScanUnreadable as error:
        logger.warning("digitisation %s: scan unreadable (%s)", digitisation.pk, error)
        return _fail(digitisation, plan, str(error))
    except Exception as error:  # a bug: the page must not show "in progress" forever
        _fail(digitisation, plan, f"internal error: {error.__class__.__name__}")
        raise
    return _finish(digitisation, plan, pdf=pdf, text=text, ocr=ocr)


def _pages(digitisation: Digitisation, plan: list[int]) -> tuple[bytes, str, Any]:
    """The PDF, text and OCR outcome of the scans ``plan`` names, in order."""
    files = {f.pk: f for f in digitisation.dossier.files.filter(pk__in=plan)}
    available = ocr_status()[0]
    pages: list[bytes] = []
    texts: list[str] = []
    ocr_failed = False
    for file_id in plan:
        scan = files.get(file_id)
        if scan is None:
            raise ScanUnreadable(f"scan {file_id} is no longer on the dossier")
        try:
            with scan.file.open("rb") as handle:
                content = handle.read()
        except OSError as error:
            raise ScanUnreadable(f"scan {file_id} cannot be opened: {error.__class__.__name__}") from error
        for page, text, failed in searchable_pages(content, scan.content_type, ocr=available):
            ocr_failed = ocr_failed or failed
            pages.append(page)
            texts.append(text)
            # Seen at once by the page polling it (no transaction holds it back).
            Digitisation.objects.filter(pk=digitisation.pk, state=Digitisation.State.RUNNING).update(
                pages_done=len(pages), pages_total=max(digitisation.pages_total, len(pages))
            )
    if not pages:
        raise ScanUnreadable("the scans have no pages")
    if not available:
        ocr = Digitisation.Ocr.UNAVAILABLE
    elif ocr_failed:
        ocr = Digitisation.Ocr.FAILED
    else:
        ocr = Digitisation.Ocr.DONE
    return merge_pdfs(pages), "\f".join(texts).strip(), ocr


def _current(digitisation: Digitisation, plan: list[int]) -> Digitisation | None:
    """The row, locked, if this run is still the one wanted (not re-planned with other files)."""
    row = Digitisation.objects.select_for_update().get(pk=digitisation.pk)
    if row.state != Digitisation.State.RUNNING or row.source_files != plan:
        return None
    return row


@transaction.atomic
def _finish(digitisation: Digitisation, plan: list[int], *, pdf: bytes, text: str, ocr: str) -> Digitisation:
    from motcua.dossiers.services import dossier_component_digitised

    row = _current(digitisation, plan)
    if row is None:  # re-planned meanwhile: the new run writes the result
        return Digitisation.objects.get(pk=digitisation.pk)
    old = row.pdf.name if row.pdf else ""
    row.pdf.save("digitised.pdf", ContentFile(pdf), save=False)
    if old:
        storage = row.pdf.storage
        transaction.on_commit(lambda: storage.delete(old))
    row.sha256 = hashlib.sha256(pdf).hexdigest()
    pages = _page_count(pdf)
    row.pages_total = row.pages_done = pages
    row.text = text
    row.ocr = ocr
    row.state = Digitisation.State.DONE
    row.error = ""
    row.finished_at = now()
    row.save()
    dossier_component_digitised(
        dossier=digitisation.dossier, document_key=row.document_key, pages=pages, text=bool(text)
    )
    return row


def _page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


@transaction.atomic
def _fail(digitisation: Digitisation, plan: list[int], reason: str) -> Digitisation:
    row = _current(digitisation, plan)
    if row is None:
        return Digitisation.objects.get(pk=digitisation.pk)
    row.state = Digitisation.State.FAILED
    row.error = reason[:500]
    row.finished_at = now()
    row.save()
    return row


def digitisation_requeue_unfinished(*, older_than: timedelta) -> int:
    """Enqueue again the digitisations still waiting or running after ``older_than`` (a worker that
    died mid-paper leaves one "running"); each starts again from its first page."""
    from motcua.results.tasks import digitise_paper

    stale = Digitisation.objects.filter(
        state__in=(Digitisation.State.QUEUED, Digitisation.State.RUNNING), created_at__lt=now() - older_than
    ).values_list("pk", flat=True)
    count = 0
    for pk in stale:
        with transaction.atomic():
            digitise_paper.enqueue(digitisation_id=pk)
        count += 1
    return count


def on_dossier_event(sender: Any, *, dossier: Any, event: Any, **kwargs: Any) -> None:
    """``dossier_event`` receiver (connected in ``ResultsConfig.ready``): the counter's scans were
    just attached to the dossier, in this transaction."""
    # A reception says in its event whether scans came with it: receiving an online dossier (the
    # common case) costs no query here. A supplement at the counter is rare; its files are looked up.
    if event.action == "receive" and not (event.payload or {}).get("scans"):
        return
    if event.action in PLAN_ON:
        digitisation_plan_for(dossier=dossier)


# --- reads ---------------------------------------------------------------------------------------


def digitisation_status_for(*, dossier: Any) -> list[dict[str, Any]]:
    """What the back office shows of each digitised paper of ``dossier``: progress, outcome, the
    beginning of the text (one query)."""
    names = {d["key"]: d.get("name", {}) for d in (dossier.procedure_version.data.get("documents") or [])}
    names.setdefault("supplement", {"vi": "Giấy tờ bổ sung", "en": "Supplement"})
    rows = []
    for d in Digitisation.objects.filter(dossier=dossier).order_by("pk"):
        name = names.get(d.document_key) or {}
        total = max(d.pages_total, d.pages_done)
        rows.append(
            {
                "id": d.pk,
                "document_key": d.document_key,
                "name_vi": name.get("vi") or d.document_key,
                "name_en": name.get("en") or name.get("vi") or d.document_key,
                "state": d.state,
                "state_label": d.get_state_display(),
                "ocr": d.ocr,
                "ocr_label": d.get_ocr_display(),
                "pages_done": d.pages_done,
                "pages_total": total,
                "percent": round(100 * d.pages_done / total) if total else 0,
                "finished": d.state in (Digitisation.State.DONE, Digitisation.State.FAILED),
                "has_pdf": d.state == Digitisation.State.DONE and bool(d.pdf),
                "sha256": d.sha256,
                "text_preview": d.text[:TEXT_PREVIEW].replace("\f", "\n\n"),
                "text_more": len(d.text) > TEXT_PREVIEW,
                "finished_at": d.finished_at,
                "error": d.error,
            }
        )
    return rows


def digitisation_get_for(*, dossier: Any, digitisation_id: int) -> Digitisation | None:
    """One finished digitisation of ``dossier`` with its PDF, or None."""
    return (
        Digitisation.objects.filter(pk=digitisation_id, dossier=dossier, state=Digitisation.State.DONE)
        .exclude(pdf="")
        .first()
    )
