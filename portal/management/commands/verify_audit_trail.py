"""``python manage.py verify_audit_trail``: recompute the keyed hash chains (the audit trail and the ledger entries)
and compare them with the checkpoints written outside the database; exit 1 if anything was removed or altered.

``--checkpoints FILE`` (repeatable) adds checkpoint files kept elsewhere, e.g. a copy taken off the server or the
lines the supervisors received by e-mail.
"""

from django.core.management.base import BaseCommand, CommandError

from portal.checkpoints import read_checkpoints, verify_all


class Command(BaseCommand):
    help = "Verify that no audit record or ledger entry was removed or altered (keyed hash chains and checkpoints)."

    def add_arguments(self, parser):
        parser.add_argument("--checkpoints", action="append", default=[], help="another checkpoint file to compare")

    def handle(self, *args, **options):
        checkpoints = read_checkpoints()
        for path in options["checkpoints"]:
            checkpoints += read_checkpoints(path)
        reports = verify_all(checkpoints)
        problems = [f"{report.name}: {problem}" for report in reports for problem in report.problems]
        for problem in problems:
            self.stderr.write(problem)
        summary = ", ".join(f"{r.name} {r.checked} (checkpoints {r.checkpoints})" for r in reports)
        if problems:
            raise CommandError(f"audit trail BROKEN: {len(problems)} problems; checked {summary}")
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {summary}"))
