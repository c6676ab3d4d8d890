import sys

from django.core.management.base import BaseCommand, CommandError

from motcua.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "The audit log. `audit verify` walks the hash chain and reports the first broken link."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every record's hash and its link to the previous one.")

    def handle(self, *args, action, **options):
        def show(checked: int) -> None:
            if options["verbosity"] > 0 and sys.stderr.isatty():
                sys.stderr.write(f"\r{checked:,} records checked…")

        result = audit_chain_verify(on_progress=show)
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at record #{result.broken_seq}: {result.reason} "
                f"({result.checked:,} records before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked:,} records verified."))
