"""Writing and delivering messages. Knows nothing of dossiers: callers pass the template and context."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from motcua.core.time import now
from motcua.notifications.adapters import email_sender, sms_gateway
from motcua.notifications.adapters.base import DeliveryError
from motcua.notifications.models import DeliveryAttempt, Message

MAX_ATTEMPTS = 5


def message_render(*, template: str, context: dict[str, Any], language: str = "vi") -> tuple[str, str]:
    """Subject and body from ``notifications/<template>.txt``, whose first line is the subject."""
    with translation.override(language):
        text = render_to_string(f"notifications/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    return subject.strip()[:200], body.strip()


@transaction.atomic
def message_send(
    *, channel: str, to: str, template: str, context: dict[str, Any], user: Any = None, language: str = "vi"
) -> Message:
    """Write a message and enqueue its delivery in the caller's transaction: it is sent only if the
    change that caused it commits, and it is not lost if the process dies before sending."""
    from motcua.notifications.tasks import deliver_message

    subject, body = message_render(template=template, context=context, language=language)
    message = Message.objects.create(
        channel=channel, to=to, user=user, template=template, subject=subject, body=body
    )
    if channel == Message.Channel.IN_APP:
        message.status, message.sent_at = Message.Status.SENT, now()
        message.save(update_fields=["status", "sent_at"])
    else:
        deliver_message.enqueue(message_id=str(message.pk))
    return message


def message_deliver(*, message_id: str) -> Message | None:
    """One delivery attempt (the worker's task). Idempotent: a message already sent is left alone.
    A failure is recorded and retried later with exponential backoff, up to MAX_ATTEMPTS."""
    from motcua.notifications.tasks import deliver_message

    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != Message.Status.QUEUED:
            return message
        try:
            if message.channel == Message.Channel.SMS:
                reference = sms_gateway().send(to=message.to, text=f"{message.subject}\n{message.body}")
            else:
                reference = email_sender().send(to=message.to, subject=message.subject, body=message.body)
        except DeliveryError as exc:
            message.attempts += 1
            DeliveryAttempt.objects.create(message=message, ok=False, error=str(exc)[:300])
            if message.attempts >= MAX_ATTEMPTS:
                message.status = Message.Status.FAILED
            else:
                retry_at = now() + timedelta(minutes=2**message.attempts)
                deliver_message.using(run_after=retry_at).enqueue(message_id=str(message.pk))
            message.save(update_fields=["attempts", "status"])
            return message
        message.attempts += 1
        message.status, message.sent_at = Message.Status.SENT, now()
        message.save(update_fields=["attempts", "status", "sent_at"])
        DeliveryAttempt.objects.create(message=message, ok=True, provider_reference=reference[:100])
        return message
