"""Background delivery of messages."""

from django_tasks import task


@task()
def deliver_message(message_id: str) -> str:
    from motcua.notifications.services import message_deliver

    message = message_deliver(message_id=message_id)
    return message.status if message is not None else "missing"
