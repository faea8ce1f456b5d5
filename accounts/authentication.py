"""`Authorization: Token <key>` for a person's API token (docs/decisions/0010).

The key is looked up by its SHA-256 hash; an expired or revoked token, or one
whose holder is deactivated, is refused. The request then runs as the holder,
with the holder's roles and visibility, exactly as their pages do.
"""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .services import api_token_for, api_token_used


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Authorization: Token <key>'.")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = api_token_for(key)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("The token has been revoked.")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed("The token has expired: ask an administrator for a new one.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's holder has been deactivated.")
        api_token_used(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Token realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "personalApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A person's API token, sent as `Token <key>`. An administrator issues it; its holder collects the key once, "
                "signed in, from their account page. It acts with the holder's roles and expires after 90 days by default."
            ),
        }
