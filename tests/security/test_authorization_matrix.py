"""Issue 10, item 1: the authorization matrix.

Every URL pattern of the project is enumerated from the resolver, reversed with real objects of organisation A from the
seeded world, and requested as every role of SPEC §2. ``MATRIX`` declares who may see each URL; a URL name missing from
it fails the test, so a new view cannot skip the matrix.

- Allowed means 200, a redirect that is not to the login page, or 405 for a GET on a POST-only view.
- Refused means 403, 404 or a redirect to the login page, and a refused POST changes nothing.
- "A" is the organisation owning the object in the URL (host unit, its county bureau as recommender, the panel the
  expert sits on, the audit the firm is assigned to); "B" is another one of the same kind, so every role of another
  organisation is checked against A's objects.
- POST-only views (a GET answers 405) are also POSTed with an empty body as every role.

Excluded: ``admin/`` (Django's own admin checks ``is_staff`` itself and is not part of the portal's role model) and
static files (served by WhiteNoise outside the URLconf).
"""

import copy
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from tests.security.world import (
    ADMIN,
    ANON,
    AUDITOR_IN,
    AUDITOR_OUT,
    EXPERT_IN,
    EXPERT_OUT,
    HOST_A,
    HOST_B,
    REC_A,
    REC_B,
    ROLES,
    STAFF,
    SUPERVISOR,
    seeded_world,
)

EXCLUDED_PREFIXES = ("admin:",)

EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {ANON}
# The query string of a URL, from the world's ids.
QUERY = "?"
# Allowed, and the answer is a redirect to the login page by design.
ALLOWED_TO_LOGIN = {"logout"}
# The one view without CSRF protection, by decision (docs/decisions.md, issue 9): the language switch of the cached
# public pages sets nothing but the visitor's language cookie (and refuses off-site redirects), so that a cache hit
# can be the stored bytes with no per-visitor token. A forged request can change a visitor's display language.
CSRF_EXEMPT = {"publicity_public:language"}


def _(*roles):
    return frozenset(roles)


# url name -> (kwargs from the world's ids, roles allowed, owner host unit key in ids or None for host1)
MATRIX: dict[str, tuple] = {
    # portal
    "home": ({}, EVERYONE),
    "login": ({}, EVERYONE),
    "logout": ({}, EVERYONE),
    "password_change": ({}, LOGGED_IN),
    "password_change_done": ({}, LOGGED_IN),
    "otp_setup": ({}, LOGGED_IN),
    "otp_verify": ({}, LOGGED_IN),
    "otp_manage": ({}, LOGGED_IN),
    "otp_recovery_codes": ({}, LOGGED_IN),
    "otp_recovery_regenerate": ({}, LOGGED_IN),
    "otp_remove": ({}, LOGGED_IN),
    "otp_reset": ({"pk": "host_user"}, _(ADMIN)),
    "audit_trail": ({}, _(STAFF, SUPERVISOR, ADMIN)),
    "audit_checkpoints": ({}, _(STAFF, SUPERVISOR, ADMIN)),
    "audit_export": ({}, _(STAFF, SUPERVISOR, ADMIN)),
    "inbox": ({}, LOGGED_IN),
    "notification_open": ({"pk": "notification"}, _(HOST_A)),
    "inbox_mark_all_read": ({}, LOGGED_IN),
    "set_language": ({}, EVERYONE),
    "publicity_public:language": ({}, EVERYONE),
    # working-day calendar
    "workdays:years": ({}, _(STAFF)),
    "workdays:year": ({"year": 2026}, _(STAFF)),
    # the measures' numbers (issue 18 part 6): city versions and county rules (Art. 12)
    "measures:versions": ({}, _(STAFF, SUPERVISOR)),
    "measures:version_new": ({}, _(STAFF)),
    "measures:version": ({"number": 1}, _(STAFF, SUPERVISOR)),
    "measures:county_rules": ({}, _(REC_A, REC_B, STAFF, SUPERVISOR)),
    "measures:county_rule_new": ({}, _(REC_A, REC_B)),
    "measures:county_rule": ({"pk": "county_rule"}, _(REC_A, STAFF, SUPERVISOR)),
    # workstations
    "workstations:list": ({}, LOGGED_IN),
    "workstations:detail": ({"pk": "ws"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "workstations:board": ({}, _(STAFF, SUPERVISOR, ADMIN)),
    "workstations:outcomes": ({"pk": "ws"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "workstations:plan_new": ({"pk": "ws"}, _(HOST_A)),
    "workstations:report_new": ({"pk": "ws"}, _(HOST_A)),
    "workstations:major_event_new": ({"pk": "ws"}, _(HOST_A)),
    "workstations:report_list": ({}, _(HOST_A, HOST_B, REC_A, REC_B, STAFF, SUPERVISOR, ADMIN)),
    "workstations:report": ({"pk": "report"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "workstations:report_accept": ({"pk": "report"}, _(STAFF)),
    "workstations:report_reject": ({"pk": "report"}, _(STAFF)),
    "workstations:report_add_evidence": ({"pk": "report"}, _(HOST_A)),
    "workstations:report_evidence": (
        {"pk": "report", "evidence_pk": "report_evidence"},
        _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN),
    ),
    "workstations:major_event_list": ({}, _(HOST_A, HOST_B, REC_A, REC_B, STAFF, SUPERVISOR, ADMIN)),
    "workstations:major_event": ({"pk": "major_event"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "workstations:major_event_evidence": ({"pk": "major_event"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "workstations:evaluation_list": ({}, _(STAFF, SUPERVISOR, ADMIN)),
    "workstations:evaluation_new": ({}, _(STAFF)),
    "workstations:evaluation": ({"pk": "evaluation"}, _(STAFF, SUPERVISOR, ADMIN)),
    "workstations:evaluation_export": ({"pk": "evaluation"}, _(STAFF, SUPERVISOR, ADMIN)),
    "workstations:evaluation_close": ({"pk": "evaluation"}, _(STAFF)),
    "workstations:result_score": ({"pk": "evaluation_result"}, _(STAFF)),
    "workstations:rectification_list": ({}, _(STAFF, SUPERVISOR, ADMIN)),
    "workstations:rectification": (
        {"pk": "rectification"},
        _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN),
        "rectification_host",
    ),
    "workstations:rectification_file": (
        {"pk": "rectification"},
        _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN),
        "rectification_host",
    ),
    "workstations:terms": ({}, _(STAFF, SUPERVISOR, ADMIN)),
    # Issue 18: self-evaluation (the host unit, before scoring), achievement evidence, the round's cap and bands.
    "workstations:self_evaluation": ({"pk": "evaluation_result"}, _(HOST_A)),
    "workstations:achievement_evidence": ({"pk": "achievement"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "workstations:round_policy": ({"pk": "evaluation"}, _(STAFF)),
    # Issue 18: Art. 4 service records (read like the outcomes page, filed by the host unit).
    "workstations:services": ({"pk": "ws"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "workstations:service_new": ({"pk": "ws"}, _(HOST_A)),
    # Issue 18: the county bureau's read view and annual opinion (its own county's workstations only).
    "workstations:county": ({}, _(REC_A, REC_B)),
    "workstations:county_opinion": ({"pk": "ws"}, _(REC_A)),
    "workstations:term_renew": ({"pk": "ws"}, _(STAFF)),
    "workstations:exit_list": ({}, _(STAFF, SUPERVISOR)),
    "workstations:exit_detail": ({"pk": "exit_open"}, _(HOST_A, STAFF, SUPERVISOR, ADMIN)),
    "workstations:exit_statement": ({"pk": "exit_open"}, _(HOST_A)),
    "workstations:exit_confirm": ({"pk": "exit_open"}, _(STAFF)),
    "workstations:exit_preview": ({"pk": "exit_open", QUERY: {"seq": 99, "issued_on": "2026-12-01"}}, _(STAFF)),
    "workstations:exit_reject": ({"pk": "exit_open"}, _(STAFF)),
    "workstations:exit_document": ({"pk": "exit_done"}, _(HOST_A, STAFF, SUPERVISOR, ADMIN), "exit_done_host"),
    "workstations:exit_evidence": (
        {"pk": "exit_open", "file_pk": "exit_file"},
        _(HOST_A, STAFF, SUPERVISOR, ADMIN),
    ),
    "workstations:exit_request": ({"pk": "ws"}, _(HOST_A)),
    "workstations:exit_propose": ({"pk": "ws"}, _(STAFF)),
    # applications
    "applications:list": ({}, LOGGED_IN),
    "applications:call_list": ({}, LOGGED_IN),
    "applications:call_create": ({}, _(STAFF)),
    "applications:call_detail": ({"pk": "call"}, LOGGED_IN),
    "applications:call_edit": ({"pk": "call"}, _(STAFF)),
    "applications:call_close": ({"pk": "call"}, _(STAFF)),
    "applications:call_candidates": ({"pk": "call"}, _(STAFF, SUPERVISOR)),
    "applications:recommender_desk": ({"pk": "call"}, _(REC_A, REC_B)),
    "applications:recommendation_sheet": (
        {"pk": "call", QUERY: {"recommender": "recommender_org"}},
        _(REC_A, REC_B, STAFF),
    ),
    "applications:start": ({"call_pk": "call"}, _(HOST_A, HOST_B)),
    "applications:mentor_list": ({}, _(HOST_A, HOST_B)),
    "applications:mentor_create": ({}, _(HOST_A, HOST_B)),
    "applications:mentor_edit": ({"pk": "mentor"}, _(HOST_A)),
    "applications:detail": ({"pk": "app"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "applications:step": ({"pk": "app", "step": "unit"}, _(HOST_A)),
    "applications:submit": ({"pk": "app"}, _(HOST_A)),
    "applications:decide": ({"pk": "app"}, _(REC_A)),
    "applications:move": ({"pk": "app"}, _(REC_A)),
    "applications:pdf": ({"pk": "app"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "applications:materials": ({"pk": "app"}, _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN)),
    "applications:material_download": (
        {"pk": "app", "material_pk": "material"},
        _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN),
    ),
    "applications:material_version": (
        {"pk": "app", "material_pk": "material", "version_pk": "material_version"},
        _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN),
    ),
    "applications:withdraw": ({"pk": "app"}, _(HOST_A)),
    "applications:snapshot_file": (
        {"pk": "app", "version": 1, "file_pk": "snapshot_file"},
        _(HOST_A, REC_A, STAFF, SUPERVISOR, ADMIN),
    ),
    "applications:recommendation_letter": ({"pk": "app"}, _(REC_A, STAFF, SUPERVISOR)),
    "applications:qualification": ({"pk": "app"}, _(STAFF)),
    "applications:site_visit_add": ({"pk": "app"}, _(STAFF)),
    "applications:site_visit_photo": (
        {"pk": "app", "photo_pk": "site_visit_photo"},
        _(HOST_A, STAFF, SUPERVISOR, ADMIN),
    ),
    "applications:material_original": ({"pk": "app", "material_pk": "material"}, _(REC_A)),
    "applications:material_replace": ({"pk": "app", "material_pk": "material"}, _(HOST_A)),
    "applications:material_remove": ({"pk": "app", "material_pk": "material"}, _(HOST_A)),
    # review
    "review:round_list": ({}, _(STAFF, EXPERT_IN, EXPERT_OUT, SUPERVISOR)),
    "review:round_create": ({}, _(STAFF)),
    "review:round_detail": ({"pk": "round_open"}, _(STAFF, EXPERT_IN, SUPERVISOR)),
    "review:round_rule": ({"pk": "round_open"}, _(STAFF)),
    "review:round_candidates": ({"pk": "round_open"}, _(STAFF)),
    "review:recusal_record": ({"pk": "round_open"}, _(STAFF)),
    "review:round_open": ({"pk": "round_open"}, _(STAFF)),
    "review:round_close": ({"pk": "round_open"}, _(STAFF)),
    "review:key_share": ({"pk": "round_open"}, _(STAFF, SUPERVISOR)),
    "review:round_delete": ({"pk": "round_draft"}, _(STAFF)),
    "review:round_oversight": ({"pk": "round_open"}, _(STAFF, SUPERVISOR)),
    "review:round_recount": ({"pk": "round_closed"}, _(STAFF, SUPERVISOR)),
    "review:receipt_check": ({"pk": "round_open"}, _(EXPERT_IN)),
    "review:round_results": ({"pk": "round_closed"}, _(STAFF, EXPERT_IN, SUPERVISOR)),
    "review:round_results_xlsx": ({"pk": "round_closed"}, _(STAFF, SUPERVISOR)),
    "review:round_results_pdf": ({"pk": "round_closed"}, _(STAFF, SUPERVISOR)),
    "review:candidate_detail": ({"pk": "round_open", "cid": "candidate"}, _(STAFF, EXPERT_IN, SUPERVISOR)),
    "review:recusal_declare": ({"pk": "round_open", "cid": "candidate"}, _(EXPERT_IN)),
    "review:ballot_confirm": ({"pk": "round_open", "cid": "candidate"}, _(EXPERT_IN)),
    "review:ballot_cast": ({"pk": "round_open", "cid": "candidate"}, _(EXPERT_IN)),
    "review:candidate_requeue": ({"pk": "round_open", "cid": "candidate"}, _(STAFF)),
    "review:panel_list": ({}, _(STAFF, SUPERVISOR)),
    "review:panel_create": ({}, _(STAFF)),
    "review:panel_edit": ({"pk": "panel"}, _(STAFF)),
    "review:expert_list": ({}, _(STAFF, SUPERVISOR)),
    "review:expert_profile_edit": ({"user_pk": "expert_user"}, _(STAFF)),
    # publicity (staff)
    "publicity:index": ({}, _(STAFF)),
    "publicity:publish": ({}, _(STAFF)),
    "publicity:close_now": ({}, _(STAFF)),
    "publicity:list_detail": ({"pk": "publicity_list"}, _(STAFF)),
    "publicity:list_withdraw": ({"pk": "publicity_list"}, _(STAFF)),
    "publicity:objection_detail": ({"pk": "objection"}, _(STAFF)),
    "publicity:objection_reveal_phone": ({"pk": "objection"}, _(STAFF)),
    "publicity:objection_investigate": ({"pk": "objection"}, _(STAFF)),
    "publicity:objection_decide": ({"pk": "objection"}, _(STAFF)),
    "publicity:evidence_download": ({"pk": "objection", "evidence_pk": "objection_evidence"}, _(STAFF)),
    "publicity:confirmations": ({}, _(STAFF)),
    "publicity:confirmation_preview": ({}, _(STAFF)),
    "plaques:index": ({}, _(STAFF)),
    "plaques:issue": ({"workstation_pk": "ws_certified"}, _(STAFF)),
    "plaques:hand_over": ({"pk": "plaque"}, _(STAFF)),
    "plaques:hand_over_correct": ({"pk": "plaque"}, _(STAFF)),
    "plaques:pdf": ({"pk": "plaque"}, _(HOST_A, STAFF)),
    # public pages (no login)
    "publicity_public:lists": ({}, EVERYONE),
    "publicity_public:list_detail": ({"pk": "publicity_list"}, EVERYONE),
    "publicity_public:list_print": ({"pk": "publicity_list"}, EVERYONE),
    "publicity_public:list_pdf": ({"pk": "publicity_list"}, EVERYONE),
    "publicity_public:objection_new": ({"pk": "publicity_list"}, EVERYONE),
    "publicity_public:objection_track": ({}, EVERYONE),
    # The receipt reads the objector's own session: without having filed from that browser it is a 404 for anyone.
    "publicity_public:objection_received": ({"pk": "publicity_list"}, _()),
    "publicity_public:directory": ({}, EVERYONE),
    "publicity_public:documents": ({}, EVERYONE),
    "publicity_public:document_pdf": ({"pk": "document"}, EVERYONE),
    "publicity_public:verify_index": ({}, EVERYONE),
    "publicity_public:verify": ({"code": "verify_code"}, EVERYONE),
    # subsidies
    "subsidies:ledgers": ({}, _(HOST_A, HOST_B, REC_A, REC_B, STAFF, AUDITOR_IN, AUDITOR_OUT, ADMIN)),
    "subsidies:overview": ({}, _(STAFF, ADMIN)),
    "subsidies:overview_export": ({}, _(STAFF, ADMIN)),
    "subsidies:ledger": ({"pk": "ws"}, _(HOST_A, REC_A, STAFF, AUDITOR_IN, ADMIN)),
    "subsidies:ledger_export": ({"pk": "ws"}, _(HOST_A, REC_A, STAFF, AUDITOR_IN, ADMIN)),
    "subsidies:record": ({"pk": "ws", "kind": "expenditure"}, _(HOST_A)),
    "subsidies:award_from_result": ({"pk": "evaluation_result"}, _(STAFF)),
    "subsidies:reverse": ({"pk": "entry"}, _(HOST_A)),  # an expenditure: only its host unit records or reverses it
    "subsidies:review": ({"pk": "entry"}, _(STAFF)),
    # Issue 18: the money trail (the city grant is paid and published by the city; a ledger is closed by the city).
    "subsidies:disbursement": ({"pk": "grant_entry"}, _(STAFF)),
    "subsidies:grant_publicity": ({"pk": "grant_entry"}, _(STAFF)),
    "subsidies:ledger_close": ({"pk": "ws"}, _(STAFF)),
    "subsidies_public:grants": ({}, EVERYONE),
    "subsidies:receipt": ({"pk": "receipt"}, _(HOST_A, REC_A, STAFF, AUDITOR_IN, ADMIN)),
    "subsidies:audits": ({}, _(STAFF, AUDITOR_IN, AUDITOR_OUT, ADMIN)),
    "subsidies:audit_draw": ({}, _(STAFF)),
    "subsidies:audit_assign": ({}, _(STAFF)),
    "subsidies:audit": ({"pk": "audit"}, _(STAFF, AUDITOR_IN, ADMIN)),
    "subsidies:audit_export": ({"pk": "audit"}, _(STAFF, AUDITOR_IN, ADMIN)),
    "subsidies:assignment": ({"pk": "assignment"}, _(STAFF, AUDITOR_IN, ADMIN)),
}


def walk(patterns, namespace=None, prefix=""):
    """Yield (view name, route) for every pattern, descending into includes."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            child_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry.url_patterns, child_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern)


def project_url_names() -> dict[str, str]:
    names = {}
    for name, route in walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue
        names[name] = route
    return names


# --- the seeded world and the users standing in for each role ------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_world(django_db_blocker, tmp_path_factory) as built:
        from workstations.models.exits import ExitCase

        built.ids["exit_done_host"] = ExitCase.objects.get(pk=built.ids["exit_done"]).workstation.host_unit_id
        built.ids["expert_user"] = built.users["expert1"].pk
        built.ids["recommender_org"] = built.users["xinhua"].organisation_id
        from portal.documents.models import OfficialDocument

        built.ids["verify_code"] = OfficialDocument.objects.get(pk=built.ids["document"]).verification.code
        for username, user in built.users.items():
            client = Client()
            client.force_login(user)
            built.clients[username] = client
        built.clients[None] = Client()
        yield built


@pytest.fixture(autouse=True)
def _world_storage(request, settings):
    """Downloads read the files the world stored, not the per-test directory of tests/conftest.py."""
    if "world" not in request.fixturenames:
        return
    world = request.getfixturevalue("world")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": world.ids["storage"] + "/media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": world.ids["storage"]},
        },
    }


def role_users(world, owner_host_id: int | None) -> dict[str, str | None]:
    """Usernames standing in for each role, relative to the host unit that owns the object (host1 by default)."""
    users = world.users
    owner = next(u for u in users.values() if u.organisation_id == owner_host_id) if owner_host_id else users["host1"]
    county_id = owner.organisation.county_id
    other_host = next(
        u.username
        for u in users.values()
        if u.role == "host_unit" and u.organisation.county_id not in (None, county_id)
    )
    clerk = next(u.username for u in users.values() if u.role == "recommender" and u.organisation_id == county_id)
    other_clerk = next(
        u.username
        for u in users.values()
        if u.role == "recommender" and u.organisation.kind == "county_bureau" and u.organisation_id != county_id
    )
    return {
        ANON: None,
        HOST_A: owner.username,
        HOST_B: other_host,
        REC_A: clerk,
        REC_B: other_clerk,
        STAFF: "staff",
        EXPERT_IN: "expert1",
        EXPERT_OUT: "expert_out",
        SUPERVISOR: "jijian",
        AUDITOR_IN: "auditor",
        AUDITOR_OUT: "auditor_out",
        ADMIN: "admin",
    }


def build_url(world, url_name: str, spec: dict) -> str:
    def value(v):
        return world.ids[v] if isinstance(v, str) and v in world.ids else v

    url = reverse(url_name, kwargs={key: value(v) for key, v in spec.items() if key != QUERY})
    if QUERY in spec:
        url += "?" + urlencode({key: value(v) for key, v in spec[QUERY].items()})
    return url


def snapshot() -> dict:
    """Row counts of every table the portal writes (the audit trail aside: it records refused actions too) and the
    workstation states."""
    from workstations.models import Workstation

    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"portal", "applications", "review", "workstations", "subsidies"}
        and model._meta.label not in {"portal.AuditEvent", "portal.AuditChainHead"}
    }
    counts["states"] = tuple(Workstation.objects.order_by("pk").values_list("pk", "state"))
    from portal.models import Notification

    counts["unread"] = Notification.objects.filter(read_at__isnull=True).count()
    return counts


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


def outcome(response, url_name: str = "") -> str:
    if url_name in ALLOWED_TO_LOGIN and is_login_redirect(response):
        return "allowed"
    if response.status_code in (403, 404) or is_login_redirect(response):
        return "refused"
    if response.status_code >= 500:
        return "error"
    return "allowed"


def request_as(world, username, method: str, url: str):
    """One request in a savepoint that is rolled back, with the client's cookies restored afterwards."""
    client = world.client(username)
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


@pytest.fixture(autouse=True)
def _no_weasyprint(monkeypatch):
    """The templates still render; the PDF engine (a second per page) is replaced: this test is about who may see."""

    class FakeHTML:
        def __init__(self, *args, **kwargs):
            pass

        def write_pdf(self, *args, **kwargs):
            return b"%PDF-1.4\n%matrix\n"

    monkeypatch.setattr("portal.pdf.HTML", FakeHTML)


def test_every_url_is_in_the_matrix():
    names = project_url_names()
    missing = sorted(set(names) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(names))
    assert not missing, f"URL names missing from the authorization matrix: {missing}"
    assert not stale, f"matrix rows for URL names that no longer exist: {stale}"
    assert all(name for name in names), "every URL pattern needs a name"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_matrix(world, url_name):
    spec, allowed, *owner_key = MATRIX[url_name]
    owner_host_id = world.ids[owner_key[0]] if owner_key else None
    url = build_url(world, url_name, spec)
    users = role_users(world, owner_host_id)
    problems = []
    post_only = False
    for role in ROLES:
        response = request_as(world, users[role], "get", url)
        got = outcome(response, url_name)
        expected = "allowed" if role in allowed else "refused"
        if response.status_code == 405:
            # A GET on a POST-only view shows nothing; the POST round below decides.
            post_only = True
        elif got != expected:
            problems.append(f"GET as {role} ({users[role]}): {response.status_code} {response.get('Location', '')}")
        if "Content-Security-Policy" not in response or "unsafe-inline" in response["Content-Security-Policy"]:
            problems.append(f"GET as {role}: no strict Content-Security-Policy header")
        if response.get("X-Content-Type-Options") != "nosniff" or response.get("X-Frame-Options") != "DENY":
            problems.append(f"GET as {role}: security headers missing")
    if post_only:
        for role in ROLES:
            expected = "allowed" if role in allowed else "refused"
            before = snapshot() if expected == "refused" else None
            client = world.client(users[role])
            cookies = copy.deepcopy(client.cookies)
            with transaction.atomic():
                response = client.post(url)
                changed = before is not None and snapshot() != before
                transaction.set_rollback(True)
            client.cookies = cookies
            got = outcome(response, url_name)
            expected = "allowed" if role in allowed else "refused"
            if got != expected:
                problems.append(
                    f"POST as {role} ({users[role]}): {response.status_code} {response.get('Location', '')}"
                )
            if expected == "refused" and changed:
                problems.append(f"refused POST as {role} changed data")
    assert not problems, f"{url_name} ({url}):\n" + "\n".join(problems)


@pytest.mark.django_db
def test_every_post_needs_the_csrf_token(world):
    """A POST without the token is refused (403) at every URL, logged in or not: every form is CSRF-protected."""
    staff, anonymous = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    staff.force_login(world.users["staff"])
    host = Client(enforce_csrf_checks=True)
    host.force_login(world.users["host1"])
    problems = []
    for url_name, (spec, *_rest) in sorted(MATRIX.items()):
        if url_name in CSRF_EXEMPT:
            continue
        url = build_url(world, url_name, spec)
        for label, client in (("staff", staff), ("host1", host), ("anonymous", anonymous)):
            with transaction.atomic():
                response = client.post(url, {"reason": "x"})
                transaction.set_rollback(True)
            if response.status_code != 403:
                problems.append(f"{url_name} as {label}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_templates_have_no_inline_scripts_styles_or_unescaped_output():
    """Under the CSP (no 'unsafe-inline') inline code would not run anyway; keep it out, and never mark text safe."""
    root = Path(__file__).resolve().parents[2]
    patterns = {
        "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
        "event handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE),
        "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE),
        "|safe": re.compile(r"\|\s*safe\b"),
        "autoescape off": re.compile(r"autoescape\s+off"),
    }
    offenders = []
    sources = [root / d for d in ("portal", "applications", "review", "workstations", "subsidies")]
    for path in [*root.glob("templates/**/*.html"), *(p for d in sources for p in d.rglob("*.html"))]:
        text = path.read_text()
        offenders += [f"{path.relative_to(root)}: {what}" for what, rx in patterns.items() if rx.search(text)]
    for path in (p for d in sources for p in d.rglob("*.py")):
        if "mark_safe(" in path.read_text():
            offenders.append(f"{path.relative_to(root)}: mark_safe")
    assert not offenders, "\n".join(offenders)
