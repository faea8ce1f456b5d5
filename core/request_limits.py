"""A request too large to read answers in the service's own words (docs/decisions/0009).

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (or with more than
DATA_UPLOAD_MAX_NUMBER_FIELDS fields) the moment something reads it, and answers
with its bare HTML "Bad Request". The limit is set well above anything the forms
accept, so that an over-long text is read and refused beside its field, with
everything typed kept. Only a body beyond it is refused here, with 413: under
/api/ in JSON naming the limit, elsewhere with the GOV.UK error page saying it.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def body_limit() -> str:
    """The limit, as people read it ("10.0 MB")."""
    return filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class RequestSizeLimitMiddleware:
    """Answers 413 when Django refuses a body as too large: read here for a page, where the CSRF check
    would read it; raised by the view for the API, which reads its own body (and refuses what it cannot parse)."""

    TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS") and not request.path.startswith("/api/"):
            try:
                if request.method == "POST" and request.content_type in FORM_TYPES:
                    # Parsed as the view would have it: for multipart, the limit counts the fields, not the files.
                    request.POST  # noqa: B018
                else:
                    request.body  # noqa: B018
            except self.TOO_LARGE as error:
                return too_large(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, self.TOO_LARGE):
            return too_large(request, exception)
        return None


def too_large(request, error: Exception):
    if isinstance(error, RequestDataTooBig):
        message = f"What you sent is larger than the {body_limit()} this service accepts."
    else:
        message = f"What you sent has more than the {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields this service accepts."
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": f"{message} Each text field takes at most the characters the schema gives as its maxLength.",
                "code": "too_large",
                "limit_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            },
            status=413,
        )
    return render(request, "413.html", {"message": message}, status=413)
