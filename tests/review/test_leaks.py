"""No choice or receipt code escapes the ballot tables (SPEC §4 "Secrecy"): logs under the production logging
configuration, task arguments, sessions, messages, the cache and e-mail are all searched after a round."""

import logging
import logging.config

import pytest
from celery.signals import before_task_publish, task_prerun
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal.audit import AuditEvent
from review.models import StagedBallot
from review.rules import Choice
from tests.review.factories import SHARES, close_round, open_round, supervisor_and_one

pytestmark = pytest.mark.django_db


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))
        self.lines.append(repr(record.args))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def production_logging():
    logging.config.dictConfig(settings.LOGGING)
    handler = Capture()
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)  # the most talkative production setting (LOG_LEVEL=DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.fixture
def task_args():
    seen = []

    def on_prerun(sender=None, args=None, kwargs=None, **_):
        seen.append(repr((args, kwargs)))

    def on_publish(sender=None, body=None, **_):
        seen.append(repr(body))

    task_prerun.connect(on_prerun, weak=False)
    before_task_publish.connect(on_publish, weak=False)
    yield seen
    task_prerun.disconnect(on_prerun)
    before_task_publish.disconnect(on_publish)


def vote(client, review_round, candidate, choice):
    confirm = client.post(reverse("review:ballot_confirm", args=[review_round.pk, candidate.pk]), {"choice": choice})
    assert confirm.status_code == 200
    assert "no-store" in confirm["Cache-Control"]
    cast = client.post(reverse("review:ballot_cast", args=[review_round.pk, candidate.pk]), {"choice": choice})
    assert cast.status_code == 200
    assert "no-store" in cast["Cache-Control"]
    return cast.context["code"], cast


def test_nothing_outside_the_ballot_tables_holds_a_choice_or_receipt(
    client, staff, production_logging, task_args, django_capture_on_commit_callbacks, settings
):
    # An in-process cache, so that the test can read every key the round leaves behind.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "leaks"}}
    review_round, experts, [cand] = open_round(staff, experts=3)
    choices = [Choice.APPROVE, Choice.DISAPPROVE, Choice.ABSTAIN]
    codes = []
    for expert, choice in zip(experts, choices, strict=True):
        client.force_login(expert)
        with django_capture_on_commit_callbacks(execute=True):
            code, _response = vote(client, review_round, cand, choice)
        codes.append(code)
        # The next page after casting carries no message with the choice.
        page = client.get(reverse("review:round_detail", args=[review_round.pk]))
        assert code not in page.content.decode()
        # A second attempt is refused with a message that does not repeat the choice.
        client.post(reverse("review:ballot_cast", args=[review_round.pk, cand.pk]), {"choice": choice})
        followed = client.get(reverse("review:candidate_detail", args=[review_round.pk, cand.pk]))
        msgs = [str(m) for m in followed.context["messages"]]
        assert msgs and not any(c in m for m in msgs for c in (*Choice.values, *[str(x.label) for x in Choice]))
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        shares = supervisor_and_one(review_round)
        data = {f"share_{kh.pk}": "" for kh in review_round.key_holders.all()}
        for kh in review_round.key_holders.select_related("holder"):
            code = SHARES[review_round.pk][kh.holder.username]
            if code in shares:
                data[f"share_{kh.pk}"] = code
        closed = client.post(reverse("review:round_close", args=[review_round.pk]), data)
        assert closed.status_code == 302
    secrets_extra = list(SHARES[review_round.pk].values())

    secrets_ = [*codes, *[c.replace("-", "") for c in codes], *secrets_extra]
    choice_words = list(Choice.values)

    def clean(text: str, what: str) -> None:
        for s in secrets_:
            assert s not in text, f"receipt code in {what}"
        for w in choice_words:
            assert w not in text, f"choice {w!r} in {what}"

    for line in production_logging.lines:
        clean(line, "a log record")
    for args in task_args:
        clean(args, "a task argument")
    for session in Session.objects.all():
        clean(repr(session.get_decoded()), "a session")
    store = getattr(cache, "_cache", {})
    for key, value in list(store.items()):
        clean(repr(key) + repr(value), "the cache")
    for message in mail.outbox:
        clean(message.subject + message.body, "an e-mail")
    # The audit trail records every action but never a vote or a receipt check (not even that one was made).
    for event in AuditEvent.objects.all():
        text = repr(event.payload())
        clean(text, "the audit trail")
        assert "ballot_cast" not in text and "ballot_confirm" not in text and "receipt" not in text
    assert AuditEvent.objects.filter(action="http.post").exists()  # the close was audited


def test_get_on_the_voting_endpoints_is_refused(client, staff):
    review_round, experts, [cand] = open_round(staff, experts=3)
    client.force_login(experts[0])
    for name in ("review:ballot_confirm", "review:ballot_cast"):
        response = client.get(reverse(name, args=[review_round.pk, cand.pk]), {"choice": "approve"})
        assert response.status_code == 405
    assert not StagedBallot.objects.exists()


def test_after_close_the_staging_table_is_empty_and_ballots_have_fresh_ids(staff):
    from review import services
    from review.models import Ballot, Receipt

    review_round, experts, [cand] = open_round(staff, experts=5)
    for e in experts:
        services.ballot_cast(candidate=cand, choice="approve", actor=e)
    staged_ids = set(StagedBallot.objects.values_list("id", flat=True))
    staged_receipts = set(StagedBallot.objects.values_list("receipt_hash", flat=True))
    staged_envelopes = {bytes(e) for e in StagedBallot.objects.values_list("envelope", flat=True)}
    close_round(review_round, staff)
    assert not StagedBallot.objects.exists()
    assert set(Receipt.objects.values_list("receipt_hash", flat=True)) == staged_receipts
    assert not staged_ids & set(Ballot.objects.values_list("id", flat=True))
    assert not staged_ids & set(Receipt.objects.values_list("id", flat=True))
    # The envelopes kept for the re-count are fresh: none is a cast-time envelope (which could be joined by xmin).
    assert not staged_envelopes & {bytes(e) for e in Ballot.objects.values_list("envelope", flat=True)}
