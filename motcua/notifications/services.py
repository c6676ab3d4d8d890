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


def message_send(
    *, channel: str, to: str, template: str, context: dict[str, Any], user: Any = None, language: str = "vi"
) -> Message:
    """Write a message and enqueue its delivery in the caller's transaction: it is sent only if the
    change that caused it commits, and it is not lost if the process dies before sending."""
    return message_send_many(
        recipients=[(channel, to)], template=template, context=context, user=user, language=language
    )[0]


def message_send_many(
    *,
    recipients: list[tuple[str, str]],
    template: str,
    context: dict[str, Any],
    user: Any = None,
    language: str = "vi",
) -> list[Message]:
    """One notice to several ``(channel, address)`` pairs, in the caller's transaction (as
    ``message_send``): rendered once, one row per channel, and one task delivering the e-mail and
    text messages (each retried on its own). In-app messages are delivered as they are written."""
    from motcua.notifications.tasks import deliver_messages

    subject, body = message_render(template=template, context=context, language=language)
    at = now()
    messages = [
        Message(
            channel=channel,
            to=to,
            user=user,
            template=template,
            subject=subject,
            body=body,
            **({"status": Message.Status.SENT, "sent_at": at} if channel == Message.Channel.IN_APP else {}),
        )
        for channel, to in recipients
    ]
    with transaction.atomic(savepoint=False):  # its own transaction when the caller has none
        Message.objects.bulk_create(messages)
        queued = [str(m.pk) for m in messages if m.status == Message.Status.QUEUED]
        if queued:
            deliver_messages.enqueue(message_ids=queued)
    return messages


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
