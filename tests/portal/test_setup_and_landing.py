"""The newcomer's first minutes (issue 19): a demo build that says what it does, and a public home with real entries."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_seed_demo_reports_each_stage_and_a_rebuild_adds_nothing():
    first = StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=first)
    stages = re.findall(r"^\[(\d+)/(\d+)\] (\S+) … ([+-]\d+) rows", first.getvalue(), re.M)
    assert [path for _, _, path, _ in stages] == settings.PORTAL_DEMO_BUILDERS
    assert int(stages[0][3]) > 0  # the first build creates the organisations and logins

    again = StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=again)
    added = re.findall(r"^\[\d+/\d+\] \S+ … ([+-]\d+) rows", again.getvalue(), re.M)
    assert added == ["+0"] * len(settings.PORTAL_DEMO_BUILDERS), again.getvalue()


@pytest.mark.django_db
def test_public_home_offers_every_public_entry_and_a_favicon(client):
    page = client.get(reverse("home")).content.decode()
    for name in ("lists", "directory", "documents", "objection_track"):
        assert f'href="{reverse(f"publicity_public:{name}")}"' in page, name
    assert 'rel="icon"' in page
    assert (ROOT / "static" / "favicon.svg").exists()


@pytest.mark.django_db
def test_each_page_names_the_site_once_in_its_title(client, staff):
    title = re.compile(r"<title>(.*?)</title>", re.S)
    landing = title.search(client.get(reverse("home")).content.decode()).group(1)
    assert landing == "平顶山市大众创业指导大师工作室管理平台"
    client.force_login(staff)
    home = title.search(client.get(reverse("home")).content.decode()).group(1)
    assert home == "首页 · 平顶山市大众创业指导大师工作室管理平台"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    home_en = title.search(client.get(reverse("home")).content.decode()).group(1)
    assert home_en == "Home · Pingdingshan Mass-Entrepreneurship Mentor Workstation Portal"
