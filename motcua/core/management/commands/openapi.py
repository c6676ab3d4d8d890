import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.api import api

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def openapi_document() -> str:
    return (
        json.dumps(
            api.get_openapi_schema(path_prefix="/api/v1"), indent=2, ensure_ascii=False, sort_keys=True
        )
        + "\n"
    )


class Command(BaseCommand):
    help = "The OpenAPI contract: `openapi export` writes docs/api/openapi.json, `openapi check` compares."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "check"])

    def handle(self, *args, action, **options):
        document = openapi_document()
        if action == "export":
            COMMITTED.parent.mkdir(parents=True, exist_ok=True)
            COMMITTED.write_text(document, encoding="utf-8")
            self.stdout.write(f"wrote {COMMITTED.relative_to(settings.BASE_DIR)}")
        elif not COMMITTED.exists() or COMMITTED.read_text(encoding="utf-8") != document:
            raise CommandError(
                "docs/api/openapi.json differs from the code: run `motcua openapi export` and commit it."
            )
        else:
            self.stdout.write("docs/api/openapi.json matches the code.")
