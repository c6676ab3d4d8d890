"""Background delivery of messages."""

from django_tasks import task


@task()
def deliver_message(message_id: str) -> str:
    from motcua.notifications.services import message_deliver

    message = message_deliver(message_id=message_id)
    return message.status if message is not None else "missing"


@task()
def deliver_messages(message_ids: list[str]) -> list[str]:
    """The channels of one notice, each delivered (and retried) on its own: one message that
    cannot be sent does not hold the others back; the task fails after trying them all."""
    from motcua.notifications.services import message_deliver

    outcomes: list[str] = []
    failure: Exception | None = None
    for message_id in message_ids:
        try:
            message = message_deliver(message_id=message_id)
        except Exception as exc:  # the rest are still tried; the first failure is raised after
            failure = failure or exc
            outcomes.append("error")
            continue
        outcomes.append(message.status if message is not None else "missing")
    if failure is not None:
        raise failure
    return outcomes
