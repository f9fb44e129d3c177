"""``manage.py rotate_field_key``: after a new key is put first, every personal-data value is re-encrypted with it,
so that the old key can be removed (docs/security.md)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from applications.models import Mentor
from tests.applications.factories import MentorFactory


def _raw(mentor) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM applications_mentor WHERE id = %s", [mentor.pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_rotation_re_encrypts_so_that_the_old_key_can_go(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["old key"]
    mentor = MentorFactory(id_number="11010519491231002X", phone="13800001234")
    before = _raw(mentor)
    assert "11010519491231002X" not in before[0] and "13800001234" not in before[1]

    settings.FIELD_ENCRYPTION_KEYS = ["new key", "old key"]
    out = io.StringIO()
    call_command("rotate_field_key", stdout=out)
    assert "applications.Mentor" in out.getvalue()
    after = _raw(mentor)
    assert after[0] != before[0] and after[1] != before[1]

    settings.FIELD_ENCRYPTION_KEYS = ["new key"]  # the old key is gone
    again = Mentor.objects.get(pk=mentor.pk)
    assert (again.id_number, again.phone) == ("11010519491231002X", "13800001234")
