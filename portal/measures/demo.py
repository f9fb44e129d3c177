"""Demo builder step (issue 18 part 6): the measures' numbers as data — version 1 (the 2024 measures), a second
version taking effect next 1 January, and 新华区's stricter county rules (Art. 12). Idempotent; runs last, so the
county rule does not stand in the way of the matching grants the earlier steps record."""

import datetime as dt

from django.utils import timezone

from portal.measures.models import CountyRule, MeasuresVersion
from portal.measures.selectors import _fallback, measures_in_force
from portal.measures.services import county_rule_create, measures_version_create

NEXT_DOCUMENT = ("平人社〔{year}〕30号", "关于调整大众创业指导大师工作室管理有关参数的通知")
COUNTY_DOCUMENT = ("新人社〔{year}〕15号", "新华区大众创业指导大师工作室配套补助及评价实施细则")


def build(world) -> None:
    today = timezone.localdate()
    if not MeasuresVersion.objects.exists():  # a flushed database: version 1 as the data migration writes it
        _fallback().save()
    if MeasuresVersion.objects.count() == 1:
        next_year = dt.date(today.year + 1, 1, 1)
        values = {**measures_in_force(next_year).values, "themed_per_year": 3, "rectification_days": 60}
        measures_version_create(
            values=values,
            effective_on=next_year,
            document_number=NEXT_DOCUMENT[0].format(year=today.year),
            document_title=NEXT_DOCUMENT[1],
            note="试行一年后，主题活动由每年2次调整为3次，限期整改期限由90天调整为60天。",
            actor=world.users["staff"],
            today=today,
        )
    clerk = world.users.get("xinhua")
    if clerk is not None and not CountyRule.objects.filter(county_id=clerk.organisation_id).exists():
        county_rule_create(
            values={"trained_per_year": 3, "matching_min_grade": "pass"},
            effective_on=today,
            document_number=COUNTY_DOCUMENT[0].format(year=today.year),
            document_title=COUNTY_DOCUMENT[1],
            note="区级配套补助仅拨付最近一次评价合格及以上的工作室；每年培养创业服务工作骨干不少于3名。",
            actor=clerk,
            today=today,
        )
    world.notes.append("办法参数：第1版（平人社办〔2024〕44号）施行中，第2版自明年1月1日起施行；新华区有从严细则。")
