"""Render the workstation state machine from the code into docs/state-machine.md (`document_lifecycle`)."""

from django.utils import translation

from workstations.models import State, Workstation

HEADER = """# The workstation lifecycle

Generated from `workstations/models/lifecycle.py` by `python manage.py document_lifecycle`; do not edit by hand (a
test fails when this page and the code disagree). Every transition runs through
`workstations.services.lifecycle.workstation_transition`: row lock, role and organisation check, conditions
(`workstations/rules/conditions.py`), then a `TransitionLog` row.

"""

ROLE_OF_PERMISSION = {
    "_own_host_unit": "host unit (own)",
    "_assigned_recommender": "recommender (assigned)",
    "_city_staff": "city staff",
    "_system_or_staff": "system job or city staff",
}


def _transitions():
    seen = []
    for t in Workstation._meta.get_field("state").get_all_transitions(Workstation):
        seen.append(t)
    return sorted(seen, key=lambda t: (list(State.values).index(t.source), t.name))


def render() -> str:
    with translation.override("zh-hans"):
        labels = {s.value: str(s.label) for s in State}
        lines = [HEADER, "```mermaid", "stateDiagram-v2"]
        lines.append("    [*] --> draft")
        for t in _transitions():
            lines.append(f"    {t.source} --> {t.target}: {t.name}")
        for terminal in ["not_recommended", "review_failed", "not_recognised", "deregistered", "revoked"]:
            lines.append(f"    {terminal} --> [*]")
        lines.append("```")
        lines.append("")
        lines.append("| transition | from | to | who | conditions | reason required | article |")
        lines.append("|---|---|---|---|---|---|---|")
        for t in _transitions():
            who = ROLE_OF_PERMISSION.get(getattr(t.permission, "__name__", ""), "—")
            conds = ", ".join(c.__name__ for c in t.conditions) or "—"
            custom = t.custom or {}
            lines.append(
                f"| `{t.name}` | {t.source} ({labels[t.source]}) | {t.target} ({labels[t.target]}) | {who} | "
                f"{conds} | {'yes' if custom.get('needs_reason') else 'no'} | Art. {custom.get('article', '')} |"
            )
        lines.append("")
    return "\n".join(lines)
