"""Electronic results and digitised papers.

A ``ResultDocument`` is the signed PDF an agency issued for a dossier: its public verification code,
its number in the agency's book, who signed it with which certificate, and the SHA-256 of the exact
bytes issued, so a file shown later can be matched against it. A ``Digitisation`` is one paper of a
dossier turned into one PDF (with a text layer when OCR is available) at the counter.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def _random_name(folder: str) -> str:
    return f"{folder}/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.pdf"


def _result_file_name(instance: ResultDocument, filename: str) -> str:
    return _random_name("results")


def _digitised_file_name(instance: Digitisation, filename: str) -> str:
    return _random_name("digitised")


class ResultDocument(models.Model):
    """A signed electronic result (domain.md §3 "Result"). Written once by ``services.result_sign``;
    never edited."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="e_result")
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    number = models.CharField(_("number"), max_length=40)
    template = models.CharField(_("template"), max_length=60)
    kind = models.CharField(_("kind of document"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(_("holder"), max_length=150)
    holder_personal_id = models.CharField(_("holder's personal number"), max_length=12, blank=True)
    holder_enterprise_code = models.CharField(_("holder's enterprise code"), max_length=14, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    signer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signed by"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150)
    pdf = models.FileField(upload_to=_result_file_name, max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    certificate_fingerprint = models.CharField(_("certificate fingerprint (SHA-256)"), max_length=64)
    certificate_subject = models.CharField(_("certificate subject"), max_length=300)
    stored_document_id = models.CharField(_("item in the document store"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("electronic result")
        verbose_name_plural = _("electronic results")
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="result_number_per_agency")]

    def __str__(self) -> str:
        return f"{self.number} ({self.code})"


class ResultNumberCounter(models.Model):
    """The agency's book of results for one year: the last number given."""

    agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="result_counter_once")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


class ResultPrint(models.Model):
    """A paper copy of a signed result printed at a counter ("bản in có xác nhận"), on request."""

    result = models.ForeignKey(ResultDocument, on_delete=models.PROTECT, related_name="prints")
    printed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("printed at"))
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)

    class Meta:
        verbose_name = _("certified print")
        verbose_name_plural = _("certified prints")

    def __str__(self) -> str:
        return f"{self.result_id} × {self.copies} ({self.at:%Y-%m-%d})"


class Digitisation(models.Model):
    """One paper of a dossier scanned at the counter, made into one PDF (pages in order) with the
    text OCR read from it. Built by a task; ``pages_done`` of ``pages_total`` is its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("in progress")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Ocr(models.TextChoices):
        PENDING = "pending", _("not yet")
        DONE = "done", _("text recognised")
        UNAVAILABLE = "unavailable", _("OCR not installed")
        FAILED = "failed", _("text not recognised")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="digitisations")
    document_key = models.CharField(_("document of the procedure"), max_length=50)
    source_files = models.JSONField(_("scanned files"), default=list)  # DossierFile ids, in page order
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    ocr = models.CharField(_("OCR"), max_length=12, choices=Ocr.choices, default=Ocr.PENDING)
    pages_total = models.PositiveSmallIntegerField(_("pages"), default=0)
    pages_done = models.PositiveSmallIntegerField(_("pages done"), default=0)
    pdf = models.FileField(upload_to=_digitised_file_name, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    text = models.TextField(_("recognised text"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digitised paper")
        verbose_name_plural = _("digitised papers")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document_key"], name="digitisation_once_per_paper")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.document_key}: {self.state}"
