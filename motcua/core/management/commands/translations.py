from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.core.i18n import compile_po, po_files


class Command(BaseCommand):
    help = "Translations. `translations compile` writes the .mo files from the .po files (no gettext needed)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("compile", help="Compile every .po under the locale folders.")

    def handle(self, *args, action, **options):
        for root in settings.LOCALE_PATHS:
            for po_path in po_files(root):
                po_path.with_suffix(".mo").write_bytes(compile_po(po_path))
                self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
