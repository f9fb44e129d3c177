"""Request helpers every view and middleware shares: the client's address behind trusted proxies, safe return URLs."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """The visitor's address.

    ``REMOTE_ADDR`` is the connecting peer. Only when that peer is one of ``PORTAL_TRUSTED_PROXIES`` (addresses or
    networks; empty by default, docs/operations.md) is ``X-Forwarded-For`` read, from the right: the first hop that is
    not itself a trusted proxy is the client. Anything to the left of it was written by the client and is ignored,
    so a forged header from outside changes nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = _networks(tuple(settings.PORTAL_TRUSTED_PROXIES))
    remote_ip = _ip(remote)
    if not trusted or remote_ip is None or not any(remote_ip in net for net in trusted):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        hop_ip = _ip(hop)
        if hop_ip is None:
            return remote
        if not any(hop_ip in net for net in trusted):
            return str(hop_ip)
    return str(_ip(hops[0])) if hops else remote


def safe_next(request, fallback: str = "home", *, param: str = "next") -> str:
    """The ``next`` (POST, then GET) when it stays on this site, else ``fallback`` (a URL name or path).

    Django's ``url_has_allowed_host_and_scheme`` refuses other hosts, ``//host``, ``/\\host``, ``javascript:`` and
    an ``http:`` link from an HTTPS page.
    """
    target = request.POST.get(param) or request.GET.get(param) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(fallback)
