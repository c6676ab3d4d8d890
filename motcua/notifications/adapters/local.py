"""The embedded defaults: SMS into the local outbox table, e-mail through Django's mail backend
(the console or a file in the demo, SMTP in production)."""

from __future__ import annotations

from django.core.mail import EmailMessage

from motcua.notifications.adapters.base import DeliveryError
from motcua.notifications.models import LocalSms


class LocalSmsGateway:
    def send(self, *, to: str, text: str) -> str:
        if not to:
            raise DeliveryError("no phone number")
        return str(LocalSms.objects.create(to=to, text=text[:1000]).pk)


class DjangoEmailSender:
    def send(self, *, to: str, subject: str, body: str) -> str:
        try:
            sent = EmailMessage(subject=subject, body=body, to=[to]).send()
        except OSError as exc:
            raise DeliveryError(str(exc)[:300]) from exc
        if not sent:
            raise DeliveryError("the mail backend accepted nothing")
        return "email"
