"""What the agent does during a contact besides recording it (issue 15, 18 and 18a): send
the caller a knowledge answer by SMS, and call the team leader on duty for help (求助); the
leader's alert and take-over. Thin views and htmx partials, each included in the
workbench by one line."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.contacts import services
from kefu.contacts.models import ContactSms, HelpRequest
from kefu.contacts.queries import assistance_of, help_request_get_for_user, help_requests_open
from kefu.core.errors import DomainError, Invalid
from kefu.core.http import request_user
from kefu.core.masking import mask_phone
from kefu.core.models import User
from kefu.core.validation import MOBILE, InvalidNumber, normalize_phone, phone_kind
from kefu.customers.queries import customer_get_for_user
from kefu.knowledge.queries import article_get_for_user
from kefu.knowledge.rendering import render_markdown

SMS_MAX = ContactSms._meta.get_field("text").max_length or 500


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _context(request: HttpRequest) -> dict[str, Any]:
    """The call the request belongs to: the workbench form's token, caller and customer."""
    data = request.POST if request.method == "POST" else request.GET
    return {
        "session": data.get("submission", "")[:64],
        "caller": data.get("caller_number", "")[:32],
        "customer_id": _int(data.get("customer_id")),
    }


def _numbers(user: User, caller: str, customer_id: int | None) -> list[tuple[str, str, str]]:
    """The mobile numbers the text may go to, as (choice, number, masked): the caller's,
    then the customer's. Pages name them by choice, never by the number in clear."""
    found: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    candidates: list[tuple[str, str]] = []
    if caller:
        candidates.append(("caller", caller))
    if customer_id is not None:
        customer = customer_get_for_user(user, customer_id)
        candidates += [(f"phone-{phone.pk}", phone.number) for phone in customer.phones.all()]
    for choice, raw in candidates:
        try:
            number = normalize_phone(raw)
        except InvalidNumber:
            continue
        if number not in seen and phone_kind(number) == MOBILE:
            seen.add(number)
            found.append((choice, number, mask_phone(number)))
    return found


def _plain(markdown_text: str) -> str:
    """An article's Markdown as the plain text a phone shows."""
    text = strip_tags(render_markdown(markdown_text))
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def _assist(request: HttpRequest, *, compose: dict[str, Any] | None = None, status: int = 200,
            refused: str = "") -> HttpResponse:  # fmt: skip
    user = request_user(request)
    call = _context(request)
    return render(
        request,
        "contacts/partials/assist.html",
        {
            **call,
            "submission": call["session"],
            "assistance": assistance_of(user, call["session"]),
            "reasons": HelpRequest.Reason.choices,
            "compose": compose,
            "refused": refused,
            "sms_max": SMS_MAX,
        },
        status=status,
    )


@login_required
def sms_compose(request: HttpRequest) -> HttpResponse:
    """The text of a knowledge answer, ready to send and to edit, with the caller's mobile
    numbers to choose from (masked)."""
    user = request_user(request)
    call = _context(request)
    article = article_get_for_user(user, _int(request.GET.get("article")) or 0)
    live = article.live_version
    title, body = (live.title, live.body) if live else (article.title, article.body)
    text = f"{title}：{_plain(body)}"
    if len(text) > SMS_MAX:
        text = text[: SMS_MAX - 1] + "…"
    numbers = _numbers(user, call["caller"], call["customer_id"])
    return _assist(
        request,
        compose={
            "article": article,
            "title": title,
            "text": text,
            "numbers": [(choice, masked) for choice, _number, masked in numbers],
        },
    )


@login_required
@require_POST
def sms_send(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    call = _context(request)
    article_id = _int(request.POST.get("article"))
    title = request.POST.get("title", "")[:200]
    text = request.POST.get("text", "")
    numbers = {
        choice: number for choice, number, _m in _numbers(user, call["caller"], call["customer_id"])
    }
    compose = {
        "article": {"pk": article_id},
        "title": title,
        "text": text,
        "numbers": [(choice, mask_phone(number)) for choice, number in numbers.items()],
        "chosen": request.POST.get("number", ""),
    }
    try:
        number = numbers.get(request.POST.get("number", ""))
        if number is None:
            raise Invalid(_("Choose the mobile number to send to."), code="sms_number_required")
        if len(text) > SMS_MAX:
            raise Invalid(
                _("The text has %(count)d characters; a message holds at most %(max)d.")
                % {"count": len(text), "max": SMS_MAX},
                code="sms_too_long",
            )
        services.contact_sms_send(
            actor=user,
            number=number,
            text=text,
            session=call["session"],
            customer_id=call["customer_id"],
            article_id=article_id,
            article_title=title,
        )
    except DomainError as refused:
        return _assist(request, compose=compose, refused=str(refused.message), status=400)
    return _assist(request)


@login_required
@require_POST
def help_raise(request: HttpRequest) -> HttpResponse:
    """求助: the leaders on duty are alerted at once."""
    user = request_user(request)
    call = _context(request)
    try:
        services.help_request_raise(
            actor=user,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", "")[:200],
            session=call["session"],
            caller_number=call["caller"],
            customer_id=call["customer_id"],
        )
    except DomainError as refused:
        return _assist(request, refused=str(refused.message), status=400)
    return _assist(request)


@login_required
def assist_state(request: HttpRequest) -> HttpResponse:
    """The assist area again (polled while a call for help waits for its leader)."""
    return _assist(request)


@login_required
def help_alerts(request: HttpRequest) -> HttpResponse:
    """The leader's alert: calls for help that no leader has taken yet (polled)."""
    user = request_user(request)
    return render(
        request,
        "contacts/partials/help_alerts.html",
        {"open_requests": list(help_requests_open(user)[:5])},
    )


def _masked(help_request: HelpRequest) -> dict[str, Any]:
    return {"help": help_request, "caller": mask_phone(help_request.caller_number)}


@login_required
@require_http_methods(["GET", "POST"])
def help_page(request: HttpRequest, help_request_id: int) -> HttpResponse:
    """One call for help: who asked, why, for which caller, and who took it over; a leader
    takes it over here (POST), or from the alert, which then shows what is still open."""
    user = request_user(request)
    help_request = help_request_get_for_user(user, help_request_id)
    refused = ""
    if request.method == "POST":
        try:
            services.help_request_take(actor=user, help_request_id=help_request.pk)
        except DomainError as error:
            if error.status in {403, 404}:
                raise
            refused = str(error.message)
        help_request = help_request_get_for_user(user, help_request_id)
    if request.htmx:  # type: ignore[attr-defined]
        return help_alerts(request)
    return render(
        request,
        "contacts/help.html",
        {**_masked(help_request), "refused": refused},
        status=409 if refused else 200,
    )
