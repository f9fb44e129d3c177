"""The export of the audit page: its limit, its filters in words, and the export's own event in the trail."""

from django.utils.translation import gettext

from portal.audit_display.filters import AuditFilterForm, Filtered
from portal.models import User

EXPORT_LIMIT = 10_000


def filters_in_words(form: AuditFilterForm, filtered: Filtered) -> str:
    """The filters of an export, as the reader chose them ("Kind of event: Voting opened; From: 2026-11-01")."""
    parts = []
    for name, value in filtered.params.items():
        bound = form.fields[name]
        if name == "sessions":
            parts.append(str(bound.label))
            continue
        shown = str(value)
        choices = getattr(bound, "choices", None)
        if choices:
            flat = []
            for key, label in choices:
                flat += label if isinstance(label, list | tuple) else [(key, label)]
            shown = next((str(label) for key, label in flat if str(key) == str(value)), shown)
        parts.append(f"{bound.label}：{shown}")
    if not filtered.show_sessions:
        parts.append(gettext("sign-ins and sign-outs left out"))
    return "；".join(parts) if parts else gettext("All events")


def record_export(actor: User, filtered: Filtered, rows: int, ip: str | None) -> None:
    """The export is itself an event of the trail: who took which events out, and how many."""
    from portal.audit import audit_record

    audit_record(actor=actor, action="audit.export", after={"rows": rows, "filters": filtered.params}, ip=ip)
