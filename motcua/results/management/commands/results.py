from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core.progress import progress_bar
from motcua.results.archive import ArchiveUnreadable, archive_import
from motcua.results.digitisation import digitisation_requeue_unfinished
from motcua.results.ocr import ocr_status
from motcua.results.services import result_store_retry


class Command(BaseCommand):
    help = (
        "Results. `results import-archive DIR` imports scanned results of the past into their holders' "
        "document stores; `results requeue-digitisation` starts again papers a dead worker left unfinished."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        archive = sub.add_parser(
            "import-archive",
            help="Import DIR/metadata.csv (file, personal_id, kind, number, issuer, issued_on, title) and "
            "the scans it names; rows already imported are skipped, so it can be run again.",
        )
        archive.add_argument("directory", type=Path)
        archive.add_argument("--no-progress", action="store_true")
        requeue = sub.add_parser(
            "requeue-digitisation", help="Enqueue again digitisations waiting or running for too long."
        )
        requeue.add_argument("--minutes", type=int, default=30, help="Older than this (default 30).")
        sub.add_parser(
            "store-retry",
            help="Put into the holders' document stores the signed results the store could not take "
            "when they were issued (run it hourly).",
        )

    def handle(self, *args, action, **options):
        if action == "store-retry":
            self.stdout.write(f"{result_store_retry()} result(s) put into document stores")
            return
        if action == "requeue-digitisation":
            count = digitisation_requeue_unfinished(older_than=timedelta(minutes=max(1, options["minutes"])))
            self.stdout.write(f"{count} digitisation(s) enqueued again")
            return
        directory = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"{directory}: không phải thư mục / not a directory")
        available, reason = ocr_status()
        if not available:
            self.stderr.write(
                f"OCR không dùng được, bản quét nhập không có chữ / OCR unavailable, no text: {reason}"
            )
        show = not options["no_progress"] and options["verbosity"] > 0
        try:
            report = archive_import(directory=directory, progress=progress_bar(show))
        except ArchiveUnreadable as error:
            raise CommandError(str(error)) from error
        for line, vi, en in report.rejected:  # the CSV's text, without the terminal's control codes
            self.stdout.write(_printable(f"dòng / line {line}: {vi} / {en}"))
        self.stdout.write(report.summary())


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)
