"""API error answers: a refused business rule is a 409 with its message, never a 500."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import BusinessRuleError


def exception_handler(exc, context):
    if isinstance(exc, BusinessRuleError):
        return Response({"detail": str(exc), "code": exc.code}, status=exc.status)
    return drf_exception_handler(exc, context)
