"""Background work of the operations centre."""

from django_tasks import task


@task()
def warnings_sweep_run() -> str:
    """The early-warning sweep (the worker's scheduler enqueues it every 15 minutes): sends what is
    due, each warning once; returns the sweep's one-line summary."""
    from motcua.operations.warnings import warnings_sweep

    return str(warnings_sweep())
