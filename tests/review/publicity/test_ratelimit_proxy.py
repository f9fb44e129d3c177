"""Issue 14: behind the reverse proxy every visitor shared one allowance of the public rate limit. With the proxy
named in PORTAL_TRUSTED_PROXIES each visitor is counted by the address the proxy saw; without it (the default) a
forged X-Forwarded-For changes nothing."""

import pytest
from django.urls import reverse

from review.publicity.models import Objection
from tests.review.publicity.conftest import objection_post

pytestmark = pytest.mark.django_db

PROXY = "10.9.0.2"


def _post(client, url, entry, forwarded: str):
    return client.post(url, objection_post(entry), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code


def test_visitors_behind_the_trusted_proxy_each_have_their_own_allowance(client, open_list, settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.9.0.0/24"]
    url = reverse("publicity_public:objection_new", args=[open_list.pk])
    entry = open_list.entries.first()
    # A filed objection redirects to its receipt (issue 15: POST → redirect → GET).
    assert [_post(client, url, entry, "203.0.113.7") for _ in range(6)] == [302] * 5 + [429]
    # Another visitor through the same proxy is not limited by the first one's attempts ...
    assert _post(client, url, entry, "203.0.113.8") == 302
    # ... and the first cannot escape by writing a different address in front of the one the proxy appends.
    assert _post(client, url, entry, "198.51.100.1, 203.0.113.7") == 429
    assert Objection.objects.count() == 6


def test_without_trusted_proxies_the_header_is_ignored(client, open_list, settings):
    settings.PORTAL_TRUSTED_PROXIES = []
    url = reverse("publicity_public:objection_new", args=[open_list.pk])
    entry = open_list.entries.first()
    statuses = [
        client.post(
            url, objection_post(entry), REMOTE_ADDR="10.9.1.5", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        ).status_code
        for i in range(6)
    ]
    assert statuses == [302] * 5 + [429]
