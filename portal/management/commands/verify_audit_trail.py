"""``python manage.py verify_audit_trail``: recompute the audit trail's hash chain; exit 1 if anything was removed or
altered."""

from django.core.management.base import BaseCommand, CommandError

from portal.audit import verify_chain


class Command(BaseCommand):
    help = "Verify that no audit record was removed or altered (hash chain)."

    def handle(self, *args, **options):
        report = verify_chain()
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(f"audit trail BROKEN: {len(report.problems)} problems in {report.checked} records")
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {report.checked} records"))
