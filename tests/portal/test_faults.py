"""Issue 22: e-mails, files, tasks and error pages under the faults an operator's bad day brings.

Each test breaks one thing the way it breaks in production — a mail server that drops the line after accepting a
message, a database connection cut in the middle of a render, a transaction that rolls back after its document was
rendered, a Redis that hangs instead of going away, a database that is gone — and checks what a user would notice.
"""

import datetime as dt
import io
import os
import signal
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from portal.documents.models import OfficialDocument
from portal.documents.services import document_issue
from portal.models import EmailState, Notification
from portal.notifications import notify
from portal.redisguard import redis_breaker
from portal.storage import orphan_files_remove
from portal.tasks import sweep_unsent_notifications
from tests.factories import WorkstationFactory
from tests.portal.test_reliability import REDIS_SERVER, RedisProcess, _free_port, _reset_connections
from tests.support import flaky_mail
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models import State
from workstations.services.plaques import plaque_issue
from workstations.tasks import render_plaque_pdf


def private_files(settings) -> list[Path]:
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- 1. Notifications: at least once, delivered once ------------------------------------------------------------


@pytest.fixture
def flaky_mailer(settings):
    settings.EMAIL_BACKEND = "tests.support.flaky_mail.SendThenFailBackend"
    flaky_mail.reset()
    yield flaky_mail
    flaky_mail.reset()


@pytest.mark.django_db
def test_mail_server_failing_after_accepting_then_the_sweeper_one_delivery_one_message_id(
    flaky_mailer, host_user, django_capture_on_commit_callbacks
):
    flaky_mailer.failures_left["after_send"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[host_user], message="application.returned", params={"name": "甲"}, text="请补充名单。")
    note = Notification.objects.get(recipient=host_user)
    assert len(flaky_mailer.transmissions) == 1
    assert note.email_state == EmailState.SENDING  # unknown whether it got through: leased, not retried at once

    assert sweep_unsent_notifications() == 0  # the lease holds: no second copy while it runs
    assert len(flaky_mailer.transmissions) == 1

    Notification.objects.filter(pk=note.pk).update(email_lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert sweep_unsent_notifications() == 1  # the lease expired: sent again, as the same message
    assert sweep_unsent_notifications() == 0

    note.refresh_from_db()
    assert note.email_state == EmailState.SENT and note.email_attempts == 2
    message_ids = {m["Message-ID"] for m in flaky_mailer.transmissions}
    assert message_ids == {note.email_message_id}
    assert list(flaky_mailer.mailbox) == [note.email_message_id]  # the recipient holds one message


@pytest.mark.django_db
def test_a_database_fault_after_the_mail_went_out_does_not_send_it_again(
    flaky_mailer, host_user, django_capture_on_commit_callbacks
):
    from django.db.models.query import QuerySet

    real_update = QuerySet.update
    cuts = {"left": 1}

    def update(self, **kwargs):
        if kwargs.get("email_state") == EmailState.SENT and cuts["left"]:
            cuts["left"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **kwargs)

    with (
        mock.patch.object(QuerySet, "update", update),
        mock.patch("portal.notifications.time.sleep"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(recipients=[host_user], message="application.recommended", params={"name": "甲", "rec": "乙", "rank": 1})
    note = Notification.objects.get(recipient=host_user)
    assert note.email_state == EmailState.SENT
    assert len(flaky_mailer.transmissions) == 1
    assert sweep_unsent_notifications() == 0


@pytest.mark.django_db
def test_notifications_without_an_address_are_settled_and_never_retried(
    settings, host_user, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    host_user.email = ""
    host_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[host_user], message="application.qualified", params={"name": "甲"})
    assert Notification.objects.get(recipient=host_user).email_state == EmailState.NO_ADDRESS
    assert sweep_unsent_notifications() == 0


# --- 2. Files: whole, and only for committed work ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_document_issue_leaves_no_stored_pdf(staff, settings):
    def issue():
        return document_issue(
            kind=OfficialDocument.Kind.CONFIRMATION,
            title="关于确认2026年度市级大众创业指导大师工作室的通知",
            addressees="各县（市、区）人力资源和社会保障局",
            body={"paragraphs": ["经评审和公示，确认以下工作室。"], "closing": ["特此通知。"]},
            actor=staff,
            seq=12,  # the number the office assigned (issue 17)
            issued_on=dt.date(2026, 5, 20),
        )

    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = issue()
        assert rolled_back.pdf.read().startswith(b"%PDF")  # readable inside its own transaction …
        raise RuntimeError("the certifications of this decision failed")
    assert not OfficialDocument.objects.exists()
    assert private_files(settings) == []  # … and nothing on disk carries the number that rolled back

    document = issue()
    assert document.number == rolled_back.number  # no gap, and the number's only PDF is this one
    stored = private_files(settings)
    assert [p.name for p in stored] == [Path(document.pdf.name).name]
    assert stored[0].read_bytes().startswith(b"%PDF") and stored[0].read_bytes().rstrip().endswith(b"%%EOF")


@pytest.mark.django_db(transaction=True)
def test_an_upload_in_a_rolled_back_transaction_is_never_written(host_user, settings):
    from portal.uploads import store_upload
    from tests.workstations.factories import PNG

    with pytest.raises(RuntimeError), transaction.atomic():
        stored = store_upload(uploaded=SimpleUploadedFile("签到表.png", PNG), actor=host_user)
        assert stored.file.storage.exists(stored.file.name)
        raise RuntimeError("the report could not be saved")
    assert private_files(settings) == []


@pytest.mark.django_db(transaction=True)
def test_a_render_whose_connection_is_cut_mid_task_is_retried_and_leaves_no_partial_file(
    host_unit, staff, settings, django_capture_on_commit_callbacks
):
    ws = WorkstationFactory(host_unit=host_unit, lead_mentor_name="欧阳明远", state=State.CERTIFIED)
    with mock.patch("workstations.services.plaques._send_render"):  # the task is run by hand below
        plaque = plaque_issue(workstation=ws, actor=staff, issued_on=dt.date(2026, 6, 1))
    cuts = {"left": 1}

    def cut_connection(execute, sql, params, many, context):
        if cuts["left"] and sql.startswith('UPDATE "workstations_plaque"'):
            cuts["left"] -= 1
            if connection.vendor == "postgresql":  # the server ends the session, as a failover or restart does
                import psycopg

                db = connection.settings_dict
                with psycopg.connect(
                    host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
                ) as killer:
                    killer.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
            else:
                raise OperationalError("disk I/O error")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_connection):
        # As a worker runs it: a failed attempt becomes a retry instead of an exception (eager mode would re-raise).
        result = render_plaque_pdf.apply((plaque.pk,), throw=False)
    assert (result.state, result.get()) == ("SUCCESS", True)
    assert cuts["left"] == 0, "the fault was never injected"
    plaque.refresh_from_db()
    files = private_files(settings)
    assert [p.as_posix() for p in files] == [(Path(plaque.pdf.storage.location) / plaque.pdf.name).as_posix()]
    data = files[0].read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")


@pytest.mark.django_db(transaction=True)
def test_orphan_files_older_than_a_day_are_removed_and_counted(host_user, settings):
    from portal.uploads import store_upload
    from tests.workstations.factories import PNG

    kept = store_upload(uploaded=SimpleUploadedFile("签到表.png", PNG), actor=host_user)
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    (root / "documents/2026").mkdir(parents=True)
    old_orphan = root / "documents/2026/2026-7.pdf"
    old_part = root / "documents/2026/.2026-8.pdf.abc.part"
    young_orphan = root / "documents/2026/2026-9.pdf"
    day_and_a_bit_ago = time.time() - 90_000
    for path in (old_orphan, old_part, young_orphan):
        path.write_bytes(b"%PDF-1.7 partial")
    for path in (old_orphan, old_part, Path(kept.file.path)):
        os.utime(path, (day_and_a_bit_ago, day_and_a_bit_ago))

    assert orphan_files_remove() == {"removed": 2, "kept": 1, "missing": 0}
    assert {p.name for p in private_files(settings)} == {Path(kept.file.name).name, "2026-9.pdf"}
    Path(kept.file.path).unlink()
    assert orphan_files_remove()["missing"] == 1


# --- 4. Bounded waits on a hung Redis ---------------------------------------------------------------------------


@pytest.fixture
def hung_redis(settings):
    from django.conf import settings as live

    from portal.celery import app as celery_app

    if REDIS_SERVER is None:
        pytest.skip("needs redis-server on this machine")
    server = RedisProcess(_free_port())
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": live.REDIS_CACHE_OPTIONS,  # production's timeouts
        }
    }
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=server.url, task_always_eager=False)
    _reset_connections()
    server.hang = lambda: os.kill(server.proc.pid, signal.SIGSTOP)  # accepts connections, answers nothing
    try:
        yield server
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
        server.stop()
        celery_app.conf.update(**saved)
        _reset_connections()


@pytest.mark.django_db(transaction=True)
def test_with_redis_hung_a_page_and_a_notifying_action_each_answer_within_a_second_and_a_half(
    client, hung_redis, host_unit, host_user, staff
):
    ws = OperatingWorkstationFactory(host_unit=host_unit, certified_on=dt.date(2024, 1, 1))
    # Warm the process first (templates compiled, catalogues loaded), as a running server is; then Redis hangs.
    assert client.get(reverse("publicity_public:directory")).status_code == 200
    client.force_login(host_user)
    assert client.get(reverse("workstations:major_event_new", args=[ws.pk])).status_code == 200
    client.logout()
    hung_redis.hang()

    timings = {}
    started = time.monotonic()
    page = client.get(reverse("publicity_public:directory"))
    timings["public directory"] = time.monotonic() - started
    assert page.status_code == 200

    client.force_login(host_user)
    redis_breaker.close()  # the action is the first to meet the hung Redis in its process, as on another worker
    started = time.monotonic()
    action = client.post(
        reverse("workstations:major_event_new", args=[ws.pk]),
        {
            "kind": "achievement",
            "title": "场地搬迁",
            "occurred_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "description": "工作室迁至新址。",
            "mentors-TOTAL_FORMS": "0",
            "mentors-INITIAL_FORMS": "0",
            "mentors-MIN_NUM_FORMS": "0",
            "mentors-MAX_NUM_FORMS": "10",
        },
    )
    timings["major event filed (notifies the city)"] = time.monotonic() - started
    assert action.status_code == 302, action.content.decode()[:2000]
    assert Notification.objects.filter(recipient=staff, email_state=EmailState.PENDING).exists()  # for the sweeper
    assert all(seconds < 1.5 for seconds in timings.values()), timings


# --- 5. Error pages without the database ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_500_page_renders_with_the_database_unreachable(client, staff, settings):
    client.force_login(staff)
    client.raise_request_exception = False
    settings.DEBUG = False
    unreachable = OperationalError('connection to server at "db" (10.0.0.5), port 5432 failed: No route to host')
    db = connections["default"]
    with (
        mock.patch.object(db, "cursor", side_effect=unreachable),
        mock.patch.object(db, "ensure_connection", side_effect=unreachable),
    ):
        response = client.get(reverse("inbox"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器错误" in page and "Server error (500)" in page
    assert page.index("服务器错误") < page.index("Server error")  # Chinese first, the English line below


def test_the_maintenance_flag_answers_503_without_touching_the_database(client, settings, tmp_path):
    from django.core.management import call_command

    settings.MAINTENANCE_FLAG_FILE = tmp_path / "maintenance"
    call_command("maintenance", "on", stdout=io.StringIO())
    response = client.get("/inbox/")  # no database access is allowed in this test: any query would fail it
    assert response.status_code == 503 and response["Retry-After"]
    page = response.content.decode()
    assert "系统维护中" in page and "under maintenance" in page
    assert client.get("/static/css/error.css").status_code != 503
    call_command("maintenance", "off", stdout=io.StringIO())
    assert not settings.MAINTENANCE_FLAG_FILE.exists()


# --- 3. Every task retries transient faults ---------------------------------------------------------------------


def test_every_task_of_the_portal_retries_transient_faults_and_is_acknowledged_late():
    from portal.celery import app

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert {"portal.tasks.send_notification_emails", "workstations.tasks.render_plaque_pdf"} <= set(ours)
    for name, task in ours.items():
        assert {OperationalError, InterfaceError, OSError} <= set(task.autoretry_for), name
        assert task.acks_late and task.reject_on_worker_lost, name
        assert 0 < task.retry_backoff_max < app.conf.broker_transport_options["visibility_timeout"], name


@pytest.mark.django_db(transaction=True)
def test_a_plaque_never_rendered_or_whose_file_went_missing_is_rendered_by_the_job(host_unit, staff, settings):
    from workstations.tasks import render_missing_plaque_pdfs

    ws = WorkstationFactory(host_unit=host_unit, lead_mentor_name="欧阳明远", state=State.CERTIFIED)
    with mock.patch("workstations.services.plaques._send_render"):
        plaque = plaque_issue(workstation=ws, actor=staff, issued_on=dt.date(2026, 6, 1))
    assert render_missing_plaque_pdfs() == 1  # never rendered (the broker was down)
    assert render_missing_plaque_pdfs() == 0
    plaque.refresh_from_db()
    Path(plaque.pdf.path).unlink()  # lost between the commit and the rename
    assert orphan_files_remove()["missing"] == 1
    assert render_missing_plaque_pdfs() == 1
    assert Path(plaque.pdf.path).read_bytes().startswith(b"%PDF")
