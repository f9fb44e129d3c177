"""The registries through which stage apps plug into ``portal`` and ``workstations`` by dotted path (issue 20: portal
imports no stage app), and the logging configuration; ``portal.settings`` imports every name."""

import os

# The verified chains: name → verifier (called with ``checkpoints=``); portal reaches stage apps by dotted path only.
PORTAL_HASH_CHAINS = {"audit": "portal.audit.verify_chain", "ledger": "subsidies.chain_verify.verify_ledger_chain"}

# Each stage app contributes "what waits for you" panels to the role-aware home page and a step of the demo world;
# portal reaches them by these dotted paths only, so that it imports none of the stage apps.
PORTAL_HOME_PANELS = [
    "workstations.dashboard.lifecycle.home_panels",
    "review.dashboard.home_panels",
    "review.publicity.dashboard.home_panels",
    "applications.dashboard.home_panels",
    "workstations.dashboard.outcomes.home_panels",
    "workstations.dashboard.exits.home_panels",
    "subsidies.dashboard.home_panels",
]
# What the stage apps add to the workstation pages, per place (workstations.sections lists the places and explains the
# two shapes of a section); workstations renders them without importing the stage app (issue 20).
WORKSTATIONS_PAGE_SECTIONS = {
    "detail": ["subsidies.sections.misuse_findings"],
    "exit_detail": ["subsidies.sections.exit_balances"],
    "exit_propose": ["subsidies.sections.misuse_findings"],
    "evaluation_rows": ["subsidies.sections.evaluation_awards"],
}
# Issue 19 item 4: the deadline reminders of each stage app, run in this order by portal.deadlines' daily job.
PORTAL_DEADLINE_REMINDERS = {
    "call_draft": "applications.deadlines.remind_call_drafts",
    "recommendation": "applications.deadlines.remind_recommenders",
    "ballot": "review.deadlines.remind_experts",
    "exit_statement": "workstations.services.deadlines.remind_exit_statements",
    "publicity": "review.deadlines.remind_publicity_objections",
    "plan": "workstations.services.deadlines.remind_work_plans",
    "rectification": "workstations.services.deadlines.remind_rectifications",
    "before_scoring": "workstations.services.deadlines.remind_before_scoring",
    "grant_payment": "subsidies.deadlines.remind_grant_payments",
}
# Art. 11(4)2: the records a forced exit must rest on, one provider per ground, registered by the app owning the
# record (workstations.services.exit_evidence explains the interface; keeps workstations from importing subsidies).
WORKSTATIONS_EXIT_EVIDENCE = {
    "failed_rectification": "workstations.services.exit_evidence.RectificationEvidence",
    "subsidy_misuse": "subsidies.exit_evidence.MisuseEvidence",
}
PORTAL_DEMO_BUILDERS = [
    "portal.demo.build",
    "portal.workdays.demo.build",
    "workstations.demo.lifecycle.build",
    "applications.demo.build",
    "review.demo.build",
    "workstations.demo.plaques.build",
    "review.publicity.demo.build",
    "workstations.demo.outcomes.build",
    "subsidies.demo.build",
    "workstations.demo.exits.build",
    "workstations.demo.terms.build",
    "subsidies.demo_trail.build",
    "portal.measures.demo.build",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING", "propagate": True},
        "axes": {"level": "WARNING", "propagate": True},
        "weasyprint": {"level": "ERROR", "propagate": True},
        "fontTools": {"level": "WARNING", "propagate": True},
        "celery.app.trace": {"level": "WARNING", "propagate": True},
        "kombu": {"level": "ERROR", "propagate": True},
    },
}
