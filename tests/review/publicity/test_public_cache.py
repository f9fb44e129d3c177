"""Issue 21 items 2 and 3: public pages as stored bytes, keys without unused query parameters, no stampede when the
version moves on; the public notice PDF rendered once per version and stored; the public rate limit on renders."""

import os
import pickle
import uuid
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from portal.publiccache import bump_public_version
from review.publicity import caching, notice_pdf, public_views
from review.publicity.models import PublicityList
from tests.portal.pdf_checks import pdf_text

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"


def _counting(module, name):
    return mock.patch.object(module, name, wraps=getattr(module, name))


def test_a_made_up_query_string_is_the_same_cached_page(client, open_list, django_assert_num_queries):
    for url in (reverse("publicity_public:lists"), reverse("publicity_public:list_detail", args=[open_list.pk])):
        first = client.get(url)
        with django_assert_num_queries(0):  # served from the cache: no render, no query
            busted = client.get(url, {"utm_source": uuid.uuid4().hex, "_": "1"})
        assert busted.status_code == 200 and busted["ETag"] == first["ETag"]
        assert busted.content == first.content


def test_the_directory_keys_only_its_own_validated_parameters(client, open_list, django_assert_num_queries):
    url = reverse("publicity_public:directory")
    first = client.get(url, {"page": "1"})
    with django_assert_num_queries(0):
        again = client.get(url, {"page": "1", "sort": uuid.uuid4().hex})
    assert again["ETag"] == first["ETag"]


def _retitle(publicity_list, title):
    PublicityList.objects.filter(pk=publicity_list.pk).update(title=title, updated_at=timezone.now())
    bump_public_version()


def test_while_one_worker_renders_the_new_version_the_others_serve_the_previous_one(client, open_list):
    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    assert open_list.title in client.get(url).content.decode()
    _retitle(open_list, "更正后的公示标题")
    with translation.override("zh-hans"):
        lock = caching.page_key(url, (1,), "zh-hans") + ":render"  # the first page
    assert cache.add(lock, 1, 30)  # another worker is rendering the new version
    with _counting(public_views, "render") as render:
        stale = [client.get(url) for _ in range(3)]
    assert render.call_count == 0
    assert all(r.status_code == 200 and open_list.title in r.content.decode() for r in stale)
    cache.delete(lock)  # that render is done (or its lock expired): the next visitor renders and stores it
    with _counting(public_views, "render") as render:
        fresh = client.get(url)
        again = client.get(url)
    assert render.call_count == 1
    assert "更正后的公示标题" in fresh.content.decode() and again.content == fresh.content


def test_the_notice_pdf_is_rendered_once_per_version_and_stored(client, open_list):
    url = reverse("publicity_public:list_pdf", args=[open_list.pk])
    with _counting(notice_pdf, "render_pdf") as render:
        first = b"".join(client.get(url).streaming_content)
        second = b"".join(client.get(url).streaming_content)
        assert render.call_count == 1 and first == second
        bump_public_version()  # something else changed; this notice did not
        cache.clear()  # nor does a cold cache render it again: the stored file answers
        assert b"".join(client.get(url).streaming_content) == first
        assert render.call_count == 1
        _retitle(open_list, "更正后的公示标题")
        third = b"".join(client.get(url).streaming_content)
        assert render.call_count == 2
    assert "更正后的公示标题" in pdf_text(third).replace(" ", "")
    assert notice_pdf.NoticePdf.objects.filter(publicity_list=open_list).count() == 2


def test_while_the_notice_pdf_renders_others_get_the_previous_file_or_a_retry(client, open_list):
    url = reverse("publicity_public:list_pdf", args=[open_list.pk])
    lock = f"publicity:notice-pdf:{open_list.pk}:render"
    cache.add(lock, 1, 30)
    with _counting(notice_pdf, "render_pdf") as render:
        waiting = client.get(url)
    assert render.call_count == 0 and waiting.status_code == 503 and waiting["Retry-After"]
    cache.delete(lock)
    first = b"".join(client.get(url).streaming_content)
    _retitle(open_list, "更正后的公示标题")
    cache.add(lock, 1, 30)
    with _counting(notice_pdf, "render_pdf") as render:
        previous = client.get(url)
    assert render.call_count == 0 and b"".join(previous.streaming_content) == first


def test_the_public_rate_limit_applies_to_the_notice_pdf(client, passed, publish, monkeypatch):
    monkeypatch.setattr(caching, "RENDER_LIMIT", (2, 600))
    monkeypatch.setattr(notice_pdf, "render_pdf", lambda *a, **k: b"%PDF-1.7 test")
    lists = [publish([passed(f"导师{i}")], days_ago=1 + i) for i in range(3)]
    statuses = [
        client.get(reverse("publicity_public:list_pdf", args=[pl.pk]), REMOTE_ADDR="10.0.0.7").status_code
        for pl in lists
    ]
    assert statuses == [200, 200, 429]
    other = client.get(reverse("publicity_public:list_pdf", args=[lists[2].pk]), REMOTE_ADDR="10.0.0.8")
    assert other.status_code == 200
    # A limited address still gets what is stored, without a render.
    assert (
        client.get(reverse("publicity_public:list_pdf", args=[lists[0].pk]), REMOTE_ADDR="10.0.0.7").status_code == 200
    )


def test_public_page_renders_are_rate_limited_and_a_limited_visitor_gets_the_stored_page(
    client, passed, publish, monkeypatch
):
    monkeypatch.setattr(caching, "RENDER_LIMIT", (2, 600))
    first, second = (publish([passed(f"导师{i}")], days_ago=1 + i) for i in range(2))
    url = reverse("publicity_public:list_detail", args=[first.pk])
    other = reverse("publicity_public:list_detail", args=[second.pk])
    assert client.get(url, REMOTE_ADDR="10.0.0.7").status_code == 200  # render 1 (stored)
    assert client.get(reverse("publicity_public:lists"), REMOTE_ADDR="10.0.0.7").status_code == 200  # render 2
    refused = client.get(other, REMOTE_ADDR="10.0.0.7")
    assert refused.status_code == 429 and refused["Retry-After"] and "请几分钟后再试" in refused.content.decode()
    assert client.get(other, REMOTE_ADDR="10.0.0.8").status_code == 200  # another address is not limited
    _retitle(first, "更正后的公示标题")
    stale = client.get(url, REMOTE_ADDR="10.0.0.7")  # over the limit: the stored (previous) page, not a render
    assert stale.status_code == 200 and first.title in stale.content.decode()


def test_the_objection_form_is_under_the_public_rate_limit(client, open_list, monkeypatch):
    monkeypatch.setattr(caching, "RENDER_LIMIT", (2, 600))
    url = reverse("publicity_public:objection_new", args=[open_list.pk])
    statuses = [client.get(url, REMOTE_ADDR="10.0.0.9").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.10").status_code == 200


@pytest.fixture
def redis_cache():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at REDIS_URL")
    prefix = f"test-i21-{uuid.uuid4().hex}"
    setting = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=setting):
        yield prefix
        raw = redis.Redis.from_url(REDIS_URL)
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)


def test_a_redis_hit_reuses_one_client_and_unpickles_no_page(client, open_list, redis_cache):
    import redis

    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    first = client.get(url)
    assert first.status_code == 200 and len(first.content) > 4000
    unpickled = []
    real_loads = pickle.loads

    def loads(data, *args, **kwargs):
        unpickled.append(len(data))
        return real_loads(data, *args, **kwargs)

    real_init = redis.Redis.__init__
    built = []

    def init(self, *args, **kwargs):
        built.append(1)
        real_init(self, *args, **kwargs)

    with (
        mock.patch("django.core.cache.backends.redis.pickle.loads", loads),
        mock.patch.object(redis.Redis, "__init__", init),
    ):
        hits = [client.get(url) for _ in range(3)]
    assert all(h.content == first.content for h in hits)
    assert max(unpickled, default=0) < 1000  # the version string at most, never the page
    assert built == []  # the client built for the first request serves every later one
    # What Redis holds is the page's bytes behind a short header, not a pickle: the view's page and the final response
    # the middleware answers from (review.publicity.fastpath).
    raw = redis.Redis.from_url(REDIS_URL)
    stored = [raw.get(k) for k in raw.scan_iter(f"{redis_cache}:*publicity:page:*") if not k.endswith(b":render")]
    assert len(stored) == 2 and all(not s.startswith(b"\x80") and s.endswith(first.content) for s in stored)


def test_the_raw_page_reads_degrade_to_misses_when_redis_is_down():
    from benchmarks.run import free_port
    from portal.cache import ResilientRedisCache

    down = ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert down.get_bytes("k") is None and down.get_value_and_bytes("v", "k") == (None, None)
    down.set_bytes("k", b"page", 60)  # dropped, not raised


def test_visitors_served_the_previous_page_while_another_worker_renders_are_not_counted(client, open_list, monkeypatch):
    """Only a render a visitor causes counts against the public limit: a crowd reading the previous version while
    one worker renders the next (a writer changing data every second) is never turned into 429s or a stale page."""
    monkeypatch.setattr(caching, "RENDER_LIMIT", (2, 600))
    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200  # render 1
    _retitle(open_list, "更正后的公示标题")
    with translation.override("zh-hans"):
        lock = caching.render_lock(caching.page_key(url, (1,), "zh-hans"))
    assert cache.add(lock, 1, 30)  # another worker renders the new version
    served = [client.get(url, REMOTE_ADDR="10.0.0.9") for _ in range(5)]
    assert all(r.status_code == 200 and open_list.title in r.content.decode() for r in served)
    cache.delete(lock)
    fresh = client.get(url, REMOTE_ADDR="10.0.0.9")  # render 2: still within the limit of two
    assert fresh.status_code == 200 and "更正后的公示标题" in fresh.content.decode()
