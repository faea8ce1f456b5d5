"""API error answers: JSON under /api/, always.

Every answer under /api/ is JSON, errors included, whatever the endpoint renders
when it succeeds (a Word file, a PDF) and whether or not the path is an
endpoint at all. A refused business rule is a 403 or 409 with its message,
never a 500; a field error is a 400 keyed by the request's own field names.
Each operation's schema lists the error answers it can give (core.api_schema).
"""

from django.http import JsonResponse
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import BusinessRuleError


def exception_handler(exc, context):
    if isinstance(exc, BusinessRuleError):
        response = Response({"detail": str(exc), "code": exc.code}, status=exc.status)
    else:
        response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        # An error is JSON even from an endpoint that renders files (documents.api).
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    return response


# --- answers outside the API's views ---------------------------------------------------------

API_PREFIX = "/api/"
STATUS_DETAIL = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "Something went wrong on our side. Try again later.",
}


def api_or_page(page_view, status: int):
    """An error handler (handler404, handler500...) that answers JSON under /api/ and the page elsewhere.

    It answers what the API's views do not: a path under /api/ that is no endpoint, or a
    failure outside DRF. (With DEBUG on, Django shows its technical pages instead.)
    """

    def handler(request, *args, **kwargs):
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": STATUS_DETAIL[status]}, status=status)
        return page_view(request, *args, **kwargs)

    handler.__name__ = handler.__qualname__ = f"api_or_{getattr(page_view, '__name__', 'page')}"
    return handler


# --- parsing and permissions -----------------------------------------------------------------


class BoundedJSONParser(JSONParser):
    """JSON, where nesting deep enough to exhaust the parser is a 400 like any other malformed body, and so
    is text that is not Unicode a database can keep (a lone surrogate such as "\\ud800", which JSON allows
    and PostgreSQL cannot store, or a NUL character)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply") from error
        if not _encodable(data):
            raise ParseError("JSON parse error - the text holds a NUL character or characters that are not valid Unicode")
        return data


def _encodable(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value  # PostgreSQL keeps no NUL in text
    if isinstance(value, dict):
        return all(_encodable(k) and _encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(v) for v in value)
    return True


# What the API's people endpoints read: JSON only, as the schema says (a form cannot send a null).
JSON_ONLY = [BoundedJSONParser]


class IsPersonOrSystem(BasePermission):
    """A signed-in person, or a caller holding a token (a person's API token or a source system's)."""

    message = "Sign in, or send your token, to read the API description."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) or request.auth is not None
