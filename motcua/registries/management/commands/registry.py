import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from motcua.registries.synthetic import registry_generate


class Command(BaseCommand):
    help = "The local base registries. `registry generate` fills them with a synthetic population."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser(
            "generate", help="Replace the local registries with synthetic data (deterministic)."
        )
        generate.add_argument("--people", type=int, default=20_000)
        generate.add_argument("--businesses", type=int, default=2_000)
        generate.add_argument("--seed", type=int, default=2025)
        generate.add_argument("--no-progress", action="store_true")

    def handle(self, *args, action, people, businesses, seed, no_progress, **options):
        if people < 1 or businesses < 0:
            raise CommandError("--people must be at least 1 and --businesses at least 0.")
        started = time.monotonic()
        bar = tqdm(total=people, unit=" people", disable=no_progress or options["verbosity"] == 0)
        try:
            counts = registry_generate(people=people, businesses=businesses, seed=seed, progress=bar.update)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        self.stdout.write(
            ", ".join(f"{v:,} {k}" for k, v in counts.items()) + f" in {time.monotonic() - started:.1f} s"
        )
