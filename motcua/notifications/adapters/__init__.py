"""Delivery channels, chosen by settings (NOTIFICATIONS_SMS_GATEWAY, NOTIFICATIONS_EMAIL_SENDER)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.notifications.adapters.base import EmailSender, SmsGateway


def sms_gateway() -> SmsGateway:
    return import_string(settings.MOTCUA_SMS_GATEWAY)()


def email_sender() -> EmailSender:
    return import_string(settings.MOTCUA_EMAIL_SENDER)()
