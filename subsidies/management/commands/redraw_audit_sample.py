"""Re-draw an audit sample from its recorded seed and population and compare with what was drawn (Art. 9)."""

from django.core.management.base import BaseCommand, CommandError

from subsidies.models import Audit
from subsidies.models.audits import draw_sample


class Command(BaseCommand):
    help = "Re-draw a sample inspection from its recorded seed and compare it with the recorded sample."

    def add_arguments(self, parser):
        parser.add_argument("audit_id", type=int)
        parser.add_argument("--seed", type=int, help="Try another seed instead of the recorded one.")

    def handle(self, *args, audit_id: int, seed: int | None = None, **options):
        audit = Audit.objects.filter(pk=audit_id, method=Audit.Method.SAMPLE).first()
        if audit is None:
            raise CommandError(f"No sample inspection with id {audit_id}.")
        seed = audit.seed if seed is None else seed
        redrawn = draw_sample(audit.population, audit.sample_size, seed)
        self.stdout.write(f"audit {audit.pk}: seed {seed}, sample {audit.sample_size} of {len(audit.population)}")
        self.stdout.write(f"population: {audit.population}")
        self.stdout.write(f"recorded:   {sorted(audit.drawn)}")
        self.stdout.write(f"redrawn:    {redrawn}")
        if redrawn != sorted(audit.drawn):
            raise CommandError("The re-drawn sample differs from the recorded one.")
        self.stdout.write(self.style.SUCCESS("The recorded sample is reproduced by its seed."))
