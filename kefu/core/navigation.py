"""The tab strips of an app's pages (workforce, quality): the tabs a role may open, the
strip with the current tab marked, and the hub that sends each role to its first tab."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from kefu.core.errors import Forbidden
from kefu.core.roles import ROLES


@dataclass(frozen=True)
class Tab:
    label: str | Promise
    url_name: str
    permission: str


def tabs_for(tabs: Sequence[Tab], role: str | None) -> list[Tab]:
    """The tabs the role's permissions open, in their order."""
    permissions = ROLES[role].permissions if role in ROLES else frozenset()
    return [tab for tab in tabs if tab.permission in permissions]


def tab_strip(tabs: Sequence[Tab], request: HttpRequest) -> SafeString:
    links = []
    for tab in tabs_for(tabs, getattr(request.user, "role", None)):
        url = reverse(tab.url_name)
        current = format_html(' aria-current="{}"', "page") if request.path == url else ""
        links.append((url, current, tab.label))
    return format_html_join("", '<a href="{}"{}>{}</a>', links)


def first_tab(tabs: Sequence[Tab], request: HttpRequest) -> HttpResponse:
    """The app's hub: the first tab the user's role may open."""
    mine = tabs_for(tabs, getattr(request.user, "role", None))
    if not mine:
        raise Forbidden()
    return redirect(mine[0].url_name)
