from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from planning.reminders import queries, services


def notification_list(request):
    page = Paginator(queries.notifications_for(request.user), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "planning/reminders/notifications.html",
        {
            "page": page,
            "notifications": page.object_list,
            "unread": queries.unread_count_for_request(request),
        },
    )


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("my:notifications")


@require_POST
def notification_read(request, notification_pk):
    notification = queries.get_notification_or_404(request.user, notification_pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return _back(request)


@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return _back(request)
