"""The dotted paths and task names that cross the layers by string (docs/architecture.md, issue 20) resolve: a module
or task renamed in one app without its registry entry fails here, not in a user's home page or a worker's log."""

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from portal.celery import app


def _registry_paths():
    yield from (("PORTAL_HOME_PANELS", p) for p in settings.PORTAL_HOME_PANELS)
    yield from (("PORTAL_DEMO_BUILDERS", p) for p in settings.PORTAL_DEMO_BUILDERS)
    yield from (("PORTAL_HASH_CHAINS", p) for p in settings.PORTAL_HASH_CHAINS.values())
    yield from (("WORKSTATIONS_EXIT_EVIDENCE", p) for p in settings.WORKSTATIONS_EXIT_EVIDENCE.values())


@pytest.mark.parametrize(("registry", "path"), list(_registry_paths()), ids=lambda v: str(v))
def test_every_dotted_path_of_a_settings_registry_imports(registry, path):
    assert callable(import_string(path)), f"{registry}: {path}"


def test_every_scheduled_task_name_is_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled and scheduled <= set(app.tasks), sorted(scheduled - set(app.tasks))
