from django.core.management.base import BaseCommand, CommandError

from motcua.core.progress import progress_bar


class Command(BaseCommand):
    help = (
        "The operations centre. `operations rebuild` recounts the service index's summaries from the "
        "dossiers' event log; `operations generate --dossiers N` loads a synthetic history for benchmarks "
        "and demos; `operations sweep` sends the early warnings due now (the worker runs it every "
        "15 minutes); `operations index-check [FILE]` validates the index's weights and thresholds."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="Recount every dossier's contribution and the summaries.")
        rebuild.add_argument("--no-progress", action="store_true")
        generate = sub.add_parser(
            "generate",
            help="Load a synthetic history of a province (seasonality, channels, late shares, supplements, "
            "unit merges) through bulk loading: for benchmarks and demos, never on a real installation.",
        )
        generate.add_argument("--dossiers", type=int, default=20_000, help="How many (default 20,000).")
        generate.add_argument(
            "--years", type=int, default=5, help="Over how many years up to today (default 5)."
        )
        generate.add_argument("--seed", type=int, default=766, help="Random seed (default 766).")
        generate.add_argument("--no-progress", action="store_true")
        sub.add_parser("sweep", help="Send the early warnings due now, each once, and record them.")
        check = sub.add_parser("index-check", help="Validate the index configuration (index.yaml).")
        check.add_argument("file", nargs="?", default=None)

    def handle(self, *args, action, **options):
        show = not options.get("no_progress") and options["verbosity"] > 0
        if action == "rebuild":
            from motcua.dossiers.selectors import dossier_total
            from motcua.operations.summaries import summaries_rebuild

            bar = progress_bar(show)
            total = dossier_total()
            with _Progress(bar, total, "dossiers") as tick:
                counted = summaries_rebuild(progress=tick)
            self.stdout.write(f"{counted} dossier(s) counted in the summaries")
        elif action == "generate":
            from motcua.operations.generate import history_generate

            if options["dossiers"] < 1 or options["years"] < 1:
                raise CommandError(
                    "--dossiers và --years phải lớn hơn 0 / --dossiers and --years must be above 0"
                )
            with _Progress(progress_bar(show), options["dossiers"], "dossiers") as tick:
                made = history_generate(
                    dossiers=options["dossiers"], years=options["years"], seed=options["seed"], progress=tick
                )
            self.stdout.write(f"{made} synthetic dossier(s) loaded, summaries included")
        elif action == "sweep":
            from motcua.operations.warnings import warnings_sweep

            self.stdout.write(str(warnings_sweep()))
        else:
            from pathlib import Path

            from motcua.operations.indicators import CONFIG_PATH, ConfigError, config_parse

            path = Path(options["file"]) if options["file"] else CONFIG_PATH
            try:
                groups = config_parse(path.read_text(encoding="utf-8"))
            except (OSError, ConfigError) as error:
                raise CommandError(f"{path}: {error}") from error
            count = sum(len(g.indicators) for g in groups)
            self.stdout.write(f"{path}: {len(groups)} groups, {count} indicators, valid")


class _Progress:
    """A tqdm bar fed with counts (``tick(n)``) instead of wrapping an iterable."""

    def __init__(self, bar, total: int, unit: str):
        self._wrap, self._total, self._unit, self._bar = bar, total, unit, None

    def __enter__(self):
        wrapped = self._wrap(range(0), desc=self._unit)
        if hasattr(wrapped, "update"):
            wrapped.total = self._total
            self._bar = wrapped
        return self.tick

    def tick(self, count: int) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.close()
        return False
