"""Fast public pages (Art. 6(4) publicity is read by the public): whole-page caching keyed by a content version.

Every write that changes what the public pages show calls ``portal.publiccache.bump_public_version``. The version
lives in the cache for ``VERSION_TTL`` seconds and is otherwise rebuilt from the database in one query, so with a
shared cache (Redis) a change is visible at once, and with the per-process default cache other worker processes see it
within the TTL.

Anonymous visitors get the cached bytes as they are: the cached pages carry no form that needs a CSRF token (their
only form, the language switch, posts to ``publicity_public:language``, which changes nothing but the visitor's
language cookie and is CSRF-exempt), so a hit touches neither the session nor the CSRF cookie and sets no cookie
(issue 9: a hit costs about what a trivial view costs). Logged-in users always get a fresh render (their menu and
inbox differ) with the usual token-protected forms. Forms that change data (objections, tracking) are not cached
and keep their CSRF token.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation

from portal.publiccache import PUBLIC_VERSION_KEY

VERSION_TTL = 10
PAGE_TTL = 300
# Tells base.html to render the anonymous variant: the CSRF-free language switch, no per-visitor content.
PUBLIC_PAGE_CONTEXT = {"public_cached_page": True, "messages": []}


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


def _is_anonymous(request) -> bool:
    """Without a session cookie the visitor is anonymous, and the session need not be loaded to know it."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not request.user.is_authenticated


def cached_public_page(request, render_page, key_parts=None) -> HttpResponse:
    """Serve ``render_page(extra_context)`` (an HttpResponse) from the cache for anonymous visitors.

    ``key_parts`` names the page variant (default: the whole query string); views with parameters pass their
    validated values so that made-up query strings do not fill the cache.
    """
    if "messages" in request.COOKIES or not _is_anonymous(request):
        return render_page({})
    variant = request.GET.urlencode() if key_parts is None else "|".join(str(p) for p in key_parts)
    parts = [request.path, variant, translation.get_language(), public_version()]
    parts.append(timezone.localdate().isoformat())  # the countdown moves with the date
    key = "publicity:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    etag = f'"{key[-20:]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    cached = cache.get(key)
    if cached is None:
        response = render_page(dict(PUBLIC_PAGE_CONTEXT))
        if response.status_code != 200:
            return response
        cached = (response.content, response["Content-Type"])
        cache.set(key, cached, PAGE_TTL)
    content, content_type = cached
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "max-age=0, must-revalidate"  # browsers revalidate with the ETag (cheap 304s)
    return response
