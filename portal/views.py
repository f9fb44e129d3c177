from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from portal.dashboard import home_panels
from portal.models import Notification, User


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    return render(request, "portal/home.html", {"panels": home_panels(request.user)})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notes = request.user.notifications.all()[:200]
    return render(request, "portal/inbox.html", {"notifications": notes})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return redirect(note.url or "inbox")


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("%(count)d messages marked as read.") % {"count": count})
    return redirect("inbox")


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also records the choice as the user's language for inbox messages and
    e-mails (issue 19): what they read in the portal is what they are written to in."""
    from django.conf import settings
    from django.views.i18n import set_language as switch

    response = switch(request)
    code = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and code in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=code)
    return response


def error_403(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def _audit_filter(request: HttpRequest):
    """The audit page's filters from the query string (kind, words, person, workstation, dates, sign-ins)."""
    from portal.audit_display import AuditFilterForm, filter_events

    form = AuditFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form, filter_events(form)


def _trail_count(filtered) -> int:
    """How many events the trail's filters select. Unfiltered (sign-ins folded or not), the count of every event is
    kept once per link of the chain (its head's number and hash move with every event appended), instead of counting
    the whole table on every visit (issue 21); a filtered count is taken from the rows each time."""
    from portal import aggregates
    from portal.audit import AuditChainHead

    if set(filtered.params) - {"sessions"}:
        return filtered.events.count()
    head = AuditChainHead.objects.values_list("seq", "hash").first() or (0, "")
    return aggregates.cached("audit-count", (*head, filtered.show_sessions), (), filtered.events.count)


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The supervisor (and city staff) read the trail in words and verify its hash chain (Art. 6(3) oversight;
    SPEC §5; issue 19 item 5): a page of events at a time, filtered, sign-ins folded."""
    from django.core.paginator import Paginator
    from django.utils.http import urlencode

    from portal.audit_display import describe, page_events
    from portal.checkpoints import read_checkpoints, verify_all
    from portal.paging import Counted, page_size
    from portal.permissions import require_role
    from portal.roles import Role

    require_role(request.user, Role.SUPERVISOR, Role.CITY_STAFF, Role.ADMIN)
    checkpoints = read_checkpoints()
    reports = verify_all(checkpoints) if request.GET.get("verify") else None
    broken = [problem for report in reports or [] for problem in report.problems]
    form, filtered = _audit_filter(request)
    page = Paginator(Counted(page_events(filtered.events), _trail_count(filtered)), page_size()).get_page(
        request.GET.get("page")
    )
    query = urlencode(filtered.params)
    context = {
        "form": form,
        "page": page,
        "rows": describe(page.object_list),
        "folded": filtered.folded,
        "show_sessions": filtered.show_sessions,
        "query": query,
        "sessions_query": urlencode({**filtered.params, "sessions": "on"}),
        "reports": {report.name: report for report in reports or []},
        "verified": reports is not None,
        "broken": broken,
        "checkpoints": checkpoints[-6:][::-1],
    }
    return render(request, "portal/audit_trail.html", context)


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered events as an Excel workbook, in the same words as the page; the export is itself audited."""
    from portal.audit_display import EXPORT_LIMIT, describe, filters_in_words, page_events, record_export
    from portal.excel import Sheet, new_workbook, workbook_response
    from portal.formatting import format_date
    from portal.http import client_ip
    from portal.permissions import require_role
    from portal.roles import Role

    require_role(request.user, Role.SUPERVISOR, Role.CITY_STAFF, Role.ADMIN)
    form, filtered = _audit_filter(request)
    wb = new_workbook()
    headers = [
        pgettext("audit export column", "No."),
        _("Time"),
        _("Person"),
        _("Organisation"),
        _("Login name"),
        _("Area"),
        _("Event"),
        _("Object"),
        _("Changes"),
        _("Outcome"),
        _("IP address"),
    ]
    sheet = Sheet(wb, _("Audit trail"), headers, caption=_("Audit trail"), subtitle=filters_in_words(form, filtered))
    events = page_events(filtered.events)[:EXPORT_LIMIT]
    count, chunk = 0, 500
    for start in range(0, EXPORT_LIMIT, chunk):
        batch = list(events[start : start + chunk])
        for row in describe(batch):
            local = timezone.localtime(row.event.at)
            sheet.row(
                [
                    row.event.seq,
                    f"{format_date(local)} {local:%H:%M:%S}",
                    row.person,
                    row.organisation,
                    row.login,
                    str(row.group_label),
                    str(row.kind.label),
                    row.object_label,
                    "\n".join(f"{c.label}：{c.old} → {c.new}" if c.old else f"{c.label}：{c.new}" for c in row.changes),
                    row.outcome,
                    row.event.ip or "",
                ]
            )
            count += 1
        if len(batch) < chunk:
            break
    if count == EXPORT_LIMIT and filtered.events.count() > EXPORT_LIMIT:
        note = _("Only the newest %(n)d events are in this file: narrow the filters for the others.")
        sheet.row([note % {"n": count}])
    sheet.fit()
    record_export(request.user, filtered, count, client_ip(request) or None)
    response = workbook_response(wb, f"{_('Audit trail')}-{timezone.localdate():%Y%m%d}.xlsx")
    response["Cache-Control"] = "no-store"
    return response


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked through ``authenticate``, so django-axes counts a wrong one as a failed login
    and locks the account after five (30 minutes), like the login page: the form is no password oracle."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class PasswordChange(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # The account is now locked: the session that guessed ends too; AxesMiddleware shows the lockout page.
            logout(self.request)
        return super().form_invalid(form)


@login_required
def audit_checkpoints_download(request: HttpRequest) -> HttpResponse:
    """The checkpoint file (JSON lines), for the supervisor to keep a copy off the server (issue 14 item 3)."""
    from portal.checkpoints import checkpoint_path
    from portal.permissions import require_role
    from portal.roles import Role

    require_role(request.user, Role.SUPERVISOR, Role.CITY_STAFF, Role.ADMIN)
    path = checkpoint_path()
    content = path.read_bytes() if path.exists() else b""
    response = HttpResponse(content, content_type="application/x-ndjson")
    response["Content-Disposition"] = 'attachment; filename="chain-checkpoints.jsonl"'
    response["Cache-Control"] = "no-store"
    return response
