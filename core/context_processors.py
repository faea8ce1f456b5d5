"""What every page's layout needs: the service name, the person's roles, the navigation."""

from django.conf import settings
from django.urls import reverse

from organisation.selectors import access_for

from .features import unread_count
from .navigation import navigation_for


def service(request):
    user = getattr(request, "user", None)
    context = {"service_name": settings.SERVICE_NAME}
    if user is not None and user.is_authenticated:
        access = access_for(user)
        context["my_roles"] = [str(assignment) for assignment in access.assignments]
        unread = unread_count(user)
        context["unread_notifications"] = unread
        context["navigation"] = [
            {
                "text": f"{text} ({unread} unread)" if url_name == "alerts:list" and unread else text,
                "href": reverse(url_name),
                "active": request.path == reverse(url_name),
            }
            for text, url_name in navigation_for(user)
        ]
    return context
