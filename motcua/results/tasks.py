"""Background work of the results app."""

from django_tasks import task


@task()
def digitise_paper(digitisation_id: int) -> str:
    """Make one paper scanned at the counter into its PDF (OCR takes seconds a page)."""
    from motcua.results.digitisation import digitisation_run

    return digitisation_run(digitisation_id=digitisation_id).state
