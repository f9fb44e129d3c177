"""Cached public pages answered before the session, CSRF, authentication and the rest of the middleware (issue 21).

``review.publicity.caching.cached_public_page`` stores a public page once per content version, but a visitor's
request for it still passed through every middleware of the portal (sessions, language, CSRF, authentication, 2FA,
messages, history, audit, lockout) before the view read the stored bytes — more work than the page itself. This
middleware sits right after the security headers and static files: for an anonymous ``GET`` of a page whose view is
marked with :func:`public_page`, it answers from a stored copy of the *final* response (the body and every header the
rest of the chain added: language, ``Vary``, CSP, frame options, ``ETag``, caching), one Redis round trip and no
database.

What it may store is decided by the view, not guessed here: after a full pass through the chain, the response is kept
only when ``cached_public_page`` answered it for this very key (path, the view's validated ``key_parts``, language)
with the current content version, set no cookie, and was a 200. Any request it cannot decide on (a session or
messages cookie, a parameter the view would refuse, an unknown path) goes through the whole chain as before.
"""

import json
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from portal.publiccache import GENERATION, PUBLIC_VERSION_KEY, stored_bytes_set, version_and_stored_bytes
from review.publicity.caching import PAGE_TTL, page_key, public_version, render_lock

SKIPPED_HEADERS = {"content-length", "set-cookie"}


def public_page(key_parts=None):
    """Mark a view whose page ``cached_public_page`` stores: ``key_parts(request)`` returns the validated query
    parameters it keys the page by (raising ``Http404`` for a bad one), the same function the view passes."""

    def mark(view):
        view.public_key_parts = key_parts or (lambda request: [])
        return view

    return mark


# A worker's own copies of the final responses it answered, each re-checked against the shared store after
# LOCAL_SECONDS: the pages of a busy second cost no round trip at all. A change made in another process reaches this
# worker within that second; one made in this process (``bump_public_version``) at once. Bounded in bytes.
LOCAL_SECONDS = 1.0
LOCAL_BYTES = 32 * 1024 * 1024
_copies: "OrderedDict[str, tuple[int, float, list, bytes]]" = OrderedDict()


def _remember(key: str, headers: list, content: bytes) -> None:
    _copies[key] = (GENERATION[0], time.monotonic(), headers, content)
    _copies.move_to_end(key)
    while sum(len(c[3]) for c in _copies.values()) > LOCAL_BYTES and len(_copies) > 1:
        _copies.popitem(last=False)


def forget_copies() -> None:
    """Drop this process's copies (tests: every test starts with its own data)."""
    _copies.clear()


def _final_key(key: str) -> str:
    return key + ":final"


def _pack(tag: str, response: HttpResponse) -> bytes:
    headers = [(k, v) for k, v in response.items() if k.lower() not in SKIPPED_HEADERS]
    return f"{tag}\n{json.dumps(headers, ensure_ascii=False)}\n".encode() + response.content


def _unpack(stored: bytes | None) -> tuple[str, list, bytes] | None:
    if not stored:
        return None
    try:
        tag, headers, content = stored.split(b"\n", 2)
        return tag.decode(), json.loads(headers), content
    except ValueError:
        return None


class PublicPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        own = _copies.get(key)
        if own is not None and own[0] == GENERATION[0] and time.monotonic() - own[1] < LOCAL_SECONDS:
            return self._answer(request, own[2], own[3])
        version, stored = version_and_stored_bytes(PUBLIC_VERSION_KEY, _final_key(key))
        tag = f"{public_version(version)}.{timezone.localdate():%Y%m%d}"
        final = _unpack(stored)
        if final is not None and final[0] == tag:
            _remember(key, final[1], final[2])
            return self._answer(request, *final[1:])
        if final is not None and cache.get(render_lock(key)):
            # The previous version while another worker renders the new one (as the view would serve it).
            return self._answer(request, *final[1:])
        response = self.get_response(request)
        if (
            response.status_code == 200
            and getattr(response, "public_page", None) == (key, tag)
            and not response.cookies
            and not response.streaming
        ):
            stored_bytes_set(_final_key(key), _pack(tag, response), PAGE_TTL)
        return response

    @staticmethod
    def _key(request) -> str | None:
        """The page key the view would use, or ``None`` when this request is not one to answer here."""
        if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return None
        try:
            match = resolve(request.path_info)
            parts = match.func.public_key_parts(request)
        except (Resolver404, AttributeError, Http404):
            return None
        return page_key(request.path, parts, translation.get_language_from_request(request))

    @staticmethod
    def _answer(request, headers: list, content: bytes) -> HttpResponse:
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        if etag is not None and request.headers.get("If-None-Match") == etag:
            response = HttpResponseNotModified()
            for name, value in headers:
                if name.lower() in {"etag", "cache-control", "vary", "content-language"}:
                    response[name] = value
            return response
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response
