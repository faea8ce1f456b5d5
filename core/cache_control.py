"""No copy of a page or an API answer is kept by a browser or a proxy.

Nearly every response of this service carries personal data (a child's
initials, what happened, who decided what), and a shared computer's browser
cache or a proxy would otherwise keep a copy after the person has signed out.
So every response that Django produces is marked `Cache-Control: no-store`
(with `Pragma: no-cache` for HTTP/1.0 caches). Static assets are served by
WhiteNoise before this middleware runs, so they keep their long cache
lifetimes; anything under STATIC_URL that reaches Django is left alone too.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

# Directives that would let a cache keep or share the response.
_CACHING_DIRECTIVES = ("public", "max-age", "s-maxage", "immutable", "stale-while-revalidate", "stale-if-error")


class NoStoreMiddleware:
    """Marks every response of the application (not static assets) as not to be stored by any cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
            return response
        existing = [d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()]
        kept = [d for d in existing if d.split("=", 1)[0].strip().lower() not in _CACHING_DIRECTIVES]
        if kept != existing:
            response["Cache-Control"] = ", ".join(kept)
            if not kept:
                del response["Cache-Control"]
        patch_cache_control(response, no_store=True)
        response["Pragma"] = "no-cache"
        return response
