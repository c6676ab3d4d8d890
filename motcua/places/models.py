"""Administrative units, agencies and the working-calendar overrides.

Units and agencies are versioned: each has a validity period and links to its predecessors and
successors, because provinces and communes were merged in 2025 and will be again. A dossier keeps
the unit it was filed under; look-ups ask "valid on which date?".
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The two-level local government started on 1 July 2025; pre-2025 units ended the day before.
REFORM_DATE = date(2025, 7, 1)
LEGACY_END = date(2025, 6, 30)


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, on: date) -> ValidityQuerySet:
        """Rows in force on ``on`` (``valid_from`` null means "since before records began")."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class AdministrativeUnit(models.Model):
    """A province or commune-level unit ("đơn vị hành chính"), or a pre-2025 one kept for history."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province level")
        DISTRICT = 2, _("District level (abolished 1 July 2025)")
        COMMUNE = 3, _("Commune level")

    class Kind(models.TextChoices):
        CITY = "city", _("Centrally-run city")
        PROVINCE = "province", _("Province")
        URBAN_DISTRICT = "urban_district", _("Urban district")
        RURAL_DISTRICT = "rural_district", _("Rural district")
        TOWN = "town", _("Town")
        PROVINCIAL_CITY = "provincial_city", _("Provincial city")
        MUNICIPAL_CITY = "municipal_city", _("City under a centrally-run city")
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")
        TOWNSHIP = "township", _("Township")
        SPECIAL_ZONE = "special_zone", _("Special zone")

    code = models.CharField(_("official code"), max_length=10)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120, help_text=_("Full name, e.g. “Phường Bến Thành”."))
    short_name = models.CharField(_("short name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Diacritic-free keys ("phuongbenthanh", "benthanh", and known aliases) for matching typed names.
    search_keys = models.JSONField(_("search keys"), default=list, blank=True)
    successors = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        symmetrical=False,
        related_name="predecessors",
        verbose_name=_("successor units"),
        blank=True,
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_code_per_period"),
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_from__isnull=True),
                name="unit_code_undated",
            ),
        ]
        indexes = [models.Index(fields=["level", "valid_to"], name="unit_level_validity")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class UnitSuccession(models.Model):
    """One predecessor → successor link. A unit split between several successors has several links."""

    predecessor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    effective_on = models.DateField(_("effective on"))

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Agency(models.Model):
    """A state agency ("cơ quan") identified by its electronic id (Decision 20/2020, e.g. 000.00.00.H29)."""

    class Kind(models.TextChoices):
        PROVINCIAL_PEOPLES_COMMITTEE = "provincial_pc", _("Provincial People's Committee")
        DEPARTMENT = "department", _("Department")
        PROVINCIAL_SERVICE_CENTRE = "provincial_centre", _("Public Administration Service Centre")
        COMMUNE_PEOPLES_COMMITTEE = "commune_pc", _("Commune People's Committee")
        COMMUNE_SERVICE_CENTRE = "commune_centre", _("Commune Public Administration Service Centre")
        POLICE = "police", _("Police")
        SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
        TAX = "tax", _("Tax")
        OTHER = "other", _("Other")

    # Centres receive dossiers for any unit of the province (domain.md §1).
    RECEPTION_KINDS = frozenset({Kind.PROVINCIAL_SERVICE_CENTRE, Kind.COMMUNE_SERVICE_CENTRE})

    electronic_id = models.CharField(_("electronic id"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit served"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="predecessors",
        verbose_name=_("successor agencies"),
        blank=True,
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["electronic_id"]
        indexes = [models.Index(fields=["unit", "kind"], name="agency_unit_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def receives_dossiers(self) -> bool:
        return self.kind in self.RECEPTION_KINDS


class CalendarOverride(models.Model):
    """A day the government declares off, or a make-up working day, for one year.

    domain.md §4: days off and make-up working days are declared each year (configurable). A row
    without a province applies nationwide; with one, only to that province's agencies.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        limit_choices_to={"level": AdministrativeUnit.Level.PROVINCE, "valid_to__isnull": True},
        help_text=_("Leave empty for a nationwide override."),
    )
    reason = models.CharField(_("reason"), max_length=200, help_text=_("E.g. the decision that declares it."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "province"], name="calendar_override_per_scope"),
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(province__isnull=True),
                name="calendar_override_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"

    def clean(self) -> None:
        """A make-up working day turns a day off into a working day; an extra day off does the opposite.

        Checked against the national calendar (weekends, holidays and the package's swaps), so an
        override can also correct that data — e.g. cancel a swap the government withdrew.
        """
        super().clean()
        if self.date is None:
            return
        from motcua.places.calendar import WorkCalendar

        working = WorkCalendar().is_working_day(self.date)
        if self.kind == self.Kind.WORKING_DAY and working:
            raise DjangoValidationError(
                {
                    "date": _("%(date)s is already a working day; a make-up day must be a day off.")
                    % {"date": f"{self.date:%d/%m/%Y}"}
                }
            )
        if self.kind == self.Kind.DAY_OFF and not working:
            raise DjangoValidationError(
                {
                    "date": _("%(date)s is already a day off; an extra day off must be a working day.")
                    % {"date": f"{self.date:%d/%m/%Y}"}
                }
            )
