"""The application (申报) of a host unit in one call: Art. 5 conditions and the Art. 7 report."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.channels import recommender_choices
from applications.terms import EDITABLE_STATES, REPORT_SECTIONS, STATEMENTS
from portal.crypto import EncryptedTextField
from portal.formatting import format_date, mask_phone
from portal.models import Organisation
from portal.roles import CITY_WIDE_ROLES, Role
from workstations.models import State, Workstation


def missing_materials_of(application) -> list[str]:
    from applications.eligibility import missing_materials

    return missing_materials(application)


def _reviewed_by(user) -> models.QuerySet:
    """Workstations an expert reviews, as ``RoundCandidate`` rows of the review app reached by string lookups only
    (stage apps do not import each other): a candidate of a round the expert sits on (``RoundExpert``, from the
    opening) while the round is open or, while the round is a draft, of a round of a panel the expert is a member
    of. After the close the expert no longer reads them (issue 13). A recusal (回避) for the workstation in any round
    hides it: the conflict is between the person and the host unit, not the round.
    """
    # Issue 13: a seat shows the materials while the round is open, not after it closed.
    seat = models.Q(review_candidacies__round__status="open", review_candidacies__round__experts__expert=user)
    draft_member = models.Q(review_candidacies__round__status="draft", review_candidacies__round__panel__members=user)
    return (
        Workstation.objects.filter(seat | draft_member).exclude(review_candidacies__recusals__expert=user).values("pk")
    )


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Host unit: its own; recommender: those addressed to it once submitted; city staff and supervisor: all;
        expert: the candidates of the review rounds it sits on and is not recused from (Art. 6(3)).
        """
        if not (user.is_authenticated and user.is_active):
            return self.none()
        role = user.role
        if role in CITY_WIDE_ROLES:
            return self
        if role == Role.HOST_UNIT:
            return self.filter(workstation__host_unit_id=user.organisation_id)
        if role == Role.RECOMMENDER:
            return self.filter(workstation__recommender_id=user.organisation_id).exclude(workstation__state=State.DRAFT)
        if role == Role.EXPERT:
            return self.filter(workstation__in=_reviewed_by(user))
        return self.none()

    def with_related(self):
        return self.select_related(
            "workstation", "workstation__host_unit", "workstation__recommender", "call", "lead_mentor"
        )


class Application(models.Model):
    workstation = models.OneToOneField(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.CASCADE,
        related_name="application",
    )
    call = models.ForeignKey(
        "applications.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    # Step 1: the host unit.
    host_type = models.CharField(
        _("host unit type (Art. 3)"),
        max_length=32,
        choices=Organisation.HostType.choices,
        blank=True,
        help_text=_(
            "Art. 3: entrepreneurship service institution, higher-education institution or HR service institution."
        ),
    )
    # Art. 6(2): a non-university applicant reaches the county bureau's list as a county-level workstation.
    county_recognition_county = models.ForeignKey(
        Organisation,
        verbose_name=_("recognised by (county)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "county_bureau"},
    )
    county_recognition_number = models.CharField(_("recognition document number"), max_length=60, blank=True)
    county_recognition_date = models.DateField(_("recognised on"), null=True, blank=True)
    unit_profile = models.TextField(_("profile of the host unit"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    # Step 2: the team (Art. 5(3)1).
    lead_mentor = models.ForeignKey(
        "applications.Mentor",
        verbose_name=_("lead mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_applications",
    )
    mentors = models.ManyToManyField(
        "applications.Mentor", verbose_name=_("mentors"), blank=True, related_name="applications"
    )
    # Step 4: statements (Art. 5(3)2–4).
    statement_policy_publicity = models.TextField(STATEMENTS[0][1], blank=True)
    statement_policy_implementation = models.TextField(STATEMENTS[1][1], blank=True)
    statement_talent_system = models.TextField(STATEMENTS[2][1], blank=True)
    # Step 5: the application report (Art. 7(2)).
    report_profile = models.TextField(REPORT_SECTIONS[0][1], blank=True)
    report_necessity = models.TextField(REPORT_SECTIONS[1][1], blank=True)
    report_management = models.TextField(REPORT_SECTIONS[2][1], blank=True)
    report_site = models.TextField(REPORT_SECTIONS[3][1], blank=True)
    report_talent = models.TextField(REPORT_SECTIONS[4][1], blank=True)
    # Step 6: site and equipment (Art. 5(3)5).
    site_address = models.CharField(_("site address"), max_length=200, blank=True)
    site_area = models.DecimalField(_("site area (m²)"), max_digits=8, decimal_places=1, null=True, blank=True)
    equipment = models.TextField(_("equipment"), blank=True)
    site_provided = models.BooleanField(
        _("the host unit provides the site and equipment needed (Art. 5(3)5)"), default=False
    )
    # Step 7: where it goes (Art. 6(2)).
    recommender = models.ForeignKey(
        Organisation,
        verbose_name=_("recommender"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addressed_applications",
    )
    # The recommender's work (Art. 6(2)): its opinion (推荐意见) and, optionally, the stamped letter.
    recommendation_opinion = models.TextField(_("recommendation opinion"), blank=True)
    recommendation_letter = models.OneToOneField(
        "portal.StoredFile",
        verbose_name=_("stamped recommendation letter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set by the recommender: 1 is its first choice.
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The version of the measures' numbers its eligibility was checked against when it was last submitted.
    measures_version = models.ForeignKey(
        "portal.MeasuresVersion",
        verbose_name=_("measures version applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recommended_at = models.DateTimeField(_("recommended at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        # Issue 21: the application list's order, and the call's candidates by call (their filter) in rank order.
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="applications_app_updated"),
            models.Index(fields=["call", "rank", "id"], name="applications_app_call_rank"),
        ]

    def __str__(self) -> str:
        return str(self.workstation)

    @property
    def host_unit(self) -> Organisation:
        return self.workstation.host_unit

    @property
    def state(self) -> str:
        return self.workstation.state

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def is_editable(self) -> bool:
        """The host unit may change it: still a draft or returned, and the call open (closing locks drafts)."""
        return self.workstation.state in EDITABLE_STATES and self.call.is_open()

    def report_sections(self) -> list[tuple[str, str]]:
        return [(str(label), getattr(self, name)) for name, label in REPORT_SECTIONS]

    def statements(self) -> list[tuple[str, str]]:
        return [(str(label), getattr(self, name)) for name, label in STATEMENTS]

    def team_mentors(self) -> list:
        """The further mentors (not the lead), in name order."""
        return [m for m in self.mentors.all() if m.pk != self.lead_mentor_id]

    # --- the same names as applications.declared.DeclaredApplication ---------------------------------------
    @property
    def people(self) -> list:
        from applications.declared import person_from_mentor

        lead = [self.lead_mentor] if self.lead_mentor_id else []
        return [person_from_mentor(m, is_lead=m.pk == self.lead_mentor_id) for m in lead + self.team_mentors()]

    @property
    def staff_list(self) -> list:
        return list(self.staff.all())

    @property
    def staff_count(self) -> int:
        return len(self.staff.all())

    def material_items(self) -> list:
        from applications.declared import material_item

        return [material_item(m) for m in self.materials.all()]

    @property
    def latest_snapshot(self):
        if not hasattr(self, "_latest_snapshot"):
            self._latest_snapshot = self.snapshots.order_by("-version").first() if self.pk else None
        return self._latest_snapshot

    @property
    def shown(self):
        """What a page shows: the draft while the host unit works on it, else the last submitted version."""
        snapshot = self.latest_snapshot
        if snapshot is None or self.workstation.state in EDITABLE_STATES:
            return self
        from applications.declared import DeclaredApplication

        return DeclaredApplication(self, snapshot)

    def mentor_overlaps(self):
        from applications.eligibility import mentor_overlaps

        return mentor_overlaps(self)

    def eligibility(self):
        from applications.eligibility import evaluate

        return evaluate(self)

    def measures_basis(self) -> str:
        from applications.eligibility import application_measures

        return application_measures(self).basis

    def missing_materials(self) -> list[str]:
        from applications.eligibility import missing_materials

        return missing_materials(self)

    def completeness_problems(self) -> list[str]:
        """Art. 7: what is still missing from the form and the materials, step by step."""
        problems = []
        if not self.host_type:
            problems.append(gettext("Host unit: choose the type of the host unit (Art. 3)."))
        if not (self.address and self.contact_person and self.contact_phone and self.unit_profile):
            problems.append(gettext("Host unit: fill in the profile, address, contact person and contact phone."))
        # A missing lead mentor is told once, by the checklist's Art. 5(3)1 item ("Choose the lead mentor in the Team
        # step."), which ``submission_problems`` adds (issue 19: the host unit read the same request twice).
        empty = [str(label) for name, label in REPORT_SECTIONS if not getattr(self, name).strip()]
        if empty:
            problems.append(
                gettext("Application report: write the sections %(sections)s.") % {"sections": "、".join(empty)}
            )
        if self.recommender_id is None:
            problems.append(gettext("Recommender: choose where the application goes."))
        problems.extend(self.channel_problems())
        problems.extend(self.missing_materials())
        return problems

    def submission_problems(self) -> list[str]:
        """Everything that blocks submission: missing parts (Art. 7) and hard conditions not met (Art. 5)."""
        problems = self.completeness_problems()
        problems.extend(check.fix for check in self.eligibility() if check.blocks)
        return problems

    def call_problems(self) -> list[str]:
        """Art. 6(1): applications are accepted only while the call is open."""
        if self.call.is_open():
            return []
        return [
            gettext("The call “%(call)s” is not open: applications were accepted until %(date)s.")
            % {"call": self.call.title, "date": format_date(self.call.closes_on)}
        ]

    def channel_problems(self) -> list[str]:
        """Art. 6(2): the chosen recommender is one this host unit may go through in this call."""
        if self.recommender_id is None:
            return []
        if not recommender_choices(self.host_unit, self.call).filter(pk=self.recommender_id).exists():
            return [
                gettext("%(rec)s cannot recommend this host unit in this call; choose its county bureau%(uni)s.")
                % {
                    "rec": self.recommender,
                    "uni": gettext(" or its own university") if self.call.universities_recommend_own else "",
                }
            ]
        return []

    def recommendation_problems(self) -> list[str]:
        """Art. 6(2): recommending is possible through an allowed channel and until the call's deadline."""
        problems = self.channel_problems()
        if not self.call.recommendation_open():
            problems.append(
                gettext("The recommendation deadline of this call was %(date)s; recommending is closed.")
                % {"date": format_date(self.call.last_recommendation_day)}
            )
        return problems

    def qualification_problems(self) -> list[str]:
        """资格审查: the submitted version meets the hard conditions and carries every required material."""
        shown = self.shown
        problems = list(missing_materials_of(shown))
        problems.extend(check.reason for check in shown.eligibility() if check.blocks)
        return problems
