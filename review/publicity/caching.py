"""Fast public pages (Art. 6(4) publicity is read by the public): whole-page caching keyed by a content version.

Every write that changes what the public pages show calls :func:`bump_version`. The version lives in the cache for
``VERSION_TTL`` seconds and is otherwise rebuilt from the database in one query, so with a shared cache (Redis) a
change is visible at once, and with the per-process default cache other worker processes see it within the TTL.

Anonymous visitors get the cached page. The page is rendered once with a placeholder instead of the CSRF token (the
language switch is a POST form) and the visitor's own token is put in when it is served, so one cached page serves
everyone without sharing a token. Logged-in users always get a fresh render (their menu and inbox differ).
"""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from portal.publiccache import PUBLIC_VERSION_KEY, bump_public_version

VERSION_TTL = 10
PAGE_TTL = 300
CSRF_PLACEHOLDER = "__publicity_csrf_placeholder__"


def _version_from_db() -> str:
    from review.publicity.models import Objection, PublicityList
    from workstations.models import Workstation

    lists = PublicityList.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    # Objection outcomes change no list row; the directory follows workstation updates.
    decided = Objection.objects.aggregate(at=Max("decided_at"))["at"]
    ws = Workstation.objects.aggregate(at=Max("updated_at"))["at"]
    return hashlib.sha256(f"{lists['n']}|{lists['at']}|{decided}|{ws}".encode()).hexdigest()[:16]


def public_version() -> str:
    version = cache.get(PUBLIC_VERSION_KEY)
    if version is None:
        version = _version_from_db()
        cache.set(PUBLIC_VERSION_KEY, version, VERSION_TTL)
    return version


def bump_version() -> None:
    """Forget the version: the next public request rebuilds it from the database (after the writer's commit)."""
    bump_public_version()


def cached_public_page(request, render_page) -> HttpResponse:
    """Serve ``render_page(extra_context)`` (an HttpResponse) from the cache for anonymous visitors."""
    if request.user.is_authenticated or "messages" in request.COOKIES:
        return render_page({})
    parts = [request.path, request.GET.urlencode(), translation.get_language(), public_version()]
    parts.append(timezone.localdate().isoformat())  # the countdown moves with the date
    key = "publicity:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    etag = f'"{key[-20:]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    cached = cache.get(key)
    if cached is None:
        response = render_page({"csrf_token": CSRF_PLACEHOLDER, "messages": []})
        if response.status_code != 200:
            return response
        cached = (response.content, response["Content-Type"])
        cache.set(key, cached, PAGE_TTL)
    content, content_type = cached
    token = get_token(request)
    response = HttpResponse(content.replace(CSRF_PLACEHOLDER.encode(), token.encode()), content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "max-age=0, must-revalidate"  # browsers revalidate with the ETag (cheap 304s)
    return response
