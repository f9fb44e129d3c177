from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from workstations.lifecycle_doc import render


class Command(BaseCommand):
    help = "Write docs/state-machine.md (a Mermaid diagram and a table) from the workstation state machine."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "state-machine.md"))

    def handle(self, *args, **options):
        Path(options["output"]).write_text(render(), encoding="utf-8")
        self.stdout.write(f"wrote {options['output']}")
