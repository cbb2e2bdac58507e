import hashlib
import json
import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kefu.contacts.models import Channel
from kefu.contacts.queries import contacts_visible_to
from kefu.core.forms import SigninForm
from kefu.core.health import health_report
from kefu.core.http import request_user
from kefu.core.middleware import session_passive
from kefu.core.models import OrgUnit, User
from kefu.core.queries import (
    counts_by,
    daily_counts,
    notification_get_for_user,
    notification_groups,
    notification_kinds_of,
    unread_notification_count,
)
from kefu.core.roles import CHANGE_TARGETS, VIEW_REPORTS
from kefu.core.services import notifications_mark_read, user_password_change
from kefu.insights.queries.topics import HotTopic, hot_topics_of
from kefu.metrics import reports
from kefu.supervision.queries.honours import board_of as honours_board_of
from kefu.tickets.models import STATE_CHOICES, Kind
from kefu.tickets.queries import (
    open_by_department,
    overdue_at,
    tickets_visible_to,
    with_list_relations,
)
from kefu.web.forms import ThresholdsForm
from kefu.web.navigation import home_for
from kefu.web.queries import Board, board_of, recent_breaches, thresholds_of, today_lines
from kefu.web.services import wallboard_breaches_record, wallboard_thresholds_set

TREND_DAYS = 30
TREND_CACHE_SECONDS = 3600
# 今日指标: the figures a supervisor steers the day by, in the order they are read.
TODAY_INDICATORS = (
    "service_level",
    "answered",
    "abandoned",
    "asa_seconds",
    "abandon_rate",
    "answered_rate",
    "aht_seconds",
    "occupancy",
    "fcr",
    "complaints_per_10k",
)


def _labelled(counts: dict[Any, int], choices: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"code": code, "label": label, "count": counts[code]}
        for code, label in choices
        if counts.get(code)
    ]


def _centre_today(user: User) -> dict[str, Any]:
    """The figures the dashboard and the wallboard share: today's volumes and open orders."""
    now = timezone.now()
    today = timezone.localdate()
    midnight = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    tickets = tickets_visible_to(user)
    contacts = contacts_visible_to(user)
    departments = open_by_department(user, now)
    totals = {key: sum(row[key] for row in departments) for key in ("open", "warning", "overdue")}
    totals["created_today"] = tickets.filter(created_at__gte=midnight).count()
    return {
        "now": now,
        "today": today,
        "midnight": midnight,
        "tickets": tickets,
        "contacts": contacts,
        "contacts_today": contacts.filter(started_at__gte=midnight).count(),
        "totals": totals,
        "departments": departments,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts its day on its own page."""
    return redirect(home_for(request_user(request).role))


class SigninView(LoginView):
    """The login page: a locked user name or address answers 429 with the wait in the form."""

    form_class = SigninForm

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.throttled is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled.detail["retry_after"])
        return response


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: the user sets a new password of their own, under the password policy."""
    user = request_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_password_change(actor=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)  # this session stays; the others end
        messages.success(
            request, _("Your password has been changed. Your API tokens no longer work.")
        )
        return redirect("password_change")
    return render(
        request,
        "registration/password_change.html",
        {"form": form, "password_rules": password_validators_help_texts()},
    )


# Beyond this the badge says 99+: a number the eye takes in at once.
BADGE_MAX = 99


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """通知: grouped by the work order or article they are about, filtered by kind and by
    read or unread; all (of the kind shown) or one group marked read at once."""
    user = request_user(request)
    kinds = notification_kinds_of(user)
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(kinds) else ""
    shown = request.GET.get("state", "")
    unread = {"unread": True, "read": False}.get(shown)
    groups = notification_groups(user, kind=kind, unread=unread)
    return render(
        request,
        "web/notifications.html",
        {
            "groups": groups,
            "kinds": kinds,
            "kind": kind,
            "state": shown if unread is not None else "",
            "states": [("", _("All")), ("unread", _("Unread")), ("read", _("Read"))],
            "unread": unread_notification_count(user),
        },
    )


@session_passive
@login_required
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the top bar, polled by htmx: 99+ past 99."""
    count = unread_notification_count(request_user(request))
    return HttpResponse(f"{BADGE_MAX}+" if count > BADGE_MAX else str(count) if count else "")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark read: all, all of one kind, or the ones about one thing (`link`)."""
    user = request_user(request)
    kind = request.POST.get("kind", "")[:32]
    link = request.POST.get("link", "")[:200]
    notifications_mark_read(actor=user, kind=kind, link=link)
    back = request.POST.get("next", "")
    if back.startswith("/notifications/") and url_has_allowed_host_and_scheme(back, None):
        return redirect(back)
    return redirect("notifications")


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link; it is read from then on."""
    user = request_user(request)
    item = notification_get_for_user(user, notification_id)
    notifications_mark_read(actor=user, ids=[item.pk])
    if item.link.startswith("/") and url_has_allowed_host_and_scheme(item.link, None):
        return redirect(item.link)
    return redirect("notifications")


def _trend(rows: QuerySet[Any], field: str, days: list[date]) -> list[int]:
    """Daily counts: days gone by are read once an hour (they no longer change), today
    every time. Keyed by the query, so each centre and scope has its own."""
    scope = hashlib.sha256(f"{rows.query}|{field}|{days[0]}|{days[-1]}".encode()).hexdigest()
    key = f"kefu:trend:{scope}"
    past: list[int] | None = cache.get(key)
    if past is None:
        past = daily_counts(rows, field, days[:-1])
        cache.set(key, past, TREND_CACHE_SECONDS)
    return [*past, *daily_counts(rows, field, days[-1:])]


def _today_indicators(user: User, today: date) -> list[reports.Line] | None:
    """Today's key indicators so far, judged against the centre's targets, for those who
    may see reports; off-target ones carry their management actions. The wallboard shows
    the same computation (`today_lines`)."""
    if not user.has_perm(VIEW_REPORTS) or user.centre is None:
        return None
    lines = today_lines(user.centre, today)
    return [lines[code] for code in TODAY_INDICATORS if code in lines]


#: Hot topics on the dashboard; the rest are on the hot-topics page.
DASHBOARD_TOPICS = 5


def _hot_topics(user: User) -> list[HotTopic] | None:
    """Today's rising and new call reasons so far, for those who may see reports."""
    if not user.has_perm(VIEW_REPORTS) or user.centre is None:
        return None
    return hot_topics_of(user, limit=DASHBOARD_TOPICS, examples=False).topics


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """监控: today's volumes, open orders by department, the oldest overdue, 30-day trends;
    every figure links to the list behind it."""
    user = request_user(request)
    centre = _centre_today(user)
    today, midnight, now = centre["today"], centre["midnight"], centre["now"]
    tickets, contacts = centre["tickets"], centre["contacts"]
    created_today = tickets.filter(created_at__gte=midnight)
    first_day = today - timedelta(days=TREND_DAYS - 1)
    days = [first_day + timedelta(days=n) for n in range(TREND_DAYS)]
    trends = {
        "contacts": _trend(contacts, "started_at", days),
        "created": _trend(tickets, "created_at", days),
        "closed": _trend(tickets, "closed_at", days),
    }
    return render(
        request,
        "web/dashboard.html",
        {
            **centre,
            "today_indicators": _today_indicators(user, today),
            "hot_topics": _hot_topics(user),
            "honours_board": honours_board_of(user),
            "by_channel": _labelled(
                counts_by(contacts.filter(started_at__gte=midnight), "channel"), Channel.choices
            ),
            "by_kind": _labelled(counts_by(created_today, "kind"), Kind.choices),
            "by_state": _labelled(counts_by(created_today, "state"), STATE_CHOICES),
            "oldest_overdue": list(
                with_list_relations(tickets.filter(overdue_at(now))).order_by("stage_due_at")[:10]
            ),
            "trend": {
                "days": [f"{day:%m-%d}" for day in days],
                "series": [
                    {"name": str(name), "data": trends[key]}
                    for key, name in (
                        ("contacts", _("Contacts")),
                        ("created", _("Orders accepted")),
                        ("closed", _("Orders closed")),
                    )
                ],
            },
        },
    )


@login_required
def wallboard(request: HttpRequest) -> HttpResponse:
    """大屏: the centre's calls and agents live, today's call figures, and its work orders.
    The live part polls `wallboard_live` every few seconds, the orders every 30 s."""
    user = request_user(request)
    context = _centre_today(user)
    if user.centre is not None:
        context["board"] = _board(user.centre, context["now"], context["today"])
    context["live_seconds"] = LIVE_POLL_SECONDS
    context["honours_board"] = honours_board_of(user)
    context["can_set_thresholds"] = user.has_perm(CHANGE_TARGETS)
    return render(request, "web/wallboard.html", context)


# How often an open wallboard asks for the live figures: with ingestion's own second,
# a figure is on the wall within about three seconds of its event reaching kefu.
LIVE_POLL_SECONDS = 2


def _board(centre: OrgUnit, now: datetime, today: date) -> Board:
    """The board at `now`, and the breaches it shows recorded (the leaders told once)."""
    board = board_of(centre, now, today)
    if board.thresholds is not None:
        wallboard_breaches_record(centre=centre, breaches=board.breaches, now=now)
    return board


@session_passive
@login_required
@require_GET
def wallboard_live(request: HttpRequest) -> HttpResponse:
    """The wallboard's live part, read from the database on every request, so whichever
    web process answers shows the same."""
    user = request_user(request)
    if user.centre is None:
        return HttpResponse(status=204)
    now = timezone.now()
    board = _board(user.centre, now, timezone.localdate(now))
    response = render(
        request,
        "web/partials/live.html",
        {"board": board, "now": now, "live_seconds": LIVE_POLL_SECONDS},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def wallboard_thresholds(request: HttpRequest) -> HttpResponse:
    """大屏阈值: the manager sets when a tile turns red and the team leaders are told."""
    user = request_user(request)
    if not user.has_perm(CHANGE_TARGETS) or user.centre is None:
        raise PermissionDenied
    form = ThresholdsForm.of(thresholds_of(user.centre), request.POST or None)
    if request.method == "POST" and form.is_valid():
        wallboard_thresholds_set(
            actor=user,
            waiting=form.cleaned_data["waiting"],
            longest_wait_seconds=form.cleaned_data["longest_wait_seconds"],
            service_level=form.service_level(),
        )
        messages.success(request, _("The wallboard thresholds are saved."))
        return redirect("wallboard_thresholds")
    return render(
        request,
        "web/wallboard_thresholds.html",
        {"form": form, "breaches": recent_breaches(user.centre)},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring (no sign-in; it tells nothing about the data).

    503 when the database does not answer: this server cannot serve, take it out. A stale
    worker or queue is `degraded` with 200, since the pages still work and every web
    server shares the one worker; `?strict=1` makes `degraded` a 503 too, for monitors
    that read only the status code."""
    report = health_report()
    healthy = report["status"] == "ok" or (
        report["status"] == "degraded" and "strict" not in request.GET
    )
    response = JsonResponse(report, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


CSP_REPORT_MAX_BYTES = 16_384
CSP_REPORT_FIELDS = ("document-uri", "violated-directive", "blocked-uri", "source-file")
csp_log = logging.getLogger("kefu.csp")


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Where browsers send what the Content-Security-Policy blocked: logged as a warning,
    a few fields each cut short, so that an operator sees an injection attempt or a page
    that breaks the policy. Anyone may post here, so nothing is stored."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = CSP_REPORT_MAX_BYTES + 1
    if 0 < length <= CSP_REPORT_MAX_BYTES:
        try:
            report = json.loads(request.body).get("csp-report", {})
        except (ValueError, AttributeError):
            report = None
        if isinstance(report, dict):
            fields = {name: str(report.get(name, ""))[:200] for name in CSP_REPORT_FIELDS}
            csp_log.warning("Content-Security-Policy violation: %s", fields)
    return HttpResponse(status=204)
