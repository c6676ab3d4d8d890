import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from motcua.notifications.adapters.base import DeliveryError
from motcua.notifications.models import LocalSms, Message
from motcua.notifications.services import MAX_ATTEMPTS, message_deliver, message_send

pytestmark = pytest.mark.django_db


def test_sms_is_queued_in_the_transaction_then_delivered_by_the_worker():
    message = message_send(
        channel="sms", to="0912345678", template="contact_code", context={"code": "123456", "minutes": 10}
    )
    assert message.status == "queued" and not LocalSms.objects.exists()
    assert DBTaskResult.objects.ready().count() == 1
    message_deliver(message_id=str(message.pk))
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1
    sms = LocalSms.objects.get(to="0912345678")
    assert "123456" in sms.text and "10 phút" in sms.text


def test_delivery_is_idempotent():
    message = message_send(
        channel="sms", to="0912345678", template="contact_code", context={"code": "1", "minutes": 1}
    )
    message_deliver(message_id=str(message.pk))
    message_deliver(message_id=str(message.pk))
    assert LocalSms.objects.count() == 1


def test_email_in_english():
    message = message_send(
        channel="email",
        to="an@example.org",
        template="contact_code",
        context={"code": "654321", "minutes": 10},
        language="en",
    )
    message_deliver(message_id=str(message.pk))
    assert mail.outbox[0].subject == "motcua: your verification code"
    assert "654321" in mail.outbox[0].body


def test_failures_are_recorded_and_retried_with_backoff(monkeypatch):
    def broken(self, *, to, text):
        raise DeliveryError("gateway timeout")

    monkeypatch.setattr("motcua.notifications.adapters.local.LocalSmsGateway.send", broken)
    message = message_send(
        channel="sms", to="0912345678", template="contact_code", context={"code": "1", "minutes": 1}
    )
    message_deliver(message_id=str(message.pk))
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    assert message.deliveries.get().error == "gateway timeout"
    retry = DBTaskResult.objects.ready().order_by("-run_after").first()  # not ready yet: scheduled later
    assert retry is None or retry.run_after > message.created_at
    for _ in range(MAX_ATTEMPTS - 1):
        message_deliver(message_id=str(message.pk))
    message.refresh_from_db()
    assert message.status == "failed" and message.deliveries.count() == MAX_ATTEMPTS


def test_in_app_messages_are_delivered_at_once(django_user_model):
    user = django_user_model.objects.create_user(username="an")
    message = message_send(
        channel="in_app", to="an", user=user, template="contact_code", context={"code": "1", "minutes": 1}
    )
    assert message.status == Message.Status.SENT and user.messages.count() == 1
