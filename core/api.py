"""API error answers: a refused business rule is a 409 with its message, never a 500."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import BusinessRuleError


def exception_handler(exc, context):
    if isinstance(exc, BusinessRuleError):
        return Response({"detail": str(exc), "code": exc.code}, status=exc.status)
    return drf_exception_handler(exc, context)


class BoundedJSONParser(JSONParser):
    """JSON, where nesting deep enough to exhaust the parser is a 400 like any other malformed body."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply") from error


class IsPersonOrSystem(BasePermission):
    """A signed-in person, or a caller holding a token (a person's API token or a source system's)."""

    message = "Sign in, or send your token, to read the API description."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) or request.auth is not None
