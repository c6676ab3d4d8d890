"""Procedures as versioned data ("thủ tục hành chính").

Each version is loaded from a YAML file and never changes once published: a dossier is pinned to
the version in force when it was received, so the version must keep meaning what it meant.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VersionQuerySet(models.QuerySet):
    def in_force_on(self, on: date) -> VersionQuerySet:
        return self.filter(effective_from__lte=on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on)
        )


class Procedure(models.Model):
    """The stable identity of a procedure across its versions: its national code."""

    code = models.CharField(_("national code"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class PublishedVersion(models.Model):
    """What every published catalogue file keeps: its period, names, content and source."""

    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    data = models.JSONField(_("definition"))
    source_path = models.CharField(_("source file"), max_length=300)
    source_yaml = models.TextField(_("YAML source"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        abstract = True


class ProcedureVersion(PublishedVersion):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        COMMUNE = "commune", _("Commune")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Fully online")
        PARTIAL = "partial", _("Partly online")
        NONE = "none", _("At a centre only")

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    sector = models.CharField(_("sector"), max_length=40)
    competent_level = models.CharField(_("competent level"), max_length=10, choices=Level.choices)
    online_level = models.CharField(_("online level"), max_length=10, choices=OnlineLevel.choices)
    boundary_free = models.BooleanField(_("accepted regardless of boundaries"))

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "version"], name="procedure_version_unique")
        ]
        indexes = [models.Index(fields=["effective_from", "effective_to"], name="procedure_version_in_force")]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version} — {self.name_vi}"

    @property
    def code(self) -> str:
        return self.procedure.code


class ProcedureGroup(models.Model):
    """An interconnected group ("liên thông"): one application, several procedures, several agencies."""

    code = models.CharField(_("national code"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("interconnected group")
        verbose_name_plural = _("interconnected groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureGroupVersion(PublishedVersion):
    group = models.ForeignKey(ProcedureGroup, on_delete=models.PROTECT, related_name="versions")

    class Meta:
        verbose_name = _("interconnected group version")
        verbose_name_plural = _("interconnected group versions")
        ordering = ["group__code", "-version"]
        constraints = [models.UniqueConstraint(fields=["group", "version"], name="group_version_unique")]

    def __str__(self) -> str:
        return f"{self.group.code} v{self.version} — {self.name_vi}"
