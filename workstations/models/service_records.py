"""Art. 4: what a workstation does for entrepreneurs, beyond the three Art. 10 activity types.

1. 创业提升培训和沙龙讲座 (training and salons),
2. 一对一、一对多的跟踪指导和咨询 (follow-up guidance, with the entrepreneur's consent and minimal personal data),
3. 工商、财务、税务、法务、场地、资金信贷等配套服务 (support services),
4. 创业实习与实践机会 (internship placements). Filed by the host unit through
``workstations.services.service_records``; they count in the evaluation's "工作成效与社会影响" item
(``auto: "services"``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workstations.models.outcomes import OutcomeQuerySet


class ServiceKind(models.TextChoices):
    TRAINING_SALON = "training_salon", _("Training or salon (Art. 4(1))")
    FOLLOW_UP = "follow_up", _("Follow-up guidance (Art. 4(2))")
    SUPPORT = "support", _("Support service (Art. 4(3))")
    INTERNSHIP = "internship", _("Internship placement (Art. 4(4))")


class ServiceMode(models.TextChoices):
    # Art. 4(1)–(2): 线上与线下、现场与远程；现场坐诊、远程互动、走访上门.
    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online or remote")
    VISIT = "visit", _("Home or company visit")


class SupportArea(models.TextChoices):
    REGISTRATION = "registration", _("Business registration")
    FINANCE = "finance", _("Finance and accounting")
    TAX = "tax", _("Tax")
    LEGAL = "legal", _("Legal")
    PREMISES = "premises", _("Premises")
    CREDIT = "credit", _("Funding and credit")


class ServiceRecord(models.Model):
    workstation = models.ForeignKey(
        "workstations.Workstation",
        verbose_name=_("workstation"),
        on_delete=models.CASCADE,
        related_name="service_records",
    )
    kind = models.CharField(_("kind of service"), max_length=20, choices=ServiceKind.choices)
    mode = models.CharField(_("form"), max_length=10, choices=ServiceMode.choices, default=ServiceMode.ON_SITE)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("what was done"))
    participant_count = models.PositiveIntegerField(_("number of people served"), default=1)
    support_area = models.CharField(_("support area"), max_length=20, choices=SupportArea.choices, blank=True)
    # Follow-up and internships concern one person or project: a short name only (e.g. "王先生（茶叶电商项目）"),
    # never an ID or phone number, and only with the person's consent (PIPL minimum collection).
    beneficiary = models.CharField(_("entrepreneur or project"), max_length=60, blank=True)
    consent = models.BooleanField(_("the entrepreneur agreed to be recorded"), default=False)
    partner = models.CharField(_("partner enterprise or body"), max_length=120, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["workstation", "kind", "held_on"], name="service_ws_kind_day")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=["follow_up", "internship"]) | models.Q(consent=True),
                name="service_personal_needs_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workstation_id} {self.kind} {self.held_on}"
