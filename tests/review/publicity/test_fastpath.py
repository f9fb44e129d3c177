"""Issue 21 item 2: cached public pages answered before the session, CSRF and authentication middleware
(``review.publicity.fastpath``), with exactly the response the whole chain gave, and never for anyone it must not."""

import uuid
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from portal.publiccache import bump_public_version
from review.publicity import caching, public_views
from review.publicity.models import PublicityList

HEADERS = ("Content-Type", "Content-Language", "Vary", "ETag", "Cache-Control", "Content-Security-Policy")


def _chain_not_reached():
    """The view (everything after the session middleware) must not be reached."""
    return mock.patch.object(public_views, "cached_public_page", side_effect=AssertionError("the chain was reached"))


@pytest.mark.parametrize("name", ["lists", "list_detail", "directory", "documents"])
def test_a_second_visitor_is_answered_before_the_chain_with_the_same_response(client, open_list, name):
    url = reverse(f"publicity_public:{name}", args=[open_list.pk] if name == "list_detail" else [])
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert first.status_code == 200 and not first.cookies
    with _chain_not_reached():
        again = client.get(url, {"utm": uuid.uuid4().hex}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        revalidated = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again.content == first.content and not again.cookies
    assert {h: again.get(h) for h in HEADERS} == {h: first.get(h) for h in HEADERS}
    assert again["X-Frame-Options"] == first["X-Frame-Options"] == "DENY"
    assert revalidated.status_code == 304 and revalidated["ETag"] == first["ETag"]


def test_each_language_and_page_is_its_own_answer(client, open_list):
    url = reverse("publicity_public:directory")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    with _chain_not_reached():
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").content == english.content
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content == chinese.content
    assert english.content != chinese.content
    assert client.get(url, {"page": "abc"}).status_code == 404  # the view refuses it; nothing answered early


def test_a_change_is_shown_at_once(client, open_list):
    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    client.get(url)
    client.get(url)
    PublicityList.objects.filter(pk=open_list.pk).update(title="更正后的公示标题", updated_at=timezone.now())
    bump_public_version()
    assert "更正后的公示标题" in client.get(url).content.decode()


def test_a_logged_in_user_or_a_pending_message_always_goes_through_the_chain(client, open_list, staff):
    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    client.get(url)
    client.get(url)
    client.cookies["messages"] = "x"
    with _chain_not_reached(), pytest.raises(AssertionError, match="the chain was reached"):
        client.get(url)
    del client.cookies["messages"]
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert staff.username in page or "退出" in page or "Log out" in page  # their own menu, not the visitors' copy


def test_while_another_worker_renders_the_previous_answer_is_given_before_the_chain(client, open_list):
    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    client.get(url)
    first = client.get(url)
    PublicityList.objects.filter(pk=open_list.pk).update(title="更正后的公示标题", updated_at=timezone.now())
    bump_public_version()
    with translation.override("zh-hans"):
        lock = caching.render_lock(caching.page_key(url, (1,), "zh-hans"))
    assert cache.add(lock, 1, 30)
    with _chain_not_reached():
        stale = client.get(url)
    assert stale.content == first.content and stale["ETag"] == first["ETag"]
    cache.delete(lock)
    assert "更正后的公示标题" in client.get(url).content.decode()


def test_a_worker_answers_a_busy_second_from_its_own_copy_and_a_change_it_makes_at_once(client, open_list):
    from review.publicity import fastpath

    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    client.get(url)
    first = client.get(url)  # from the shared store: the worker keeps its own copy
    no_store = mock.patch.object(fastpath, "version_and_stored_bytes", side_effect=AssertionError("asked the store"))
    with no_store, _chain_not_reached():
        assert client.get(url).content == first.content  # within the second: no round trip at all
    later = fastpath.time.monotonic() + fastpath.LOCAL_SECONDS + 0.1
    with (
        mock.patch.object(fastpath.time, "monotonic", return_value=later),
        no_store,
        pytest.raises(AssertionError, match="asked the store"),
    ):
        client.get(url)  # after it, the worker asks the shared store again
    PublicityList.objects.filter(pk=open_list.pk).update(title="更正后的公示标题", updated_at=timezone.now())
    bump_public_version()  # a change made in this process: its copy is not served again
    assert "更正后的公示标题" in client.get(url).content.decode()
