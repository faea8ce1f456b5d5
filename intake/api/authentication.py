"""`Authorization: Bearer <token>` for source systems; nothing else accepts these tokens."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from ..models import SourceToken
from ..services import source_token_for


class SourceTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Authorization: Bearer <token>'.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = source_token_for(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid, or has been revoked.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            # At most once a minute, so that a burst of requests does not queue on one row.
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        # The caller is a system, not a person: request.user stays anonymous (no role, sees no
        # incident, and every page or handler that reads request.user sees nobody); request.auth
        # is the token, and through it the source system.
        return AnonymousUser(), token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="intake"'


class IsSourceSystem(permissions.BasePermission):
    message = "Only a source system's token is accepted here."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, SourceToken)


class SourceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "intake.api.authentication.SourceTokenAuthentication"
    name = "sourceSystemToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token issued to one source system by an administrator (Django admin > Source tokens).",
        }
