from datetime import timedelta

from django.core.management.base import BaseCommand

from motcua.dossiers.drafts import uploads_purge_abandoned


class Command(BaseCommand):
    help = "Dossiers. `dossiers purge-uploads` deletes scans no dossier or draft holds any more."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser(
            "purge-uploads",
            help="Delete scans of counter forms never received and of removed drafts (run it daily).",
        )
        purge.add_argument("--hours", type=int, default=24, help="Keep what is younger (default 24).")

    def handle(self, *args, action, **options):
        hours = max(1, options["hours"])
        count = uploads_purge_abandoned(older_than=timedelta(hours=hours))
        self.stdout.write(f"{count} abandoned scan(s) older than {hours} h deleted")
