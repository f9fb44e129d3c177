"""Re-count closed review rounds from their stored ballots and compare with each round's result record."""

from django.core.management.base import BaseCommand

from review.models import ReviewRound
from review.services import ReviewError, round_recount


class Command(BaseCommand):
    help = (
        "Re-count closed review rounds (all, or those given by id) and compare with their result records. With "
        "--share (the key holders' share codes, the supervisor's among them) the sealed ballots of one round are "
        "opened again."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_ids", nargs="*", type=int)
        parser.add_argument("--share", action="append", default=[], help="a key holder's share code (repeat)")

    def handle(self, *args, round_ids, share, **options):
        if share and len(round_ids) != 1:
            self.stderr.write("Shares open the ballots of one round: give exactly one round id with --share.")
            raise SystemExit(2)
        rounds = ReviewRound.objects.filter(status=ReviewRound.Status.CLOSED).order_by("pk")
        if round_ids:
            rounds = rounds.filter(pk__in=round_ids)
        failed = 0
        for review_round in rounds:
            try:
                result = round_recount(review_round=review_round, actor=None, shares=share or None)
            except ReviewError as exc:
                self.stderr.write(f"BAD round {review_round.pk}: {exc}")
                raise SystemExit(1) from None
            if result.matches:
                opened = " (sealed ballots opened)" if result.opened else ""
                self.stdout.write(f"OK  round {review_round.pk} {review_round.title}: {result.recomputed_hash}{opened}")
            else:
                failed += 1
                self.stdout.write(f"BAD round {review_round.pk} {review_round.title}")
                for problem in result.problems:
                    self.stdout.write(f"    {problem}")
                self.stdout.write(f"    stored {result.stored_hash}\n    recount {result.recomputed_hash}")
        if failed:
            raise SystemExit(1)
