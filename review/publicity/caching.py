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

Storage (issue 21): a page is stored as raw bytes — a one-line header with the version it was rendered at, a line
with its content type, then the body — read with one Redis GET through a client built once per process
(``portal.cache``), so a hit unpickles nothing. Its key is the path, the view's validated ``key_parts`` and the
language: a query string the page does not read is the same page. The version is not in the key: when it moves on,
the first visitor's worker takes a short lock (``cache.add``) and renders the new page while every other worker keeps
serving the previous bytes, so a writer changing data every second costs one render a second, not one per worker.
Renders count against the public rate limit of the visitor's address (:func:`render_refused`).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.publiccache import PUBLIC_VERSION_KEY, stored_bytes_set, version_and_stored_bytes
from review.publicity.ratelimit import over_limit

VERSION_TTL = 10
PAGE_TTL = 24 * 3600  # a stored page is replaced when its version moves on; the TTL only clears out old variants
RENDER_LOCK_TTL = 30  # seconds one worker may take to render a page before another may try
RENDER_LIMIT = (300, 600)  # renders (cache misses) per visitor address per ten minutes
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


def public_version(known: str | None = None) -> str:
    version = known or cache.get(PUBLIC_VERSION_KEY)
    if version is None:
        version = _version_from_db()
        cache.set(PUBLIC_VERSION_KEY, version, VERSION_TTL)
    return version


def _is_anonymous(request) -> bool:
    """Without a session cookie the visitor is anonymous, and the session need not be loaded to know it."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not request.user.is_authenticated


def render_refused(request) -> HttpResponse | None:
    """The public rate limit on renders: a visitor who makes the server render page after page is told to wait."""
    if over_limit(request, scope="public-render", limit=RENDER_LIMIT[0], period=RENDER_LIMIT[1]):
        response = HttpResponse(
            _("Too many requests from your address. Please try again in a few minutes."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RENDER_LIMIT[1])
        return response
    return None


def _pack(tag: str, content_type: str, content: bytes) -> bytes:
    return f"{tag}\n{content_type}\n".encode() + content


def _unpack(stored: bytes | None) -> tuple[str, str, bytes] | None:
    if not stored:
        return None
    try:
        tag, content_type, content = stored.split(b"\n", 2)
    except ValueError:
        return None
    return tag.decode(), content_type.decode(), content


def cached_public_page(request, render_page, key_parts=()) -> HttpResponse:
    """Serve ``render_page(extra_context)`` (an HttpResponse) from the cache for anonymous visitors.

    The page is stored as bytes under a key made of the path, ``key_parts`` and the language only: a view that reads
    query parameters passes their validated values, and any other query string is the same page. The stored bytes
    carry the content version they were rendered at (a one-line header, then the content type, then the body). When
    the version moves on, one worker (the one that wins a short ``cache.add`` lock) renders the new page while the
    others keep serving the previous one, so a change does not send every worker to the database at once.
    """
    if "messages" in request.COOKIES or not _is_anonymous(request):
        return render_page({})
    key = page_key(request.path, key_parts, translation.get_language())
    # The countdown moves with the date, so the date is part of what makes a stored page current.
    version, stored = version_and_stored_bytes(PUBLIC_VERSION_KEY, key)  # one round trip to Redis for both
    tag = f"{public_version(version)}.{timezone.localdate():%Y%m%d}"
    if request.headers.get("If-None-Match") == _etag(key, tag):
        response = HttpResponseNotModified()
        response["ETag"] = _etag(key, tag)
        return response
    stored = _unpack(stored)
    if stored is None or stored[0] != tag:
        # A render is real work: it counts against the visitor's public rate limit — a render this request causes,
        # not the previous version it is served while another worker renders. Over the limit, or while another
        # worker holds the render lock, the previous version is served; with none stored, the limit answers 429
        # and a cold page is rendered for this visitor without storing it (the lock holder stores it).
        lock = render_lock(key)
        if cache.add(lock, 1, RENDER_LOCK_TTL):
            try:
                refused = render_refused(request)
                if refused is None:
                    stored = _render_and_store(render_page, key, tag)
                elif stored is None:
                    stored = refused
            finally:
                cache.delete(lock)
        elif stored is None:
            stored = render_refused(request) or _render_and_store(render_page, key, tag, store=False)
        if isinstance(stored, HttpResponse):
            return stored
    stored_tag, content_type, content = stored
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = _etag(key, stored_tag)
    response["Cache-Control"] = "max-age=0, must-revalidate"  # browsers revalidate with the ETag (cheap 304s)
    response.public_page = (key, stored_tag)  # what review.publicity.fastpath may keep of the final response
    return response


def render_lock(key: str) -> str:
    """Held (``cache.add``) by the one worker rendering the page stored under ``key``."""
    return key + ":render"


def page_key(path: str, key_parts, language: str) -> str:
    parts = [path, *(str(p) for p in key_parts), language]
    return "publicity:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _etag(key: str, tag: str) -> str:
    return '"' + hashlib.sha256(f"{key}|{tag}".encode()).hexdigest()[:20] + '"'


def _render_and_store(render_page, key, tag, *, store=True):
    response = render_page(dict(PUBLIC_PAGE_CONTEXT))
    if response.status_code != 200:
        return response
    if store:
        stored_bytes_set(key, _pack(tag, response["Content-Type"], response.content), PAGE_TTL)
    return tag, response["Content-Type"], response.content
