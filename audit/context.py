"""The address a request came from, for the audit events it causes."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_address(request) -> str | None:
    """The person's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies, the address
    the outermost of them saw (counted from the right of X-Forwarded-For, which a client
    can fill with anything on the left)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


class RequestAddressMiddleware:
    """Remembers the client address of the request being served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
