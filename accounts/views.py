"""Sign in (password, then a TOTP code), set up an authenticator, sign out, change password, one's own API tokens."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from core.exceptions import BusinessRuleError

from .forms import ChangePasswordForm, EnrolmentCodeForm, SignInForm, TokenForm
from .models import ApiToken
from .services import (
    api_token_collect,
    api_token_revoke,
    enrolment_code_redeem,
    totp_device_confirm,
    user_sign_in,
    user_sign_out,
)

PENDING_USER = "sin_pending_user_id"
PENDING_NEXT = "sin_pending_next"
PENDING_FAILURES = "sin_pending_failures"
# The pending person entered a valid enrolment code in this session: the QR code may be shown.
PENDING_ENROLMENT = "sin_pending_enrolment"
MAX_CODE_FAILURES = 5


def _safe_next(request, candidate: str | None) -> str:
    """Where to go after signing in: only a path on this site, never an open redirect."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _pending_user(request):
    user_id = request.session.get(PENDING_USER)
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def _clear_pending(request) -> None:
    for key in (PENDING_USER, PENDING_NEXT, PENDING_FAILURES, PENDING_ENROLMENT):
        request.session.pop(key, None)


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if not settings.OTP_REQUIRED:
            user_sign_in(request=request, user=user, device=None)
            return redirect(next_url)
        # The password is right; the session is not signed in until the code is.
        request.session.cycle_key()
        request.session[PENDING_USER] = user.pk
        request.session[PENDING_NEXT] = next_url
        request.session[PENDING_FAILURES] = 0
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return redirect("accounts:verify")
        return redirect("accounts:set_up_authenticator")
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url})


def _check_code(request, user, device, form) -> bool:
    """True when the code is right and not used before; counts wrong ones."""
    if form.is_valid() and not device.verify_is_allowed()[0]:
        # django-otp refuses every code for a few seconds after a wrong one: say so, rather than "not right".
        form.add_error(
            "token", "Wait a few seconds, then enter the code shown now. Codes are refused for a moment after a wrong one."
        )
        return False
    if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
        return True
    if form.is_valid():
        form.add_error("token", "The security code is not right, or has been used already. Enter the code shown now.")
        failures = request.session.get(PENDING_FAILURES, 0) + 1
        request.session[PENDING_FAILURES] = failures
        audit_record(actor=None, action="second_factor_failed", obj=user)
    return False


@login_not_required
@csrf_protect
@never_cache
def verify(request):
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:set_up_authenticator")
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if _check_code(request, user, device, form):
            next_url = request.session.get(PENDING_NEXT)
            _clear_pending(request)
            user_sign_in(request=request, user=user, device=device)
            return redirect(_safe_next(request, next_url))
        if request.session.get(PENDING_FAILURES, 0) >= MAX_CODE_FAILURES:
            _clear_pending(request)
            messages.error(request, "Too many wrong security codes. Sign in again.")
            return redirect("accounts:login")
    return render(request, "accounts/verify.html", {"form": form})


@login_not_required
@csrf_protect
@never_cache
def set_up_authenticator(request):
    """First sign-in with the second factor enforced: the emailed set-up code, then scan a QR code and confirm a code.

    The password alone shows no QR code (issue 12.6): whoever knows or set it
    must also have the one-time code sent to the person's own email address.
    """
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:verify")
    if request.session.get(PENDING_ENROLMENT) != user.pk:
        return _ask_for_enrolment_code(request, user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Authenticator app"})
    form = TokenForm(request.POST or None, submit_label="Confirm and sign in")
    if request.method == "POST":
        if _check_code(request, user, device, form):
            next_url = request.session.get(PENDING_NEXT)
            _clear_pending(request)
            totp_device_confirm(user=user, device=device)
            user_sign_in(request=request, user=user, device=device)
            return redirect(_safe_next(request, next_url))
        if request.session.get(PENDING_FAILURES, 0) >= MAX_CODE_FAILURES:
            _clear_pending(request)
            messages.error(request, "Too many wrong security codes. Sign in again.")
            return redirect("accounts:login")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/set_up.html", {"form": form, "qr_svg": qr_svg, "secret": secret})


def _ask_for_enrolment_code(request, user):
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if enrolment_code_redeem(user=user, typed=form.cleaned_data["code"]):
            # A fresh key: nobody saw a QR code shown before this code was given.
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            request.session[PENDING_ENROLMENT] = user.pk
            request.session[PENDING_FAILURES] = 0
            return redirect("accounts:set_up_authenticator")
        form.add_error(
            "code",
            "The set-up code is not right, has been used already or has expired. "
            "Check the latest email, or ask an administrator for a new code.",
        )
    if request.method == "POST" and not form.is_valid():
        failures = request.session.get(PENDING_FAILURES, 0) + 1
        request.session[PENDING_FAILURES] = failures
        if failures >= MAX_CODE_FAILURES:
            _clear_pending(request)
            messages.error(request, "Too many wrong set-up codes. Sign in again.")
            return redirect("accounts:login")
    return render(
        request, "accounts/enrolment_code.html", {"form": form, "lifetime_hours": settings.ENROLMENT_CODE_LIFETIME_HOURS}
    )


@require_POST
@csrf_protect
def sign_out(request):
    user_sign_out(request=request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:login")


@sensitive_post_parameters()
@csrf_protect
@never_cache
def change_password(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit_record(actor=user, action="password_changed", obj=user)
        messages.success(request, "Your password has been changed.")
        return redirect("core:home")
    return render(request, "accounts/change_password.html", {"form": form})


def _code_is_right(user, form) -> bool:
    """A fresh code from the person's own authenticator, for a step that hands over a secret (step-up)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        form.add_error("token", "You have no authenticator app set up. Ask an administrator.")
        return False
    if form.is_valid() and not device.verify_is_allowed()[0]:
        form.add_error(
            "token", "Wait a few seconds, then enter the code shown now. Codes are refused for a moment after a wrong one."
        )
        return False
    if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
        return True
    if form.is_valid():
        form.add_error("token", "The security code is not right, or has been used already. Enter the code shown now.")
        audit_record(actor=user, action="second_factor_failed", obj=user, changes={"step": "api_token.collect"})
    return False


@csrf_protect
@never_cache
def api_tokens(request):
    """A person's own API tokens (docs/decisions/0010): collect a key once, with a fresh security code; revoke one."""
    user = request.user
    tokens = list(ApiToken.objects.filter(user=user).select_related("created_by"))
    forms = {t.pk: TokenForm(prefix=f"collect-{t.pk}", submit_label="Show the key") for t in tokens if t.is_collectable()}
    if request.method == "POST":
        token_id = request.POST.get("api_token", "")
        token = next((t for t in tokens if token_id.isdigit() and t.pk == int(token_id)), None)
        if token is None:
            raise Http404("No such token of yours.")
        if request.POST.get("action") == "revoke":
            try:
                api_token_revoke(actor=user, token_id=token.pk)
            except BusinessRuleError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"API token {token.prefix} is revoked: its key is refused from now on.")
            return redirect("accounts:api_tokens")
        if token.pk not in forms:
            messages.error(
                request, "This token's key cannot be collected: it was collected already, or has expired or been revoked."
            )
            return redirect("accounts:api_tokens")
        form = forms[token.pk] = TokenForm(request.POST, prefix=f"collect-{token.pk}", submit_label="Show the key")
        if not settings.OTP_REQUIRED or _code_is_right(user, form):
            try:
                key = api_token_collect(actor=user, token_id=token.pk)
            except BusinessRuleError as error:
                messages.error(request, error.message)
                return redirect("accounts:api_tokens")
            return render(request, "accounts/api_token_collected.html", {"token": token, "key": key})
    rows = [(token, forms.get(token.pk)) for token in tokens]
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "rows": rows,
            "errored": next((f for f in forms.values() if f.is_bound and f.errors), None),
            "code_required": settings.OTP_REQUIRED,
        },
    )
