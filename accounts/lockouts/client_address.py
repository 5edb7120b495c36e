"""The sign-in's client address, as axes' AXES_CLIENT_IP_CALLABLE.

Behind KAM_TRUSTED_PROXIES reverse proxies, each proxy appends the address it saw to
X-Forwarded-For, so the N-th entry from the right is the address the outermost trusted proxy saw.
Everything to its left was written by the client and proves nothing. With no trusted proxy the
header is ignored altogether."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.KAM_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        # A request that did not come through every proxy: the nearest peer is all we know.
        return remote
    return _valid(hops[-proxies]) or remote


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
