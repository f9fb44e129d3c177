"""Art. 4 service records: the host unit files them; staff, supervisors and the county bureau read them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.permissions import role_required
from portal.refusals import refusal_to_form
from portal.roles import Role
from workstations.forms.service_records import ServiceRecordForm
from workstations.models import OPERATING_STATES
from workstations.models.service_records import ServiceKind, ServiceRecord
from workstations.services.outcomes import OutcomeRefused
from workstations.services.service_records import service_record_submit
from workstations.views.outcomes import OUTCOME_ROLES, _workstation


@role_required(*OUTCOME_ROLES)
def service_list(request: HttpRequest, pk: int) -> HttpResponse:
    ws = _workstation(request, pk)
    records = ServiceRecord.objects.visible_to(request.user).filter(workstation=ws).select_related("submitted_by")
    counts = dict.fromkeys(ServiceKind.values, 0)
    for record in records:
        counts[record.kind] += 1
    return render(
        request,
        "workstations/services/list.html",
        {
            "workstation": ws,
            "records": records,
            "counts": [(ServiceKind(k).label, n) for k, n in counts.items()],
            "is_host": request.user.has_role(Role.HOST_UNIT) and ws.state in OPERATING_STATES,
        },
    )


@role_required(Role.HOST_UNIT)
def service_new(request: HttpRequest, pk: int) -> HttpResponse:
    ws = _workstation(request, pk)
    form = ServiceRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service_record_submit(workstation=ws, actor=request.user, **form.cleaned_data)
        except OutcomeRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The service has been recorded."))
            return redirect("workstations:services", ws.pk)
    return render(request, "workstations/services/form.html", {"workstation": ws, "form": form})
