"""One face for what an application declares, live (a draft) or frozen (a submitted version).

Pages, the 申报表 PDF and the eligibility checklist read an application through the same few names: ``people``,
``staff_list``, ``material_items()``, ``lead_mentor``, ``team_mentors()``, ``staff_count`` and the text fields. A
draft answers from the database; a submitted application answers from its :class:`ApplicationSnapshot`, so a mentor
record edited after submission changes nothing that the recommender, the city or the experts see.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from applications.terms import (
    DECLARATION_FIELDS,
    DECLARATIONS,
    REPORT_SECTIONS,
    STATEMENTS,
    MaterialKind,
    MaterialLevel,
    claims,
    host_type_label,
)
from portal.models import Organisation

TEXT_FIELDS = [
    "host_type",
    "unit_profile",
    "address",
    "contact_person",
    "county_recognition_number",
    *[name for name, _label in STATEMENTS],
    *[name for name, _label in REPORT_SECTIONS],
    "site_address",
    "equipment",
]


@dataclass
class PersonItem:
    pk: int
    name: str
    is_lead: bool
    masked_id_number: str
    masked_phone: str
    position: str
    years_of_service: int
    certificates: str
    commendations: str
    achievements: str
    declarations: dict = field(default_factory=dict)
    history_id: int | None = None

    @property
    def certificate_claims(self) -> list[str]:
        return claims(self.certificates)

    @property
    def commendation_claims(self) -> list[str]:
        return claims(self.commendations)

    @property
    def missing_declarations(self) -> list[str]:
        return [str(label) for name, label in DECLARATIONS if not self.declarations.get(name)]


@dataclass
class MaterialItem:
    pk: int
    kind: str
    title: str
    level: str
    mentor_id: int | None
    mentor_name: str
    file_id: int
    original_name: str
    sha256: str
    download_url: str
    original_checked_at: object = None

    def get_kind_display(self) -> str:
        return str(MaterialKind(self.kind).label) if self.kind in MaterialKind.values else self.kind

    def get_level_display(self) -> str:
        return str(MaterialLevel(self.level).label) if self.level else ""


def person_from_mentor(mentor, *, is_lead: bool) -> PersonItem:
    history = mentor.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return PersonItem(
        pk=mentor.pk,
        name=mentor.name,
        is_lead=is_lead,
        masked_id_number=mentor.masked_id_number,
        masked_phone=mentor.masked_phone,
        position=mentor.position,
        years_of_service=mentor.years_of_service,
        certificates=mentor.certificates,
        commendations=mentor.commendations,
        achievements=mentor.achievements,
        declarations={name: bool(getattr(mentor, name)) for name in DECLARATION_FIELDS},
        history_id=history,
    )


def material_item(material) -> MaterialItem:
    return MaterialItem(
        pk=material.pk,
        kind=material.kind,
        title=material.title,
        level=material.level,
        mentor_id=material.mentor_id,
        mentor_name=material.mentor.name if material.mentor_id else "",
        file_id=material.file_id,
        original_name=material.file.original_name,
        sha256=material.file.sha256,
        download_url=reverse("applications:material_download", args=[material.application_id, material.pk]),
        original_checked_at=material.original_checked_at,
    )


def snapshot_data(application) -> dict:
    """Everything the host unit declares, as plain JSON (masked numbers only)."""
    data = {name: getattr(application, name) for name in TEXT_FIELDS}
    data.update(
        {
            "masked_contact_phone": application.masked_contact_phone,
            "site_area": str(application.site_area) if application.site_area is not None else "",
            "site_provided": application.site_provided,
            "county_recognition_county_id": application.county_recognition_county_id,
            "county_recognition_county": str(application.county_recognition_county or ""),
            "county_recognition_date": application.county_recognition_date.isoformat()
            if application.county_recognition_date
            else "",
            "recommender_id": application.recommender_id,
            "recommender": str(application.recommender or ""),
            "lead_mentor_id": application.lead_mentor_id,
            "people": [vars(p) for p in application.people],
            "staff": [{"name": s.name, "position": s.position} for s in application.staff.all()],
            "materials": [
                {k: v for k, v in vars(m).items() if k not in ("download_url", "original_checked_at")}
                for m in application.material_items()
            ],
        }
    )
    return data


class DeclaredApplication:
    """The read-only application as submitted in ``snapshot``; attribute names follow ``Application``."""

    is_declared_version = True

    def __init__(self, application, snapshot):
        self.live = application
        self.snapshot = snapshot
        self.version = snapshot.version
        data = snapshot.data
        self._data = data
        for name in TEXT_FIELDS:
            setattr(self, name, data.get(name, ""))
        self.masked_contact_phone = data.get("masked_contact_phone", "")
        self.site_area = data.get("site_area") or None
        self.site_provided = data.get("site_provided", False)
        self.county_recognition_county_id = data.get("county_recognition_county_id")
        self.county_recognition_county = data.get("county_recognition_county", "")
        self.county_recognition_date = data.get("county_recognition_date", "")
        self.recommender_id = data.get("recommender_id")
        self.recommender = data.get("recommender", "")
        self.lead_mentor_id = data.get("lead_mentor_id")
        self.people = [PersonItem(**p) for p in data.get("people", [])]
        self.staff_list = [type("Staff", (), s) for s in data.get("staff", [])]
        self.staff_count = len(self.staff_list)
        checked = dict(application.materials.values_list("pk", "original_checked_at"))
        self._materials = []
        for m in data.get("materials", []):
            url = reverse("applications:snapshot_file", args=[application.pk, snapshot.version, m["file_id"]])
            self._materials.append(MaterialItem(**m, download_url=url, original_checked_at=checked.get(m["pk"])))
        # The parts that are not the host unit's declaration stay live.
        self.pk = application.pk
        self.workstation = application.workstation
        self.call = application.call
        self.call_id = application.call_id
        self.rank = application.rank
        self.submitted_at = snapshot.submitted_at

    # Decisions made after submission are read from the live row; nothing the host unit declares is.
    LIVE = frozenset(
        {
            "recommendation_opinion",
            "recommendation_letter",
            "recommendation_letter_id",
            "recommended_at",
            "state",
            "is_editable",
            "snapshots",
            "site_visits",
            "latest_snapshot",
        }
    )

    def __getattr__(self, name):
        if name in DeclaredApplication.LIVE:
            return getattr(self.live, name)
        raise AttributeError(name)

    @property
    def host_unit(self) -> Organisation:
        return self.workstation.host_unit

    @property
    def shown(self):
        return self

    @property
    def lead_mentor(self):
        return next((p for p in self.people if p.is_lead), None)

    def team_mentors(self) -> list:
        return [p for p in self.people if not p.is_lead]

    def material_items(self) -> list[MaterialItem]:
        return self._materials

    def statements(self):
        return [(str(label), getattr(self, name)) for name, label in STATEMENTS]

    def report_sections(self):
        return [(str(label), getattr(self, name)) for name, label in REPORT_SECTIONS]

    def get_host_type_display(self) -> str:
        return host_type_label(self.host_type)

    def eligibility(self):
        from applications.eligibility import evaluate

        return evaluate(self)

    def measures_basis(self) -> str:
        from applications.eligibility import application_measures

        return application_measures(self).basis

    def mentor_overlaps(self):
        from applications.eligibility import mentor_overlaps

        return mentor_overlaps(self)
