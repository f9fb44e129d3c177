"""One page of events in the reader's words: the people by name, the objects by name (one query per kind of object
on the page, never one per row), the changes with their fields' labels, secrets hidden."""

import contextlib
import json
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditEvent
from portal.audit_display.kinds import GROUPS, MODEL_NAMES, WORKSTATION, Kind, kind_of


def _paths_to_workstation(model) -> list[str]:
    """The lookups from ``model`` to its workstation: direct, or through one related object (depth ≤ 2)."""
    if model._meta.label_lower == WORKSTATION:
        return ["pk"]
    paths = []
    for f in model._meta.fields:
        if not (f.many_to_one or f.one_to_one) or f.related_model is None:
            continue
        if f.related_model._meta.label_lower == WORKSTATION:
            paths.append(f"{f.name}")
    if paths:
        return paths[:1]
    for f in model._meta.fields:
        if not (f.many_to_one or f.one_to_one) or f.related_model is None or f.related_model is model:
            continue
        for g in f.related_model._meta.fields:
            linked = (g.many_to_one or g.one_to_one) and g.related_model is not None
            if linked and g.related_model._meta.label_lower == WORKSTATION:
                return [f"{f.name}__{g.name}"]
    return []


def _model(label: str):
    if not label or "." not in label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Row:
    event: AuditEvent
    kind: Kind
    person: str
    organisation: str
    login: str
    object_label: str
    changes: list[Change]
    outcome: str
    failed: bool

    @property
    def group_label(self) -> str:
        return GROUPS[self.kind.group].label if self.kind.group in GROUPS else ""

    @property
    def who(self) -> str:
        return f"{self.person}（{self.organisation}）" if self.organisation else self.person


# Words for the keys services put into ``before``/``after`` that are not fields of the object's model.
KEY_LABELS = {
    "reason": _("reason"),
    "note": _("note"),
    "ground": _("exit ground"),
    "kind": _("kind"),
    "files": _("files added"),
    "checked": _("original checked"),
    "on": _("date"),
    "outstanding": _("outstanding balance"),
    "left": _("recovery codes left"),
    "user": _("user"),
    "devices_removed": _("authenticators removed"),
    "username": _("login name tried"),
    "unknown_username": _("login name tried"),
    "length": _("characters typed"),
    "application": _("application"),
    "version": _("version"),
    "call": _("call"),
    "lead": _("lead mentor"),
    "first_day": _("publicity from"),
    "last_day": _("publicity to"),
    "channel": _("payment channel"),
    "document": _("document number"),
    "paid_on": _("paid on"),
    "term": _("term"),
    "ends_on": _("ends on"),
    "to": _("handed over to"),
    "year": _("year"),
    "score": _("score"),
    "opinion": _("opinion"),
    "statement_reply": _("reply to the statement"),
    "excellent_cap_percent": _("share of 'excellent' (%)"),
    "award_bands": _("award bands"),
    "rows": _("rows"),
    "filters": _("filters"),
}
# Never shown, whatever a future service puts there (ID numbers and secrets stay masked, SPEC §5).
SECRET_KEYS = ("password", "secret", "token", "id_number", "otp", "key")


def _value(value, field_obj) -> str:
    if value is None or value == "":
        return "—"
    if field_obj is not None and getattr(field_obj, "choices", None):
        for choice, label in field_obj.flatchoices:
            if str(choice) == str(value):
                return str(label)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _field(model, key):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _changes(event: AuditEvent, model) -> list[Change]:
    if event.action.startswith("http."):
        return []
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    changes = []
    for key in dict.fromkeys([*before, *after]):
        field_obj = _field(model, key)
        if field_obj is not None and getattr(field_obj, "verbose_name", None):
            label = str(field_obj.verbose_name)
        else:
            label = str(KEY_LABELS.get(key, key))
        if any(secret in key.lower() for secret in SECRET_KEYS) and key != "unknown_username":
            old = new = gettext("(hidden)")
        elif key == "unknown_username":
            # The keyed tag stays: the same text typed again gives the same tag, so guesses can be correlated.
            old, new = "", gettext("an unknown name (hidden), tag %(tag)s") % {"tag": after.get(key, "")}
        else:
            old = _value(before[key], field_obj) if key in before else ""
            new = _value(after[key], field_obj) if key in after else ""
        changes.append(Change(label, old, new))
    return changes


def _outcome(event: AuditEvent) -> tuple[str, bool]:
    outcome = event.outcome or ""
    if outcome == "ok":
        return gettext("Done"), False
    if outcome == "failed":
        return pgettext("audit outcome", "Failed"), True
    if outcome.isdigit():
        code = int(outcome)
        if code < 400:
            return gettext("Done"), False
        if code in (401, 403):
            return gettext("Refused (%(code)s)") % {"code": code}, True
        if code == 404:
            return gettext("Not found (%(code)s)") % {"code": code}, True
        if code < 500:
            return gettext("Not accepted (%(code)s)") % {"code": code}, True
        return gettext("Error (%(code)s)") % {"code": code}, True
    return outcome, False


def _object_ref(event: AuditEvent, kind: Kind) -> tuple[str, str]:
    """(model label, object id) of the event's object, from the record or from the page action's URL."""
    if event.object_type:
        return event.object_type, event.object_id
    if kind.model and isinstance(event.after, dict):
        value = (event.after.get("args") or {}).get(kind.arg)
        if value not in (None, ""):
            return kind.model, str(value)
    return "", ""


def _name_of(obj, paths: list[str]) -> str:
    parts = []
    if obj._meta.label_lower == WORKSTATION:
        return str(obj)
    if paths:
        target = obj
        for step in paths[0].split("__"):
            target = getattr(target, step, None)
            if target is None:
                break
        if target is not None:
            parts.append(str(target))
    if obj._meta.label_lower == "portal.user":
        return obj.full_name or obj.username
    for attr in ("title", "name", "number"):
        value = getattr(obj, attr, "") if attr in {f.name for f in obj._meta.fields} else ""
        if value:
            parts.append(str(value))
            break
    return " · ".join(parts)


def _resolve(refs: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """The human names of the objects: one query per kind of object, with its way to the workstation joined."""
    names = {}
    for label, ids in refs.items():
        model = _model(label)
        if model is None:
            continue
        pks = []
        for value in ids:
            with contextlib.suppress(ValidationError):  # an id that is no valid key of the model names nothing
                pks.append(model._meta.pk.to_python(value))
        paths = _paths_to_workstation(model)
        queryset = model._default_manager.all()
        related = [p for p in paths if p != "pk"]
        if related:
            queryset = queryset.select_related(*related)
        for pk, obj in queryset.in_bulk(pks).items():
            name = _name_of(obj, paths)
            names[(label, str(pk))] = name
    return names


def describe(events) -> list[Row]:
    """A page of events as rows in the reader's language. Queries: the events (with their actors and organisations
    joined), then one per kind of object named on the page."""
    events = list(events)
    kinds_of = [kind_of(e) for e in events]
    refs: dict[str, set[str]] = defaultdict(set)
    for event, kind in zip(events, kinds_of, strict=True):
        label, object_id = _object_ref(event, kind)
        if label and object_id:
            refs[label].add(object_id)
    names = _resolve(refs)
    rows = []
    for event, kind in zip(events, kinds_of, strict=True):
        label, object_id = _object_ref(event, kind)
        model = _model(label)
        object_label = ""
        if model is not None and object_id:
            name = names.get((label, object_id))
            verbose = str(MODEL_NAMES.get(label, model._meta.verbose_name))
            if name is None:
                object_label = gettext("%(model)s #%(id)s (no longer exists)") % {"model": verbose, "id": object_id}
            else:
                object_label = f"{verbose}：{name}" if name else f"{verbose} #{object_id}"
        actor = event.actor
        if actor is not None:
            person = actor.full_name or actor.username
            org = actor.organisation.display_short if actor.organisation_id else ""
            login = actor.username
        elif event.action == "auth.login_failed":
            person, org, login = gettext("Not signed in"), "", ""
        else:
            person, org, login = (event.actor_name or gettext("The system")), "", ""
        outcome, failed = _outcome(event)
        rows.append(
            Row(
                event=event,
                kind=kind,
                person=person,
                organisation=org,
                login=login,
                object_label=object_label,
                changes=_changes(event, model),
                outcome=outcome,
                failed=failed,
            )
        )
    return rows


def page_events(queryset):
    return queryset.select_related("actor__organisation")
