"""Which pages each role works in, and where each role lands after signing in. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.core.roles import ADMIN, AGENT, BACKOFFICE, EXPERT, HANDLER, LEADER, MANAGER, QA


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url: str
    roles: frozenset[str]


ENTRIES = [
    Entry(_("Agent workbench"), "/workbench/", frozenset({AGENT, EXPERT, LEADER, ADMIN})),
    Entry(_("Back office"), "/backoffice/", frozenset({BACKOFFICE, ADMIN})),
    Entry(_("Department orders"), "/department/", frozenset({HANDLER})),
    Entry(
        _("Work orders"),
        "/tickets/",
        frozenset({AGENT, EXPERT, BACKOFFICE, LEADER, QA, MANAGER, ADMIN}),
    ),
]

# The page a role's day starts on; anyone else starts on the work-order list.
HOME = {
    AGENT: "/workbench/",
    EXPERT: "/workbench/",
    BACKOFFICE: "/backoffice/",
    HANDLER: "/department/",
}


def entries_for(role: str | None) -> list[Entry]:
    return [entry for entry in ENTRIES if role in entry.roles]


def home_for(role: str | None) -> str:
    return HOME.get(role or "", "/tickets/")
