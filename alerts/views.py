from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Notification
from .selectors import notifications_for
from .services import notification_mark_read, notifications_mark_all_read


def notification_list(request):
    page = Paginator(notifications_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "alerts/notification_list.html", {"page": page})


@require_POST
def notification_read(request, pk: int):
    # Someone else's notification does not exist for this person.
    get_object_or_404(Notification.objects.filter(recipient=request.user), pk=pk)
    notification_mark_read(user=request.user, notification_id=pk)
    return redirect("alerts:list")


@require_POST
def notification_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect("alerts:list")
