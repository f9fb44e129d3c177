"""Art. 11(3): 自评 and 工作成果申报 before scoring; the round's cap on 优秀 and its award bands."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import User
from portal.uploads import store_upload
from workstations.models.evaluations import Evaluation, EvaluationResult, Grade
from workstations.models.self_evaluation import Achievement, RoundPolicy, SelfEvaluation
from workstations.services.outcomes import OutcomeRefused, _lock_operating_for_host, require_staff


@dataclass
class AchievementInput:
    title: str
    description: str
    evidence: object  # an uploaded file


def self_evaluation_submit(
    *,
    result: EvaluationResult | int,
    actor: User,
    self_total: Decimal,
    summary: str,
    achievements: list[AchievementInput],
) -> SelfEvaluation:
    """The host unit files its self-evaluation and achievements, each with evidence, while the round is open and
    before its result is scored; filing again replaces the earlier one (files stay stored)."""
    pk = result.pk if isinstance(result, EvaluationResult) else result
    problems = []
    if not summary.strip():
        problems.append(_("Write the self-evaluation."))
    if self_total is None or not (Decimal(0) <= self_total <= Decimal(100)):
        problems.append(_("The self-assessed total must be between 0 and 100."))
    items = [a for a in achievements if a.title.strip()]
    if any(a.evidence is None for a in items):
        problems.append(_("Each achievement needs its evidence."))
    with transaction.atomic():
        locked = EvaluationResult.objects.select_for_update().select_related("evaluation").get(pk=pk)
        _lock_operating_for_host(locked.workstation_id, actor)
        if locked.evaluation.status != Evaluation.Status.OPEN or locked.grade:
            problems.append(_("The self-evaluation is filed before the result is scored."))
        if problems:
            raise OutcomeRefused(problems)
        SelfEvaluation.objects.filter(result=locked).delete()
        own = SelfEvaluation.objects.create(
            result=locked,
            workstation_id=locked.workstation_id,
            self_total=self_total,
            summary=summary.strip(),
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        for a in items:
            Achievement.objects.create(
                self_evaluation=own,
                title=a.title.strip(),
                description=a.description.strip(),
                evidence=store_upload(uploaded=a.evidence, actor=actor),
            )
    return own


def _bands(raw: str) -> list[dict]:
    """ "95=30000\n90=20000" → [{"min_total": "95", "amount": "30000.00"}, …], highest first."""
    bands = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        floor, sep, amount = line.partition("=")
        try:
            floor_d, amount_d = Decimal(floor.strip()), Decimal(amount.strip()).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError) as exc:
            raise OutcomeRefused(_("Line %(n)d is not “score=amount”.") % {"n": n}) from exc
        if not sep or amount_d <= 0 or not (0 <= floor_d <= 100):
            raise OutcomeRefused(_("Line %(n)d is not “score=amount”.") % {"n": n})
        bands.append({"min_total": str(floor_d), "amount": str(amount_d)})
    return sorted(bands, key=lambda b: Decimal(b["min_total"]), reverse=True)


def round_policy_set(
    *, evaluation: Evaluation | int, actor: User, excellent_cap_percent: int | None, award_bands: str
) -> RoundPolicy:
    """Staff set the cap on 优秀 and the award bands while the round is open."""
    require_staff(actor)
    pk = evaluation.pk if isinstance(evaluation, Evaluation) else evaluation
    bands = _bands(award_bands or "")
    if excellent_cap_percent is not None and not (0 <= excellent_cap_percent <= 100):
        raise OutcomeRefused(_("The share must be between 0 and 100."))
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=pk)
        if locked.status != Evaluation.Status.OPEN:
            raise OutcomeRefused(_("This evaluation is closed."))
        policy, _created = RoundPolicy.objects.update_or_create(
            evaluation=locked,
            defaults={"excellent_cap_percent": excellent_cap_percent, "award_bands": bands, "set_by": actor},
        )
        audit_record(
            actor=actor,
            action="evaluation.policy",
            obj=locked,
            after={"excellent_cap_percent": excellent_cap_percent, "award_bands": bands},
        )
    return policy


def proposed_award(evaluation: Evaluation, total: Decimal | None, grade: str) -> Decimal | None:
    """The award proposed for an excellent result: the amount of the highest band its total reaches."""
    policy = getattr(evaluation, "policy", None) if evaluation.pk else None
    if policy is None or grade != Grade.EXCELLENT or total is None:
        return None
    for band in policy.award_bands:
        if total >= Decimal(band["min_total"]):
            return Decimal(band["amount"])
    return None


def cap_problems(evaluation: Evaluation) -> list[str]:
    """At close: no more excellent results than the round's cap allows (rounded down: 20 % of 12 is 2)."""
    policy = RoundPolicy.objects.filter(evaluation=evaluation).first()
    if policy is None or policy.excellent_cap_percent is None:
        return []
    results = evaluation.results.count()
    allowed = results * policy.excellent_cap_percent // 100
    excellent = evaluation.results.filter(grade=Grade.EXCELLENT).count()
    if excellent > allowed:
        return [
            _("%(n)d results are excellent; this round allows at most %(max)d (%(pct)d %% of %(all)d).")
            % {"n": excellent, "max": allowed, "pct": policy.excellent_cap_percent, "all": results}
        ]
    return []
