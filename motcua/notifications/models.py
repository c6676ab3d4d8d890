"""Messages to people (e-mail, SMS, in-app) and every attempt to deliver them.

A message is written in the same transaction as the change that caused it and delivered by the
worker with retries, so nothing is lost when a gateway hiccups; each attempt is recorded. Bodies are
kept for the person's in-app inbox and for support, not in logs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        IN_APP = "in_app", _("In-app")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(_("recipient"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
        verbose_name=_("user"),
    )
    template = models.CharField(_("template"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="message_user_recent"),
            models.Index(fields=["status", "created_at"], name="message_status"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}: {self.subject}"


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    provider_reference = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.message_id} {'ok' if self.ok else 'failed'}"


class LocalSms(models.Model):
    """The local SMS gateway's outbox: where the embedded default 'sends' text messages."""

    to = models.CharField(max_length=20, db_index=True)
    text = models.CharField(max_length=1000)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("local SMS")
        verbose_name_plural = _("local SMS outbox")

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:40]}"
