"""Dossiers ("hồ sơ"): one application for one procedure, its lifecycle, events and deadlines.

Only ``motcua.dossiers.services`` changes a dossier's state (DESIGN.md "The dossier state machine").
Times are stored; "early / on time / late" is computed from them, never typed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.IntegerChoices):
    """The public statuses synchronised with the national portal (domain.md §3): keep the numbers."""

    SUBMITTED = 1, _("Submitted online, waiting for reception")
    RECEIVED = 2, _("Received")
    REFUSED = 3, _("Refused at reception")
    PROCESSING = 4, _("Being processed")
    SUPPLEMENT = 5, _("Waiting for the applicant to supplement")
    FEES = 6, _("Waiting for fees")
    WITHDRAWAL_REQUESTED = 7, _("The applicant asked to withdraw")
    STOPPED = 8, _("Stopped")
    RESULT_READY = 9, _("Result ready")
    DELIVERED = 10, _("Result delivered")


class Stage(models.TextChoices):
    """Internal sub-states, finer than the public status."""

    NONE = "", _("—")
    ASSIGNED = "assigned", _("Assigned to a department")
    AWAITING_SIGNATURE = "awaiting_signature", _("Waiting for signature")
    AWAITING_INTERCONNECTED = "awaiting_interconnected", _("Waiting for an interconnected agency")
    SUPPLEMENTED = "supplemented", _("Supplemented, waiting for re-reception")
    AWAITING_DELIVERY_CONFIRMATION = "awaiting_delivery", _("Waiting to confirm delivery")


class Channel(models.IntegerChoices):
    COUNTER = 1, _("At a counter")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("By post")


class Dossier(models.Model):
    # The code <receiving agency>-YYMMDD-NNNN is given at reception; an online submission waiting for
    # reception is known by its reference (decision 0008).
    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    procedure_version = models.ForeignKey(
        "catalogue.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_code = models.CharField(_("procedure"), max_length=10, db_index=True)
    case_key = models.CharField(_("case"), max_length=50)
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    applicant = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="dossiers", null=True, blank=True
    )
    applicant_enterprise_code = models.CharField(_("for the business"), max_length=14, blank=True)
    applicant_name = models.CharField(_("applicant"), max_length=150)
    applicant_personal_id = models.CharField(
        _("applicant's number"), max_length=12, blank=True, db_index=True
    )
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    receiving_agency = models.ForeignKey(
        "places.Agency", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    competent_agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="+")
    current_agency = models.ForeignKey(
        "places.Agency", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    assignee = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices, db_index=True)
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, blank=True)
    step_key = models.CharField(_("current step"), max_length=50, blank=True)
    data = models.JSONField(_("form data"), default=dict)
    provenance = models.JSONField(_("where prefilled values came from"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due (original)"), null=True, blank=True)
    current_due_at = models.DateTimeField(_("due (after apology or pauses)"), null=True, blank=True)
    # What statistics judge by: the original due time moved by the time spent waiting for the
    # applicant, never by an apology (domain.md §3–§4); kept so the open dossiers can be counted.
    statistics_due_at = models.DateTimeField(_("due (for statistics)"), null=True, blank=True)
    paused_since = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    paused_hours = models.FloatField(_("working hours paused"), default=0)
    supplement_requests = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    counts_as_late = models.BooleanField(_("counts as late"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, blank=True)  # "granted" or "refused"
    step_due_at = models.DateTimeField(_("current step due"), null=True, blank=True)
    step_started_at = models.DateTimeField(_("current step started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The verification code of the signed electronic result issued for it (results app), if any:
    # an input of the service index ("dossiers with an electronic result").
    e_result_code = models.CharField(_("electronic result"), max_length=20, blank=True)
    submission_key = models.CharField(max_length=64, blank=True)
    # An interconnected procedure's next dossier points at the one the applicant submitted; only that
    # one is counted and synchronised (domain.md §5).
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="dossier_one_per_submission",
            ),
            models.UniqueConstraint(
                fields=["receiving_agency", "submission_key"],
                condition=~models.Q(submission_key="") & models.Q(channel=1),
                name="dossier_one_per_counter_form",
            ),
        ]
        indexes = [
            models.Index(fields=["competent_agency", "status", "-id"], name="dossier_competent_queue"),
            models.Index(fields=["receiving_agency", "status", "-id"], name="dossier_receiving_queue"),
            models.Index(fields=["current_agency", "status", "-id"], name="dossier_current_queue"),
            models.Index(fields=["assignee", "status", "-id"], name="dossier_assignee_queue"),
            models.Index(fields=["applicant", "-id"], name="dossier_applicant_recent"),
            models.Index(fields=["status", "current_due_at"], name="dossier_due"),
            # The open dossiers whose clock runs, counted by the service index (2.2) and the early
            # warnings: a few per cent of all dossiers, so a partial index.
            models.Index(
                fields=["competent_agency", "statistics_due_at"],
                condition=models.Q(status__in=[2, 4, 7]),
                name="dossier_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.code or self.reference

    @property
    def registry_subjects(self) -> set[str]:
        subjects = {self.applicant_personal_id} - {""}
        for item in self.provenance.values():
            if isinstance(item, dict) and len(str(item.get("record", ""))) == 12:
                subjects.add(str(item["record"]))
        return subjects


class DossierEvent(models.Model):
    """One row of the processing-control slip (form 06): append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40)
    from_status = models.PositiveSmallIntegerField(null=True, blank=True)
    to_status = models.PositiveSmallIntegerField()
    from_stage = models.CharField(max_length=30, blank=True)
    to_stage = models.CharField(max_length=30, blank=True)
    step_key = models.CharField(max_length=50, blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_agency = models.ForeignKey(
        "places.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_agency = models.ForeignKey(
        "places.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_person = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"))
    step_due_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="dossier_event_timeline")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class DossierCodeCounter(models.Model):
    """The last sequence number given by one receiving agency on one reception day."""

    agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_counter_day")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


def _random_upload_name(instance: DossierFile, filename: str) -> str:
    """Stored under a random name: the applicant's file name is kept only as data."""
    import secrets

    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"dossier-files/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{extension}"


class DossierDraft(models.Model):
    """An application being prepared: saved as the applicant types, resumed after signing out."""

    applicant = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="dossier_drafts")
    procedure_version = models.ForeignKey(
        "catalogue.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    procedure_code = models.CharField(_("procedure"), max_length=10)
    enterprise_code = models.CharField(_("for the business"), max_length=14, blank=True)
    case_key = models.CharField(_("case"), max_length=50, blank=True)
    unit_code = models.CharField(_("commune that decides"), max_length=10, blank=True)
    receiving_agency = models.ForeignKey(
        "places.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("form data"), default=dict)
    submission_key = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "procedure_code", "enterprise_code"],
                name="dossier_draft_one_per_procedure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_code} / {self.applicant_id}"


class DossierFile(models.Model):
    """An uploaded paper: type sniffed from its content, size and pages limited, SHA-256 kept.
    Never served from a public path (only through a view that checks who asks)."""

    draft = models.ForeignKey(
        DossierDraft, null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    document_key = models.CharField(_("document of the procedure"), max_length=50)
    original_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(upload_to=_random_upload_name, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField(default=1)
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # A paper scanned at the counter ("số hóa tại quầy"): the key of the reception form it was sent
    # with. It waits under that key, seen only by the receiver, until the reception attaches it.
    counter_submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("uploaded document")
        verbose_name_plural = _("uploaded documents")
        constraints = [
            # The same scan sent again with the same form (a resent page) is kept once.
            models.UniqueConstraint(
                fields=["uploaded_by", "counter_submission_key", "document_key", "sha256"],
                condition=~models.Q(counter_submission_key=""),
                name="dossier_file_once_per_counter_form",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_key}: {self.original_name}"
