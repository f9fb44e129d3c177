"""Writes for evaluations (Art. 11(1), 11(3)) and rectification with a deadline (Art. 11(4)2)."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.measures.selectors import Timeline, measures_in_force
from portal.models import User
from portal.notifications import notify_organisation
from workstations.models import OPERATING_STATES, State, Workstation
from workstations.models.evaluations import (
    Evaluation,
    EvaluationKind,
    EvaluationResult,
    Grade,
)
from workstations.rules import compliance
from workstations.rules.compliance import periods_assessed
from workstations.rules.terms import term_end_for
from workstations.selectors.outcomes import load_counts
from workstations.services.outcomes import OutcomeRefused, require_staff
from workstations.services.rectifications import rectification_start
from workstations.services.self_evaluation import cap_problems, proposed_award
from workstations.services.service_records import services_share

TENTH = Decimal("0.1")
# Default official titles: 平顶山市大众创业指导大师工作室2026年度评价 (not "2026年度…年度评价").
TITLE_ZH: dict[str, str] = {EvaluationKind.ANNUAL: "{year}年度评价", EvaluationKind.END_OF_TERM: "{year}年期满评估"}


def term_years(on: date | None = None) -> int:
    return measures_in_force(on).term_years  # Art. 11(1), the measures' numbers in force (portal.measures)


def term_ends_on(certified_on: date) -> date:
    """The last day of the term: the measures' term years in force on certification (Art. 11(1)), less one day."""
    return term_end_for(certified_on, term_years(certified_on))


def default_rubric() -> list[dict]:
    """A 100-point rubric (after comparable schemes): the three Art. 10 requirements scored automatically from
    compliance, 工作成效 from the Art. 4 service records with the Art. 10 reports (issue 18), the rest by staff.
    Staff may change items and points when opening a round."""
    return [
        {"key": "consultation", "label": "区域性政策咨询与指导交流", "max": 15, "auto": "consultation"},
        {"key": "themed", "label": "导师进园区、进企业、进校园、进社区主题活动", "max": 15, "auto": "themed"},
        {"key": "training", "label": "创业服务工作骨干培养", "max": 15, "auto": "training"},
        {"key": "plan", "label": "三年工作规划及落实", "max": 15, "auto": ""},
        {"key": "support", "label": "场地设备与经费保障", "max": 20, "auto": ""},
        {"key": "results", "label": "工作成效与社会影响", "max": 20, "auto": "services"},  # Art. 4 + 10 (issue 18)
    ]


def _term_ending_in(workstation: Workstation, year: int):
    """The stored term (issue 18) that ends in ``year``, if any; ``terms`` may be prefetched."""
    return next((t for t in workstation.terms.all() if t.ends_on.year == year), None)


def in_scope(workstation: Workstation, evaluation: Evaluation) -> bool:
    if workstation.certified_on is None or workstation.certified_on > date(evaluation.year, 12, 31):
        return False
    if evaluation.kind == EvaluationKind.END_OF_TERM:
        if workstation.terms.all():  # a renewed workstation's next term ends three years after the first
            return _term_ending_in(workstation, evaluation.year) is not None
        return term_ends_on(workstation.certified_on).year == evaluation.year
    return True


def _years(workstation: Workstation, evaluation: Evaluation) -> range:
    if evaluation.kind == EvaluationKind.END_OF_TERM:
        term = _term_ending_in(workstation, evaluation.year)
        return range((term.starts_on if term else workstation.certified_on).year, evaluation.year + 1)  # type: ignore[union-attr]
    return range(evaluation.year, evaluation.year + 1)


def auto_scores(
    evaluation: Evaluation, workstation: Workstation, counts, today: date, timeline=None
) -> tuple[dict, dict]:
    """Automatic items: points × periods met / periods assessed, over the periods that have ended and applied.

    An item with no such period is left out of ``scores`` (it leaves the base: no full marks for what was never
    assessed); ``shown`` keeps its {"met": 0, "of": 0} so the page can say why.
    """
    timeline = timeline or Timeline()  # each period judged by the measures in force on its first day
    summ = compliance.summary(workstation.certified_on, counts, _years(workstation, evaluation), today, timeline)
    scores, shown = {}, {}
    for item in evaluation.rubric:
        if item.get("auto") == "services":  # 成效: Art. 4 service records with the Art. 10 reports (issue 18)
            share, shown[item["key"]] = services_share(workstation, _years(workstation, evaluation), summ)
            if shown[item["key"]]["art10_of"]:  # no Art. 10 period applied and ended: it leaves the base (issue 15)
                scores[item["key"]] = str((Decimal(item["max"]) * share).quantize(TENTH, rounding=ROUND_HALF_UP))
        elif item.get("auto"):
            s = summ[item["auto"]]
            shown[item["key"]] = s
            if s["of"]:
                share = Decimal(s["met"]) / Decimal(s["of"])
                scores[item["key"]] = str((Decimal(item["max"]) * share).quantize(TENTH, rounding=ROUND_HALF_UP))
    return scores, shown


def base_points(evaluation: Evaluation, shown: dict) -> int:
    """The rubric's points that apply: every staff item, and each automatic item with an ended, applicable period."""
    return sum(
        int(item["max"])
        for item in evaluation.rubric
        if not item.get("auto") or periods_assessed(shown.get(item["key"]))
    )


def scaled_total(evaluation: Evaluation, raw: Decimal, base: int) -> Decimal:
    """Points scored on the applicable base, brought to the rubric's scale so the grade thresholds mean the same."""
    if base <= 0:
        return Decimal(0)
    return (raw * Decimal(evaluation.max_total) / Decimal(base)).quantize(TENTH, rounding=ROUND_HALF_UP)


def has_assessable_period(shown: dict) -> bool:
    """Whether any automatic item had an ended, applicable period (a rubric without automatic items: always)."""
    return not shown or any(periods_assessed(s) for s in shown.values())


def not_graded_reason(workstation: Workstation, evaluation: Evaluation) -> str:
    """In words, why a workstation is left out of an evaluation's grading (issue 15)."""
    from portal.formatting import format_date

    return _(
        "Recognised on %(date)s: no quarter or year of %(year)s that applies to it had ended when the evaluation "
        "opened, so it is not graded this year (first-partial-period rule, docs/decisions.md)."
    ) % {"date": format_date(workstation.certified_on), "year": evaluation.year}


def evaluation_open(
    *,
    year: int,
    kind: str,
    actor: User,
    title: str = "",
    rubric: list[dict] | None = None,
    excellent_min: Decimal | None = None,
    good_min: Decimal | None = None,
    pass_min: Decimal | None = None,
    today: date | None = None,
    early_reason: str = "",
) -> Evaluation:
    """Art. 11(1): open an annual (or end-of-term) evaluation for ``year``; every operating workstation in scope
    gets a result with its compliance items filled in.

    A year is evaluated after it has ended; before that only when staff confirm an early evaluation with a reason
    (``early_reason``, kept on the evaluation). A workstation none of whose periods applied and ended is not graded:
    it is listed with the reason in ``not_graded``.
    """
    require_staff(actor)
    today = today or timezone.localdate()
    rubric = rubric or default_rubric()
    measures = measures_in_force(today)  # the grade bands default to the measures' numbers in force (Art. 11(3))
    excellent_min = Decimal(measures.excellent_min) if excellent_min is None else excellent_min
    good_min = Decimal(measures.good_min) if good_min is None else good_min
    pass_min = Decimal(measures.pass_min) if pass_min is None else pass_min
    if year > today.year:
        raise OutcomeRefused(_("%(year)s has not begun; it cannot be evaluated yet.") % {"year": year})
    if year == today.year and not early_reason.strip():
        raise OutcomeRefused(
            _(
                "%(year)s has not ended: only its ended quarters would count. To evaluate it now, confirm an early "
                "evaluation and give the reason."
            )
            % {"year": year}
        )
    if not (pass_min <= good_min <= excellent_min):
        raise OutcomeRefused(_("The grade thresholds must rise from pass to good to excellent."))
    if Evaluation.objects.filter(year=year, kind=kind).exists():
        raise OutcomeRefused(_("An evaluation of this kind is already open or done for that year."))
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            year=year,
            kind=kind,
            # The default title is an official one, in Chinese whatever the language of the user opening it.
            title=title or "平顶山市大众创业指导大师工作室" + TITLE_ZH[kind].format(year=year),
            rubric=rubric,
            excellent_min=excellent_min,
            good_min=good_min,
            pass_min=pass_min,
            opened_by=actor,
            opened_at=timezone.now(),
            early_reason=early_reason.strip() if year >= today.year else "",
            measures_version_id=measures.version_id,
        )
        in_year = [
            ws
            for ws in Workstation.objects.filter(state__in=OPERATING_STATES).prefetch_related("terms")
            if in_scope(ws, evaluation)
        ]
        first_year = min((ws.certified_on.year for ws in in_year), default=year)  # type: ignore[union-attr]
        counts = load_counts(Workstation.objects.filter(pk__in=[w.pk for w in in_year]), range(first_year, year + 1))
        results, workstations, not_graded = [], [], []
        timeline = Timeline()
        for ws in in_year:
            scores, shown = auto_scores(evaluation, ws, counts.get(ws.pk, {}), today, timeline)
            if not has_assessable_period(shown):
                not_graded.append({"workstation": ws.pk, "name": ws.name, "reason": not_graded_reason(ws, evaluation)})
                continue
            workstations.append(ws)
            results.append(
                EvaluationResult(
                    evaluation=evaluation,
                    workstation=ws,
                    scores=scores,
                    compliance=shown,
                    base=base_points(evaluation, shown),
                    measures_version_id=measures.version_id,
                )
            )
        EvaluationResult.objects.bulk_create(results)
        if not_graded:
            evaluation.not_graded = not_graded
            evaluation.save(update_fields=["not_graded"])
        for ws in workstations:
            notify_organisation(
                organisation=ws.host_unit,
                message="evaluation.opened",
                params={"title": evaluation.title},
                url=reverse("workstations:outcomes", args=[ws.pk]),
                dedup_key=f"evaluation-open:{evaluation.pk}",
            )
    return evaluation


def result_score(
    *,
    result: EvaluationResult | int,
    actor: User,
    staff_scores: dict[str, Decimal],
    remarks: str = "",
    award_recommended: bool = False,
    award_amount: Decimal | None = None,
    today: date | None = None,
) -> EvaluationResult:
    """Score one workstation: staff items within their points, automatic items refreshed from compliance; the grade
    follows the round's thresholds. Art. 11(3): only an excellent result may recommend an award in lieu of subsidy."""
    require_staff(actor)
    today = today or timezone.localdate()
    pk = result.pk if isinstance(result, EvaluationResult) else result
    with transaction.atomic():
        locked = EvaluationResult.objects.select_for_update().select_related("evaluation", "workstation").get(pk=pk)
        evaluation = locked.evaluation
        if evaluation.status != Evaluation.Status.OPEN:
            raise OutcomeRefused(_("This evaluation is closed."))
        problems = []
        counts = load_counts(
            Workstation.objects.filter(pk=locked.workstation_id), _years(locked.workstation, evaluation)
        )
        scores, shown = auto_scores(evaluation, locked.workstation, counts.get(locked.workstation_id, {}), today)
        for item in evaluation.rubric:
            if item.get("auto"):
                continue
            value = staff_scores.get(item["key"])
            if value is None or not (0 <= Decimal(value) <= Decimal(item["max"])):
                problems.append(
                    _("“%(item)s” needs a score from 0 to %(max)s.") % {"item": item["label"], "max": item["max"]}
                )
                continue
            scores[item["key"]] = str(Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP))
        base = base_points(evaluation, shown)
        raw = sum((Decimal(v) for v in scores.values()), Decimal(0)) if not problems else None
        total = scaled_total(evaluation, raw, base) if raw is not None else None
        grade = evaluation.grade_for(total) if total is not None else ""
        if award_recommended and grade != Grade.EXCELLENT:
            problems.append(_("An award in lieu of subsidy is only for an excellent result."))
        if award_amount is not None and award_amount < 0:
            problems.append(_("The award amount may not be negative."))
        if problems:
            raise OutcomeRefused(problems)
        locked.scores, locked.compliance, locked.total, locked.grade = scores, shown, total, grade
        locked.base, locked.raw = base, raw
        locked.remarks = remarks.strip()
        locked.award_recommended = award_recommended
        if award_recommended and award_amount is None:  # proposed from the round's award bands (issue 18)
            award_amount = proposed_award(evaluation, total, grade)
        locked.award_amount = award_amount if award_recommended else None
        locked.scored_by, locked.scored_at = actor, timezone.now()
        locked.save()
    return locked


def evaluation_close_preview(evaluation: Evaluation, today: date | None = None) -> dict:
    """What closing ``evaluation`` will do, for its confirmation page: counts per grade, the workstations that will be
    ordered to rectify (with the deadline), the awards recommended, the unscored results that block the close."""
    today = today or timezone.localdate()
    results = list(evaluation.results.select_related("workstation", "workstation__host_unit"))
    by_grade: dict[str, int] = {str(label): 0 for _value, label in Grade.choices}
    for r in results:
        if r.grade:
            by_grade[r.get_grade_display()] += 1
    return {
        "total": len(results),
        "by_grade": by_grade,
        "unscored": [r.workstation.name for r in results if not r.grade],
        "rectify": [
            r.workstation.name for r in results if r.grade == Grade.FAIL and r.workstation.state == State.ACTIVE
        ],
        "already_rectifying": [
            r.workstation.name for r in results if r.grade == Grade.FAIL and r.workstation.state != State.ACTIVE
        ],
        "deadline": today + timedelta(days=measures_in_force(today).rectification_days),
        "awards": [(r.workstation.name, r.award_amount) for r in results if r.award_recommended],
        "scaled": [r.workstation.name for r in results if r.base is not None and r.base < evaluation.max_total],
        "not_graded": evaluation.not_graded,
    }


def evaluation_close(*, evaluation: Evaluation | int, actor: User, today: date | None = None) -> Evaluation:
    """Close the round once every workstation is scored. Art. 11(4)2: each 不合格 result orders rectification."""
    require_staff(actor)
    today = today or timezone.localdate()
    pk = evaluation.pk if isinstance(evaluation, Evaluation) else evaluation
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=pk)
        if locked.status != Evaluation.Status.OPEN:
            raise OutcomeRefused(_("This evaluation is already closed."))
        unscored = locked.results.filter(grade="").count()
        if unscored:
            raise OutcomeRefused(_("%(n)d workstations are not scored yet.") % {"n": unscored})
        capped = cap_problems(locked)  # Art. 11(3): the round's cap on 优秀 (issue 18)
        if capped:
            raise OutcomeRefused(capped)
        locked.status, locked.closed_at = Evaluation.Status.CLOSED, timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        for result in locked.results.select_related("workstation", "workstation__host_unit"):
            notify_organisation(
                organisation=result.workstation.host_unit,
                message="evaluation.graded",
                params={"title": locked.title, "grade": result.grade},
                text=result.remarks,
                url=reverse("workstations:outcomes", args=[result.workstation_id]),
            )
            if result.grade == Grade.FAIL and result.workstation.state == State.ACTIVE:
                rectification_start(
                    workstation=result.workstation,
                    result=result,
                    reason=_("%(title)s: grade “fail”. %(remarks)s")
                    % {"title": locked.title, "remarks": result.remarks},
                    actor=actor,
                    today=today,
                )
    return locked
