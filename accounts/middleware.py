"""Session limits and the sign-in requirement, applied to every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SIGNED_IN_AT = "sin_signed_in_at"
LAST_SEEN_AT = "sin_last_seen_at"


class SessionLimitsMiddleware:
    """Signs a person out after an idle period and after an absolute limit.

    The idle timeout defaults to 30 minutes and the absolute limit to 10 hours
    (settings SESSION_IDLE_TIMEOUT_SECONDS and SESSION_ABSOLUTE_LIMIT_SECONDS).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            signed_in_at = request.session.get(SIGNED_IN_AT, now)
            last_seen_at = request.session.get(LAST_SEEN_AT, now)
            idle = now - last_seen_at > settings.SESSION_IDLE_TIMEOUT_SECONDS
            expired = now - signed_in_at > settings.SESSION_ABSOLUTE_LIMIT_SECONDS
            if idle or expired:
                logout(request)
                messages.info(
                    request,
                    "You were signed out because you had not done anything for a while."
                    if idle
                    else "You were signed out because your session reached its time limit.",
                )
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if SIGNED_IN_AT not in request.session:
                request.session[SIGNED_IN_AT] = signed_in_at
            # Written at most once a minute, so that reading a page does not write the session every time.
            if now - last_seen_at >= 60 or LAST_SEEN_AT not in request.session:
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


class VerifiedLoginRequiredMiddleware:
    """Every page needs a signed-in person who passed the second factor.

    A view opts out with Django's `login_not_required` decorator. The API
    answers for itself (DRF authentication), so it is left alone here, but a
    session that has not passed the second factor counts as nobody there too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if user.is_authenticated and settings.OTP_REQUIRED and not user.is_verified():
            # A half-finished sign-in never reaches anything but the code page.
            logout(request)
            user = request.user
        if not getattr(view_func, "login_required", True):
            return None
        if request.path.startswith("/api/"):
            return None
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return None
