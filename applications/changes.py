"""What changed between two submitted versions of an application (the recommender and the city read it after a
resubmission)."""

from django.utils.translation import gettext as _

from applications.declared import TEXT_FIELDS
from applications.models import Application


def _flat(data: dict) -> dict[str, str]:
    """Label → value of everything declared, for comparing two versions."""
    out: dict[str, str] = {}
    for name in TEXT_FIELDS:
        try:
            label = str(Application._meta.get_field(name).verbose_name)
        except Exception:  # pragma: no cover - every TEXT_FIELD is a model field
            label = name
        out[label] = str(data.get(name, ""))
    out[_("Contact phone")] = data.get("masked_contact_phone", "")
    out[_("Site area")] = data.get("site_area", "")
    out[_("Recommender")] = data.get("recommender", "")
    out[_("Recognised by (county)")] = data.get("county_recognition_county", "")
    out[_("Recognised on")] = data.get("county_recognition_date", "")
    for p in data.get("people", []):
        role = _("Lead mentor") if p.get("is_lead") else _("Mentor")
        out[f"{role} {p['name']}"] = _("%(years)s years; %(cert)s; %(comm)s; %(ach)s") % {
            "years": p.get("years_of_service"),
            "cert": p.get("certificates") or "—",
            "comm": p.get("commendations") or "—",
            "ach": p.get("achievements") or "—",
        }
    out[_("Staff")] = "、".join(f"{s['name']}（{s['position']}）" for s in data.get("staff", []))
    for m in data.get("materials", []):
        out[_("Material %(title)s") % {"title": m["title"]}] = f"{m['original_name']} · {m['sha256'][:12]}"
    return out


def snapshot_diff(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """What changed between two submitted versions: (what, before, after); "" where absent."""
    a, b = _flat(old), _flat(new)
    rows = []
    for key in list(a) + [k for k in b if k not in a]:
        if a.get(key, "") != b.get(key, ""):
            rows.append((key, a.get(key, ""), b.get(key, "")))
    return rows
