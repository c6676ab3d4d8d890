from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalogue.services import catalogue_check, catalogue_load


class Command(BaseCommand):
    help = "The procedure catalogue: `catalogue check` validates the YAML files, `catalogue load` loads them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("check", "Validate every file without loading anything."),
            ("load", "Validate, then load new versions; files with errors load nothing."),
        ):
            action = sub.add_parser(name, help=text)
            action.add_argument(
                "path",
                nargs="?",
                type=Path,
                help="A folder or one file (default: the catalogue shipped with motcua).",
            )

    def handle(self, *args, action, path=None, **options):
        if path is not None and not path.exists():
            raise CommandError(f"{path} does not exist")
        if action == "check":
            catalogue = catalogue_check(path=path)
            self._errors(catalogue.errors)
            if catalogue.errors:
                raise CommandError(
                    f"{len(catalogue.errors)} error(s) in {len({e.file for e in catalogue.errors})} file(s)."
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(catalogue.procedures)} procedure and {len(catalogue.groups)} group files "
                    "are valid."
                )
            )
            return
        report = catalogue_load(path=path)
        self._errors(report.errors)
        for label in report.loaded:
            self.stdout.write(f"loaded {label}")
        self.stdout.write(
            f"{len(report.loaded)} loaded, {len(report.unchanged)} unchanged, "
            f"{len({e.file for e in report.errors})} file(s) rejected."
        )
        if report.errors:
            raise CommandError("Some files were rejected; fix the errors above and load again.")

    def _errors(self, errors):
        for error in errors:
            self.stderr.write(self.style.ERROR(str(error)))
