"""Sign-in steps and personal API tokens: every change of state, each audited."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from core.exceptions import NotAllowed, WrongStage

from .middleware import LAST_SEEN_AT, SIGNED_IN_AT
from .models import ApiToken, EnrolmentCode

logger = logging.getLogger(__name__)

API_TOKEN_PREFIX = "sin"


def user_sign_in(*, request, user, device: TOTPDevice | None) -> None:
    """Start a session for a person who proved who they are (a new session key: no fixation)."""
    with transaction.atomic():
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if device is not None:
            otp_login(request, device)
        request.session.pop(SIGNED_IN_AT, None)
        request.session.pop(LAST_SEEN_AT, None)
        audit_record(actor=user, action="sign_in", obj=user, changes={"second_factor": device is not None})


def user_sign_out(*, request) -> None:
    user = request.user
    with transaction.atomic():
        if user.is_authenticated:
            audit_record(actor=user, action="sign_out", obj=user)
        logout(request)


# --- a first authenticator: the one-time enrolment code (issue 12.6, docs/decisions/0010) ------------

# No 0/O or 1/I/L to misread; 12 characters of 31 are about 59 bits.
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ENROLMENT_CODE_LENGTH = 12


def normalise_enrolment_code(typed: str) -> str:
    """As typed ('abcd-efgh jkmn') to as stored: capitals, no spaces or dashes."""
    return "".join(ch for ch in (typed or "").upper() if ch not in " -\t")


def enrolment_code_issue(*, actor, user) -> EnrolmentCode:
    """An administrator sends a person the code that lets them set up their first authenticator.

    The code goes to the person's own email address once the transaction
    commits; only its hash is kept, and any earlier unused code is voided.
    """
    with transaction.atomic():
        if not user.is_active:
            raise WrongStage(f"{user} is deactivated.")
        if not user.email:
            raise WrongStage(f"{user} has no email address: add one first, so that the code reaches them and nobody else.")
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise WrongStage(f"{user} has an authenticator already. If they lost it, remove it (Authenticator devices) first.")
        now = timezone.now()
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True, voided_at__isnull=True).update(voided_at=now)
        plain = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _ in range(ENROLMENT_CODE_LENGTH))
        expires_at = now + timedelta(hours=settings.ENROLMENT_CODE_LIFETIME_HOURS)
        code = EnrolmentCode.objects.create(user=user, code_hash=make_password(plain), created_by=actor, expires_at=expires_at)
        audit_record(
            actor=actor, action="enrolment_code.issue", obj=user, changes={"to": user.email, "expires_at": expires_at.isoformat()}
        )
        shown = "-".join(plain[i : i + 4] for i in range(0, ENROLMENT_CODE_LENGTH, 4))
        _email_after_commit(
            user=user,
            about="enrolment_code",
            subject=f"{settings.SERVICE_NAME}: your code to set up your authenticator app",
            body=(
                f"Your code to set up your authenticator app is:\n\n    {shown}\n\n"
                f"Sign in at {_page(reverse('accounts:login'))} with your username and password; you will be asked for this "
                f"code, then shown a QR code to scan. The code works once, until {timezone.localtime(expires_at):%d %B %Y %H:%M}.\n\n"
                "Nobody from the service will ever ask you for it. If you did not expect this email, tell the service's administrators.\n"
            ),
        )
    return code


def enrolment_code_redeem(*, user, typed: str) -> bool:
    """The person, with the password right, enters their code: True (and the code is spent) when it is theirs and live."""
    typed = normalise_enrolment_code(typed)
    with transaction.atomic():
        now = timezone.now()
        codes = list(
            EnrolmentCode.objects.select_for_update().filter(
                user=user,
                used_at__isnull=True,
                voided_at__isnull=True,
                expires_at__gt=now,
            )
        )
        for code in codes:
            if len(typed) == ENROLMENT_CODE_LENGTH and check_password(typed, code.code_hash):
                code.used_at = now
                code.save(update_fields=["used_at"])
                audit_record(actor=None, action="enrolment_code.use", obj=user)
                return True
        audit_record(actor=None, action="enrolment_code.failed", obj=user)
    return False


def totp_device_confirm(*, user, device: TOTPDevice) -> None:
    """Confirm a new authenticator after its first correct code."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="second_factor_set_up", obj=user)


# --- email outside the alerts machinery ---------------------------------------------------


def _email_after_commit(*, user, subject: str, body: str, about: str) -> None:
    """Email the person once the transaction commits (never for a change that rolled back).

    The alerts' email queue is for alerts about an incident (every EmailDelivery
    has one), so account emails go by Django's send_mail. A failure is logged
    and written to the audit trail, where an administrator sees it and issues
    again; nothing secret is in the trail or the log.
    """
    address = user.email

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
        except Exception as error:  # the mail server refused or was away: record it, an administrator issues again
            logger.warning("Could not send the %s email to user %s: %s", about, user.pk, type(error).__name__)
            with transaction.atomic():
                audit_record(actor=None, action=f"{about}.email_failed", obj=user, changes={"error": type(error).__name__})

    transaction.on_commit(send)


def _page(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- personal API tokens (docs/decisions/0010) ----------------------------------------------


def hash_api_key(key: str) -> str:
    """Keys are long random strings, so one round of SHA-256 keeps them unreadable at rest."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_request(*, actor, user, purpose: str) -> ApiToken:
    """An administrator issues a token for a named person: a row with no key yet.

    The person collects the key themselves (`api_token_collect`), so the
    administrator never sees it. The person is told by email, without any secret.
    """
    purpose = (purpose or "").strip()
    if not purpose:
        raise WrongStage("Say what the token is for.")
    with transaction.atomic():
        if not user.is_active:
            raise WrongStage(f"{user} is deactivated: a token would never be accepted.")
        now = timezone.now()
        token = ApiToken.objects.create(
            user=user,
            purpose=purpose[:200],
            prefix=secrets.token_hex(4),
            created_by=actor,
            expires_at=now + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS),
        )
        audit_record(
            actor=actor,
            action="api_token.issue",
            obj=token,
            changes={"holder": user.get_username(), "purpose": token.purpose, "expires_at": token.expires_at.isoformat()},
        )
        if user.email:
            _email_after_commit(
                user=user,
                about="api_token",
                subject=f"{settings.SERVICE_NAME}: an API token is ready for you to collect",
                body=(
                    f"An administrator has issued an API token for you ({token.purpose}).\n\n"
                    f"Sign in and collect its key from {_page(reverse('accounts:api_tokens'))} before "
                    f"{timezone.localtime(token.expires_at):%d %B %Y}. The key is shown to you once; nobody else can see it.\n\n"
                    "If you did not ask for a token, tell the service's administrators.\n"
                ),
            )
    return token


def api_token_collect(*, actor, token_id: int) -> str:
    """The holder, signed in with the second factor, takes the key: once. Returns it; only its hash is kept."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or token.user_id != actor.pk:
            raise NotAllowed("Only the person a token is for can collect its key.")
        if not token.is_collectable():
            raise WrongStage(
                f"This token's key cannot be collected: {token.status().lower()}."
                if token.collected_at is None
                else "This token's key was collected already, and is shown only once. Revoke it and ask for another."
            )
        key = f"{API_TOKEN_PREFIX}_{token.prefix}_{secrets.token_urlsafe(32)}"
        token.key_hash = hash_api_key(key)
        token.collected_at = timezone.now()
        token.save(update_fields=["key_hash", "collected_at"])
        audit_record(actor=actor, action="api_token.collect", obj=token, changes={"prefix": token.prefix})
    return key


def _may_revoke_any_token(actor) -> bool:
    return bool(actor.is_active and actor.is_staff and actor.has_perm("accounts.change_apitoken"))


def api_token_revoke(*, actor, token_id: int) -> ApiToken:
    """Its holder or an administrator revokes a token: from now on its key is refused."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or (token.user_id != actor.pk and not _may_revoke_any_token(actor)):
            raise NotAllowed("Only the token's holder or an administrator can revoke it.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(actor=actor, action="api_token.revoke", obj=token, changes={"prefix": token.prefix})
    return token


def api_tokens_revoke_for(*, actor, user, reason: str) -> int:
    """Revoke every token of `user` not revoked yet (they were deactivated): in the caller's transaction."""
    with transaction.atomic():
        now = timezone.now()
        tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
        for token in tokens:
            token.revoked_at = now
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(actor=actor, action="api_token.revoke", obj=token, changes={"prefix": token.prefix, "reason": reason})
    return len(tokens)


def api_token_for(key: str) -> ApiToken | None:
    """The token whose key this is, with its holder, or None. Whether it is still accepted is the caller's question."""
    if not key or len(key) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_api_key(key)).first()


def api_token_used(token: ApiToken) -> None:
    """Note when a token was last used: at most once a minute, so a burst of requests does not queue on one row."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
