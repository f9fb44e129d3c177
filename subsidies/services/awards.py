"""Art. 11(3) 以奖代补: an excellent evaluation result with an award recommended becomes a ledger entry.

The evaluation lives in ``workstations`` (``EvaluationResult``: grade, ``award_recommended``, ``award_amount``);
city staff turn it into an "award in lieu of subsidy" entry with one action from the ledger. The entry points at the
result, so both pages show the link and a second award for the same result is refused.
"""

from datetime import date as date_type
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from subsidies.models import Entry, Kind
from subsidies.services.ledger import LedgerRefused, entry_record
from workstations.models.evaluations import Evaluation, EvaluationResult, Grade


def award_refusal(result: EvaluationResult) -> str | None:
    """Why ``result`` cannot ground an award (None: it can). The evaluation must be closed (its results sent) and
    the result excellent with an award recommended (Art. 11(3))."""
    if result.evaluation.status != Evaluation.Status.CLOSED:
        return _("The evaluation is still open: awards are recorded once its results are sent.")
    if result.grade != Grade.EXCELLENT or not result.award_recommended:
        return _("Only an excellent result with an award recommended grounds an award in lieu of subsidy.")
    return None


def award_description(result: EvaluationResult) -> str:
    return _("Award in lieu of subsidy: %(evaluation)s, grade %(grade)s.") % {
        "evaluation": result.evaluation.title,
        "grade": result.get_grade_display(),
    }


def award_from_evaluation(
    *,
    result: EvaluationResult | int,
    actor: User,
    amount: Decimal | None = None,
    date: date_type | None = None,
    description: str = "",
) -> Entry:
    """Art. 11(3): record the award an excellent evaluation result recommends, as an "award in lieu of subsidy"
    entry on the workstation's ledger (city staff only, like every award). The amount defaults to the result's
    ``award_amount``; a second unreversed award for the same result is refused under the ledger lock."""
    pk = result.pk if isinstance(result, EvaluationResult) else result
    result = EvaluationResult.objects.select_related("evaluation", "workstation").get(pk=pk)
    refusal = award_refusal(result)
    if refusal:
        raise LedgerRefused(refusal)
    amount = amount if amount is not None else result.award_amount
    if not amount:
        raise LedgerRefused(_("The evaluation gives no award amount: enter the amount."))
    return entry_record(
        workstation=result.workstation,
        kind=Kind.AWARD,
        amount=amount,
        date=date or timezone.localdate(),
        description=description.strip() or award_description(result),
        reference=f"{result.evaluation.title} · {result.get_grade_display()}"[:200],
        evaluation_result=result,
        actor=actor,
    )
