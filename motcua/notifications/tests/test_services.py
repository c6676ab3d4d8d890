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


def test_one_notice_goes_to_every_channel_rendered_once_with_one_delivery_task(
    django_user_model, monkeypatch
):
    import motcua.notifications.services as services
    from motcua.notifications.services import message_send_many
    from motcua.notifications.tasks import deliver_messages

    renders = []
    real_render = services.render_to_string
    monkeypatch.setattr(
        services, "render_to_string", lambda *a, **k: renders.append(a) or real_render(*a, **k)
    )
    user = django_user_model.objects.create_user(username="an")
    context = {"code": "H29-261119-0001", "procedure": "Cấp giấy xác nhận", "due": "08:00 25/11/2026"}
    messages = message_send_many(
        recipients=[("in_app", "079090123456"), ("email", "an@example.vn"), ("sms", "0912345678")],
        user=user,
        template="dossier_received",
        context=context,
    )
    assert len(renders) == 1
    assert [m.channel for m in messages] == ["in_app", "email", "sms"]
    stored = {m.channel: m for m in Message.objects.filter(user=user)}
    assert stored.keys() == {"in_app", "email", "sms"}
    for message in stored.values():
        assert message.subject == "motcua: hồ sơ H29-261119-0001 đã được tiếp nhận"
        assert "đã được tiếp nhận với mã H29-261119-0001" in message.body
    assert stored["in_app"].status == "sent" and stored["in_app"].sent_at is not None
    assert stored["email"].status == stored["sms"].status == "queued"
    (task,) = DBTaskResult.objects.ready()
    assert task.task_path.endswith("deliver_messages")
    assert sorted(task.args_kwargs["kwargs"]["message_ids"]) == sorted(
        [str(stored["email"].pk), str(stored["sms"].pk)]
    )
    assert deliver_messages.call(**task.args_kwargs["kwargs"]) == ["sent", "sent"]
    assert mail.outbox[0].subject == stored["email"].subject
    assert "H29-261119-0001" in LocalSms.objects.get(to="0912345678").text


def test_a_message_that_cannot_be_sent_does_not_hold_back_the_others(monkeypatch):
    from motcua.notifications.services import message_send_many
    from motcua.notifications.tasks import deliver_messages

    def crash(self, *, to, text):
        raise RuntimeError("gateway bug")

    monkeypatch.setattr("motcua.notifications.adapters.local.LocalSmsGateway.send", crash)
    sms, email = message_send_many(
        recipients=[("sms", "0912345678"), ("email", "an@example.vn")],
        template="contact_code",
        context={"code": "1", "minutes": 1},
    )
    with pytest.raises(RuntimeError, match="gateway bug"):
        deliver_messages.call(message_ids=[str(sms.pk), str(email.pk)])
    assert Message.objects.get(pk=email.pk).status == "sent" and len(mail.outbox) == 1
    assert Message.objects.get(pk=sms.pk).status == "queued"


def test_a_rolled_back_notice_sends_nothing():
    from django.db import transaction

    from motcua.notifications.services import message_send_many

    with pytest.raises(RuntimeError), transaction.atomic():
        message_send_many(
            recipients=[("sms", "0912345678"), ("email", "an@example.vn")],
            template="contact_code",
            context={"code": "1", "minutes": 1},
        )
        raise RuntimeError("the change that caused it failed")
    assert not Message.objects.exists() and not DBTaskResult.objects.exists()
