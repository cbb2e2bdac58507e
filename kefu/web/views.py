from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kefu.core.queries import notifications_of, unread_notification_count
from kefu.core.services import notifications_mark_read
from kefu.web.navigation import home_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts its day on its own page."""
    return redirect(home_for(request.user.role))  # type: ignore[union-attr]


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = notifications_of(request.user)  # type: ignore[arg-type]
    unread = any(item.read_at is None for item in items)
    return render(request, "web/notifications.html", {"items": items, "unread": unread})


@login_required
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the top bar, polled by htmx."""
    count = unread_notification_count(request.user)  # type: ignore[arg-type]
    return HttpResponse(str(count) if count else "")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(actor=request.user)  # type: ignore[arg-type]
    return redirect("notifications")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process serves and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
