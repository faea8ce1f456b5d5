from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .selectors import notifications_for
from .services import notification_mark_read, notifications_mark_all_read


def notification_list(request):
    page = Paginator(notifications_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "alerts/notification_list.html", {"page": page})


@require_POST
def notification_read(request, pk: int):
    notification_mark_read(user=request.user, notification_id=pk)
    return redirect("alerts:list")


@require_POST
def notification_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect("alerts:list")
