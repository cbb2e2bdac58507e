"""The pages and answers for requests that fail: 400 (and a refused CSRF check), 403, 404
and 500. A page is in the product's layout and language with a way back; a request to the
API gets the API's one error shape instead. Wired in kefu/urls.py and CSRF_FAILURE_VIEW."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _explanation(exception: BaseException | None) -> str:
    """What a service said when it refused (a DomainError behind PermissionDenied or
    Http404), which tells the user more than the status does; "" when nothing was said."""
    cause = exception.__cause__ if exception is not None else None
    message = getattr(cause, "message", None)
    return str(message) if message else ""


def _back(request: HttpRequest) -> str:
    """The page the user came from, when it is one of ours: the way back."""
    referer = request.headers.get("referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 for a host we do not serve: no way back to trust
        return ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _answer(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str,
    text: str,
    plain: bool = False,
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": text, "detail": None}, status=status)
    context: dict[str, Any] = {
        "status": status,
        "title": title,
        "text": text,
        "back": _back(request),
    }
    if not plain:
        return render(request, "web/error.html", context, status=status)
    # A server error may come from the database itself: the page then needs nothing that
    # reads it (the top bar's pages, the calendar banner), only the request.
    try:
        return render(request, "web/error.html", context, status=status)
    except Exception:
        logger.exception("the error page could not be rendered with its layout")
        html = loader.get_template("web/error_plain.html").render(context)
        return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _answer(
        request,
        status=400,
        code="bad_request",
        title=_("The request cannot be processed."),
        text=_("The address or the form sent is not valid. Go back and try again."),
    )


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _answer(
        request,
        status=403,
        code="forbidden",
        title=_("You do not have permission to do this."),
        text=_explanation(exception)
        or _("Your role does not allow this page or action. Ask your team leader if you need it."),
    )


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return _answer(
        request,
        status=404,
        code="not_found",
        title=_("Page not found"),
        text=_("There is nothing at this address, or it is not visible to you."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(
        request,
        status=500,
        code="server_error",
        title=_("Something went wrong on our side"),
        text=_(
            "The error has been recorded for the administrator. Nothing you entered was "
            "saved by this request: go back and try again in a moment."
        ),
        plain=True,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form was sent from a page too old (the session ended or changed since) or from
    elsewhere: the user reloads the page and sends it again. The sign-in form, the one
    most often left open, comes back at once with the user name kept."""
    if request.path == reverse("login") and request.method == "POST":
        from kefu.core.forms import SigninForm

        username = request.POST.get("username", "")[:150]
        form = SigninForm(request, initial={"username": username})
        return render(
            request,
            "registration/login.html",
            {
                "form": form,
                "next": request.POST.get("next", ""),
                "expired": _("The page was out of date: enter your password again."),
            },
            status=403,
        )
    return _answer(
        request,
        status=403,
        code="csrf_failed",
        title=_("The page is out of date"),
        text=_("The page is out of date. Reload it and try again."),
    )
