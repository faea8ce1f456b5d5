"""The home page, the accessibility statement and the error pages."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from .selectors import home_sections


def home(request):
    return render(request, "core/home.html", {"sections": home_sections(request.user)})


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html")


@login_not_required
def csrf_failure(request, reason=""):
    return render(request, "core/csrf_failure.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def server_error(request):
    return render(request, "500.html", status=500)
