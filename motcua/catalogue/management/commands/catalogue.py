from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalogue.selectors import catalogue_reuse_report
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

        sub.add_parser(
            "reuse-report", help="Per procedure: form fields filled from registries, reusable documents."
        )

    def handle(self, *args, action, path=None, **options):
        if action == "reuse-report":
            return self._reuse_report()
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

    def _reuse_report(self):
        rows = catalogue_reuse_report()
        if not rows:
            raise CommandError("No procedure is loaded: run `motcua catalogue load` first.")
        self.stdout.write(
            f"{'code':<10} {'fields':>6} {'filled':>6} {'share':>6} {'docs':>5} {'reuse':>5}  name"
        )
        for r in rows:
            self.stdout.write(
                f"{r.code:<10} {r.fields:>6} {r.prefilled:>6} {r.share:>6.0%} {r.documents:>5} "
                f"{r.reusable:>5}  {r.name}"
            )
        average = sum(r.share for r in rows) / len(rows)
        documents = sum(r.documents for r in rows)
        reusable = sum(r.reusable for r in rows)
        self.stdout.write(
            f"average share of fields filled from registries: {average:.0%} over {len(rows)} "
            f"procedures; documents replaceable by reuse: {reusable}/{documents}"
        )
