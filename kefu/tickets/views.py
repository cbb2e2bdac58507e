"""Work-order pages: the list, one order, the back office's queues, a department's inbox.
Thin: reads through queries, every change through services.ticket_act."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden, Invalid, NotFound
from kefu.core.exports import EXPORT_LIMIT, local, person, xlsx_response
from kefu.core.http import request_user
from kefu.core.listing import page_of
from kefu.core.models import User
from kefu.core.pagination import Listing
from kefu.core.queries import departments_of
from kefu.knowledge.queries import articles_for_ticket
from kefu.tickets import services
from kefu.tickets.forms import MANUAL_ESCALATION_SOURCES, ActionForm, AwayForm, TicketFilterForm
from kefu.tickets.lifecycle import EXPERT_ACTIONS
from kefu.tickets.models import (
    ACTION_CHOICES,
    CALLBACK_OUTCOME_CHOICES,
    REPLY_CHANNEL_CHOICES,
    REPLY_CHANNEL_LABELS,
    STATE_CHOICES,
    EscalationSource,
    Ticket,
)
from kefu.tickets.queries import (
    BACKOFFICE_QUEUES,
    actions_for,
    backoffice_queue,
    backoffice_queue_sizes,
    colleagues_in,
    colleagues_of,
    department_inbox,
    dispatch_rules_of,
    leaders_inbox,
    phrases_for,
    send_backs,
    sent_to_agents,
    suggest_department,
    ticket_attachment_get_for_user,
    ticket_duplicates,
    ticket_events,
    ticket_get_for_user,
    ticket_list,
    ticket_stage_spans,
    ticket_status,
    with_list_relations,
)
from kefu.tickets.stages import STAGE_LABELS

ACTION_LABELS = dict(ACTION_CHOICES)
SENT_BACK_DAYS = 30
CAME_BACK = "came_back"  # the back office's tab of work that came back
STATE_LABELS = dict(STATE_CHOICES)
ESCALATION_SOURCE_LABELS = dict(EscalationSource.choices)


def _rows(tickets: list[Ticket]) -> list[dict[str, Any]]:
    now = timezone.now()
    return [{"ticket": ticket, "status": ticket_status(ticket, now)} for ticket in tickets]


def _filtered(request: HttpRequest) -> tuple[TicketFilterForm, Listing | None]:
    form = TicketFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, ticket_list(request_user(request), **form.filters())


@login_required
def ticket_list_page(request: HttpRequest) -> HttpResponse:
    form, listing = _filtered(request)
    page, query = (
        page_of(request, with_list_relations(listing.rows), listing.count_upto)
        if listing is not None
        else page_of(request, None)
    )
    return render(
        request,
        "tickets/list.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(list(page)) if page else [],
            "query": query,
            "departments": departments_of(request_user(request)),
        },
        status=200 if page is not None else 400,
    )


@login_required
def ticket_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as an .xlsx workbook, the first 10,000 orders."""
    _form, listing = _filtered(request)
    if listing is None:
        return HttpResponseBadRequest(_("The filters are not valid."))
    now = timezone.now()
    flags = {"ok": "", "warning": _("Warning"), "overdue": _("Overdue")}
    rows = (
        [
            ticket.number,
            ticket.get_kind_display(),
            ticket.get_state_display(),
            ticket.title,
            ticket.customer.name,
            ticket.department.name if ticket.department else "",
            person(ticket.assignee),
            local(ticket.created_at),
            local(ticket.stage_due_at),
            local(ticket.due_at),
            flags[ticket_status(ticket, now)],
        ]
        for ticket in with_list_relations(listing.rows)[:EXPORT_LIMIT]
    )
    header = [
        _("Number"),
        _("Kind"),
        _("State"),
        _("Title"),
        _("Customer"),
        _("Department"),
        _("Assignee"),
        _("Created"),
        _("Stage due"),
        _("Order due"),
        _("Time limit"),
    ]
    return xlsx_response(_("Work orders"), header, rows, fallback="work-orders")


def _detail_context(user: User, number: str) -> dict[str, Any]:
    ticket = ticket_get_for_user(user, number)
    events = list(ticket_events(ticket))
    spans = ticket_stage_spans(ticket, events)
    # The expert seat's own steps first: they are what its people are there for.
    actions = sorted(actions_for(user, ticket), key=lambda action: action not in EXPERT_ACTIONS)
    colleagues = colleagues_of(user, ticket) if "pass_on" in actions else []
    if not colleagues and "pass_on" in actions:
        actions.remove("pass_on")  # nobody to pass it to
    suggested = None
    if {"dispatch", "reassign"} & set(actions):
        suggested = suggest_department(dispatch_rules_of(ticket.centre_id), ticket)
    departments = departments_of(user)
    names = {unit.code: unit.name for unit in departments}
    for event in events:
        event.from_label = STATE_LABELS.get(event.from_state, "")  # type: ignore[attr-defined]
        event.to_label = STATE_LABELS.get(event.to_state, "")  # type: ignore[attr-defined]
        event.department_name = names.get(event.data.get("department", ""), "")  # type: ignore[attr-defined]
        event.source_label = ESCALATION_SOURCE_LABELS.get(event.data.get("source", ""), "")  # type: ignore[attr-defined]
        # A reply says how the customer was answered, by the channel's name.
        event.channel_label = REPLY_CHANNEL_LABELS.get(event.data.get("channel", ""), "")  # type: ignore[attr-defined]
    return {
        "ticket": ticket,
        "status": ticket_status(ticket, timezone.now()),
        "events": events,
        "spans": [
            {
                "span": span,
                "label": STAGE_LABELS.get(span.stage, span.stage),
                "percent": min(100, round(100 * span.used / span.limit)) if span.limit else None,
            }
            for span in spans
        ],
        "contacts": list(ticket.contacts.all()),
        "actions": [(action, ACTION_LABELS.get(action, action)) for action in actions],
        "departments": [unit for unit in departments if not unit.expert_seat],
        "suggested": suggested,
        "channels": REPLY_CHANNEL_CHOICES,
        "colleagues": colleagues,
        "outcomes": CALLBACK_OUTCOME_CHOICES,
        "attachments": list(ticket.attachments.select_related("uploaded_by")),
        "phrases": phrases_for(ticket) if {"reply", "callback"} & set(actions) else {},
        "articles": articles_for_ticket(user, ticket),
        "knowledge_use": {"ticket": ticket.number},
        "escalation_sources": MANUAL_ESCALATION_SOURCES,
        # Likely duplicates (issue 21 point 4), offered for merge where merge is allowed.
        "duplicates": ticket_duplicates(user, ticket),
        "may_merge": "merge" in actions,
        **_expert_context(),
    }


def _expert_context() -> dict[str, Any]:
    """What the expert seat's step forms offer (000 第8篇)."""
    return {
        "expert_actions": sorted(EXPERT_ACTIONS),
        # The expert answers while the customer is reachable: on the line, or in writing.
        "expert_channels": [
            (code, label)
            for code, label in REPLY_CHANNEL_CHOICES
            if code in {"phone", "sms", "wechat", "email"}
        ],
    }


@login_required
def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "tickets/detail.html", _detail_context(request_user(request), number))


@login_required
@require_POST
def ticket_act_page(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One action from the order's page, then back to the order as it stands now: with a
    note of what was done, or of why it was refused (POST, redirect, GET)."""
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _refused(request, number, action, _("Some fields are not valid."), status=400)
    try:
        services.ticket_act_with_files(
            actor=request_user(request),
            number=number,
            action=action,
            version=form.cleaned_data["version"],
            fields=form.action_input(),
            uploads=request.FILES.getlist("files"),
        )
    except (NotFound, Forbidden):
        raise
    except DomainError as refused:
        message = str(refused.message)
        if refused.code == "version_conflict":
            message = _(
                "Someone else changed this work order in the meantime. "
                "This is how it stands now; check it and try again."
            )
        return _refused(request, number, action, message, status=refused.status)
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    if request.POST.get("next") == "/department/" or action == "decline":
        # Sent back, the order is no longer the department's to see.
        return redirect("department")
    if request.POST.get("next") == "/tickets/leaders/":
        return redirect("leaders")
    return redirect("ticket_page", number=number)


def _refused(
    request: HttpRequest, number: str, action: str, message: str, *, status: int
) -> HttpResponse:
    """The order's page again, saying why the action was refused, with what was typed
    still in the action's form (and the order as it stands now, its version included)."""
    messages.error(request, message)
    context = _detail_context(request_user(request), number)
    context["kept"] = {"action": action, "values": request.POST}
    return render(request, "tickets/detail.html", context, status=status)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = ticket_attachment_get_for_user(request_user(request), attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
def backoffice_page(request: HttpRequest) -> HttpResponse:
    """The queues the back office works through, each soonest due first; and, on a tab of
    its own (`?queue=came_back`, read only when asked), how often work came back over the
    last 30 days (退单 per department, acceptances per agent)."""
    user = request_user(request)
    queue = request.GET.get("queue", "review")
    if queue not in BACKOFFICE_QUEUES and queue != CAME_BACK:
        queue = "review"
    counts = backoffice_queue_sizes(user)
    context: dict[str, Any] = {
        "queue": queue,
        "queues": [(name, counts[name]) for name in BACKOFFICE_QUEUES],
        "came_back": CAME_BACK,
        "rows": [],
    }
    if queue == CAME_BACK:
        since = timezone.now() - timedelta(days=SENT_BACK_DAYS)
        context["send_backs"] = send_backs(user, since=since)
        context["sent_to_agents"] = sent_to_agents(user, since=since)
    else:
        context["rows"] = rows = _rows(backoffice_queue(user, queue))
        context["departments"] = departments_of(user).filter(expert_seat=False)
        if queue == "review":
            rules = dispatch_rules_of(user.centre_id)  # type: ignore[arg-type]
            for row in rows:
                row["suggested"] = suggest_department(rules, row["ticket"])
    return render(request, "tickets/backoffice.html", context)


@login_required
@require_POST
def backoffice_dispatch(request: HttpRequest) -> HttpResponse:
    """Bulk dispatch: each chosen order to its chosen department, each in its own step."""
    user = request_user(request)
    done, refused = 0, []
    for number in request.POST.getlist("numbers")[:100]:
        try:
            version = int(request.POST.get(f"version-{number}", ""))
        except ValueError:
            refused.append(number)
            continue
        department = request.POST.get(f"department-{number}") or None
        try:
            services.ticket_act(
                actor=user,
                number=number,
                action="dispatch",
                version=version,
                fields=services.ActionInput(department=department),
            )
        except DomainError:
            refused.append(number)
        else:
            done += 1
    if done:
        messages.success(request, _("Dispatched %(count)d work orders.") % {"count": done})
    if refused:
        messages.error(
            request,
            _("Not dispatched, as they changed meanwhile or lack a department: %(numbers)s")
            % {"numbers": ", ".join(refused)},
        )
    return redirect("/backoffice/?queue=review")


@login_required
def department_page(request: HttpRequest, away_form: AwayForm | None = None) -> HttpResponse:
    """A department's open orders, the most pressing first, and the user's AB post."""
    user = request_user(request)
    form = away_form or AwayForm(initial={"backup": user.backup.username if user.backup else ""})
    return render(
        request,
        "tickets/department.html",
        {
            "rows": _rows(department_inbox(user)),
            "department": user.department,
            "away": user.away_until
            if user.away_until and user.away_until > timezone.now()
            else None,
            "away_form": form,
            "colleagues": colleagues_in(user),
        },
        status=400 if away_form is not None else 200,
    )


@login_required
@require_POST
def department_away(request: HttpRequest) -> HttpResponse:
    """Set or end the user's own absence (AB岗)."""
    user = request_user(request)
    form = AwayForm(request.POST)
    if not form.is_valid():
        return department_page(request, away_form=form)
    back = "back" in request.POST
    if not back and form.cleaned_data["until"] is None:
        form.add_error("until", _("Say until when you are away."))
        return department_page(request, away_form=form)
    try:
        passed = services.away_set(
            actor=user,
            username=user.username,
            backup=form.cleaned_data["backup"] or None,
            until=None if back else form.cleaned_data["until"],
        )
    except Invalid as refused:
        form.add_error(None, str(refused.message))
        return department_page(request, away_form=form)
    if back:
        messages.success(request, _("Welcome back: your notices come to you again."))
    else:
        messages.success(
            request,
            _("Your stand-in receives your notices; %(count)d work orders passed to them.")
            % {"count": len(passed)},
        )
    return redirect("department")


@login_required
def leaders_page(request: HttpRequest) -> HttpResponse:
    """The complaints about a staff member's attitude that the centre's team leaders and
    supervisors handle (002 第17篇 18-19), the most pressing first."""
    return render(
        request, "tickets/leaders.html", {"rows": _rows(leaders_inbox(request_user(request)))}
    )
