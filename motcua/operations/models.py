"""The operations centre's own data: what each dossier adds to the summaries, the summaries (per day
and per month × agency × procedure × channel) the service index is read from, and the early
warnings sent.

The summaries are maintained from dossier events (``summaries.on_dossier_event``) and can be rebuilt
from the event log (``summaries.summaries_rebuild``); both go through ``facts.fact_of``, so they agree.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The counters every summary row carries, in the order the index reads them. Each is a count of
# dossiers except ``processing_minutes`` (a sum, in working minutes, integer so sums are exact).
MEASURES = (
    "received",  # received in the period (reception cohort)
    "received_online",  # … of which online
    "resolved",  # a result (grant or refusal) signed in the period (resolution cohort)
    "resolved_in_time",  # … finished early or on time
    "resolved_early",  # … finished early
    "resolved_late",  # … late, or guided more than once
    "multi_supplement",  # … with more than one supplement request
    "processing_minutes",  # … working minutes from reception to result, pauses excluded
    "online_counted",  # … received online and, where a signed result is required, with one
    "e_result",  # … with an electronic result
    "digitised",  # … every component digitised (and the e-result where required)
    "reuses_data",  # … reusing digitised data (document store or registry)
    "store_linked",  # … with a component from the citizen's document store
    "population_data",  # … using population data (e-ID account or the population database)
)


class DossierFact(models.Model):
    """What one dossier adds to the summaries, as last counted: the next event's delta is the new
    fact minus this one. Also the list behind any number (drill-down)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("places.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("places.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    procedure_code = models.CharField(max_length=10)
    sector = models.CharField(max_length=40)
    channel = models.PositiveSmallIntegerField()
    received_on = models.DateField(null=True)
    resolved_on = models.DateField(null=True)
    # The measures this dossier adds (0 or 1; minutes for processing_minutes).
    values = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("dossier in the summaries")
        verbose_name_plural = _("dossiers in the summaries")
        indexes = [
            models.Index(fields=["agency", "resolved_on"], name="fact_agency_resolved"),
            models.Index(fields=["unit", "resolved_on"], name="fact_unit_resolved"),
            models.Index(fields=["resolved_on", "procedure_code"], name="fact_resolved_procedure"),
            models.Index(fields=["agency", "received_on"], name="fact_agency_received"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.values}"


class Counter(models.Model):
    """One summary row: the measures of the dossiers of one agency, procedure and channel in a period."""

    agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("places.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("places.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    procedure_code = models.CharField(max_length=10)
    sector = models.CharField(max_length=40)
    channel = models.PositiveSmallIntegerField()
    received = models.BigIntegerField(default=0)
    received_online = models.BigIntegerField(default=0)
    resolved = models.BigIntegerField(default=0)
    resolved_in_time = models.BigIntegerField(default=0)
    resolved_early = models.BigIntegerField(default=0)
    resolved_late = models.BigIntegerField(default=0)
    multi_supplement = models.BigIntegerField(default=0)
    processing_minutes = models.BigIntegerField(default=0)
    online_counted = models.BigIntegerField(default=0)
    e_result = models.BigIntegerField(default=0)
    digitised = models.BigIntegerField(default=0)
    reuses_data = models.BigIntegerField(default=0)
    store_linked = models.BigIntegerField(default=0)
    population_data = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class DayCounter(Counter):
    day = models.DateField()

    class Meta:
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure_code", "channel"], name="day_counter_key"
            )
        ]
        indexes = [
            models.Index(fields=["province", "day"], name="day_counter_province"),
            models.Index(fields=["unit", "day"], name="day_counter_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.procedure_code} {self.channel}"


class MonthCounter(Counter):
    month = models.DateField(help_text="The first day of the month.")

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure_code", "channel"], name="month_counter_key"
            )
        ]
        indexes = [
            models.Index(fields=["province", "month"], name="month_counter_province"),
            models.Index(fields=["unit", "month"], name="month_counter_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.procedure_code} {self.channel}"


class Escalation(models.Model):
    """One early warning sent about one dossier (domain.md §4): sent once per level and due time."""

    class Level(models.TextChoices):
        REMIND = "remind", _("Due soon: the assigned official reminded")
        DEPARTMENT = "department", _("Late: escalated to the head of department")
        AGENCY = "agency", _("Very late: escalated to the head of the agency")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    # The due time the warning was about: an apology's new date makes a new warning possible.
    due_at = models.DateTimeField(_("due"))
    agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="+")
    recipients = models.JSONField(_("sent to"), default=list)
    at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        constraints = [models.UniqueConstraint(fields=["dossier", "level", "due_at"], name="escalation_once")]
        indexes = [models.Index(fields=["agency", "-at"], name="escalation_agency_recent")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.level} {self.at:%Y-%m-%d %H:%M}"
