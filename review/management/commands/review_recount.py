"""Re-count closed review rounds from their stored ballots and compare with each round's result record."""

from django.core.management.base import BaseCommand

from review.models import ReviewRound
from review.services import round_recount


class Command(BaseCommand):
    help = "Re-count closed review rounds (all, or those given by id) and compare with their result records."

    def add_arguments(self, parser):
        parser.add_argument("round_ids", nargs="*", type=int)

    def handle(self, *args, round_ids, **options):
        rounds = ReviewRound.objects.filter(status=ReviewRound.Status.CLOSED).order_by("pk")
        if round_ids:
            rounds = rounds.filter(pk__in=round_ids)
        failed = 0
        for review_round in rounds:
            result = round_recount(review_round=review_round, actor=None)
            if result.matches:
                self.stdout.write(f"OK  round {review_round.pk} {review_round.title}: {result.recomputed_hash}")
            else:
                failed += 1
                self.stdout.write(f"BAD round {review_round.pk} {review_round.title}")
                for problem in result.problems:
                    self.stdout.write(f"    {problem}")
                self.stdout.write(f"    stored {result.stored_hash}\n    recount {result.recomputed_hash}")
        if failed:
            raise SystemExit(1)
