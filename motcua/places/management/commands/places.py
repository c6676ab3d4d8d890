from django.core.management.base import BaseCommand

from motcua.core.progress import progress_bar
from motcua.places.services import places_load


class Command(BaseCommand):
    help = "Administrative units and agencies. `places load` imports the official lists idempotently."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="Import 34 provinces, 3,321 communes, the pre-2025 units, "
            "their successions and the demo agencies of Ho Chi Minh City.",
        )
        load.add_argument("--no-progress", action="store_true", help="Do not draw progress bars.")

    def handle(self, *args, action, **options):
        summary = places_load(progress=progress_bar(not options["no_progress"] and options["verbosity"] > 0))
        for name, counts in summary.items():
            self.stdout.write(
                f"{name}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
            )
