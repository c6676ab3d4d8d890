"""Tasks of the core app."""

from django_tasks import task


@task()
def ping() -> str:
    """A task that does nothing but prove the queue and a worker run (used by `motcua worker` checks)."""
    return "pong"
