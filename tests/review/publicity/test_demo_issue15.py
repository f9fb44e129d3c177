"""Issue 15 in the demo world: each rule can be seen."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from review.publicity.models import Objection, PublicityList
from workstations.models import State, Workstation
from workstations.models.evaluations import Evaluation
from workstations.models.exits import ExitGround
from workstations.services import exit_evidence

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_withdrawn_list_a_blocking_rectification_and_objections_inside_their_window():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # idempotent
    withdrawn = PublicityList.objects.get(withdrawn_at__isnull=False)
    assert withdrawn.withdrawal_reason and withdrawn.entries.get().workstation.state == State.REVIEW_PASSED
    for objection in Objection.objects.select_related("entry__publicity_list"):
        publicity_list = objection.entry.publicity_list
        assert (
            publicity_list.first_day <= timezone.localtime(objection.filed_at).date()
            and objection.filed_at < publicity_list.closes_at
        )
    rectifying = Workstation.objects.get(lead_mentor_name="刘洋")
    records = exit_evidence.candidates(rectifying, ExitGround.FAILED_RECTIFICATION)
    assert records and not any(r.qualifies for r in records)  # a rectification in progress: no exit on that ground
    early = Evaluation.objects.get(status=Evaluation.Status.OPEN)
    assert early.early_reason
    # Periods that did not apply (before certification) or had not ended are out of the base.
    result = early.results.select_related("workstation").first()
    quarters = 4 * (early.year - result.workstation.certified_on.year + 1)
    assert 0 < result.compliance["consultation"]["of"] < quarters
