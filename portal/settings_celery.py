"""Celery's settings (issue 22 faults, issue 21 workers) and the beat schedule, kept apart so that
``portal/settings.py`` stays short (issue 20). ``portal.settings`` imports every name; the few that depend on the
environment it reads first (the broker, eager mode, the time zone, the checkpoint interval) stay there."""

import os

from celery.schedules import crontab

CELERY_RESULT_BACKEND = None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# Issue 22, docs/operations.md "Tasks under faults". Every task is a portal.celery.PortalTask (late acknowledgement,
# retried on transient faults). The longest task may run CELERY_TASK_TIME_LIMIT seconds and a retry waits at most
# portal.celery.RETRY_BACKOFF_MAX; the visibility timeout (after which Redis hands a task whose worker vanished to
# another worker) must exceed both together, or a slow task would run twice at once.
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    "max_retries": 0,
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300")),
    # Look for abandoned tasks every 10 s (kombu's default scans every 100 s).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_PUBLISH_RETRY = False
# Issue 21 item 4: a worker child is replaced after 100 tasks or once it holds more than 300 MB after a task
# (WeasyPrint's font and layout caches grow with every plaque; docs/operations.md has the measured figures).
# The same variables are read by `celery worker` itself (its options' environment names), so both agree.
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD", "100"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", "307200"))  # KiB
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_IMPORTS = ["review.publicity.tasks", "portal.checkpoints", "portal.deadlines"]


def beat_schedule(checkpoint_seconds: float) -> dict:
    """The periodic tasks; the chain checkpoints run every ``checkpoint_seconds`` (AUDIT_CHECKPOINT_SECONDS)."""
    return {
        # Issue 14: the heads of the audit and ledger chains, sealed outside the database (portal/checkpoints.py).
        "audit-chain-checkpoints": {
            "task": "portal.checkpoints.write_chain_checkpoints",
            "schedule": checkpoint_seconds,
        },
        # Art. 6(4): windows close at 24:00 Asia/Shanghai; hourly runs clear them soon after and retry waiting ones.
        "close-publicity-windows": {"task": "review.publicity.tasks.close_publicity_windows", "schedule": 3600.0},
        # Issue 22: e-mails whose lease expired (their sender died) or that never reached the broker.
        "sweep-unsent-notifications": {"task": "portal.tasks.sweep_unsent_notifications", "schedule": 120.0},
        # Issue 22: stored files no row refers to (a render interrupted, an upload whose transaction rolled back).
        "remove-orphan-files": {"task": "portal.tasks.remove_orphan_files", "schedule": crontab(hour=3, minute=15)},
        "workstations-render-missing-plaques": {
            "task": "workstations.tasks.render_missing_plaque_pdfs",
            "schedule": 600.0,
        },
        # Art. 10 reminders and Art. 11(4)2 rectification deadlines, every morning (Asia/Shanghai).
        "workstations-outcome-reminders": {
            "task": "workstations.tasks.send_outcome_reminders",
            "schedule": crontab(hour=8, minute=0),
        },
        "workstations-no-lead-mentor": {
            "task": "workstations.tasks.detect_missing_lead_mentors",
            "schedule": crontab(hour=7, minute=45),
        },
        "workstations-rectification-deadlines": {
            "task": "workstations.tasks.check_rectification_deadlines",
            "schedule": crontab(hour=7, minute=30),
        },
        # Issue 21: the Art. 10 board's summary rows recomputed nightly (a new version of the measures also triggers
        # it).
        "workstations-compliance-summary": {
            "task": "workstations.tasks.rebuild_compliance_summary",
            "schedule": crontab(hour=2, minute=20),
        },
        # Issue 19: every deadline a user must meet, reminded once per deadline and stage (portal/deadlines.py).
        "deadline-reminders": {
            "task": "portal.deadlines.send_deadline_reminders",
            "schedule": crontab(hour=8, minute=10),
        },
        # Art. 11(1): terms ending with no decision, flagged at 90, 30 and 0 days (once each).
        "workstations-term-flags": {
            "task": "workstations.tasks.check_term_flags",
            "schedule": crontab(hour=7, minute=15),
        },
    }
