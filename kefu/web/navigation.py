"""Which pages each role works in, and where each role lands after signing in. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.roles import (
    ADMIN,
    AGENT,
    BACKOFFICE,
    EDITOR,
    EXPERT,
    HANDLER,
    LEADER,
    MANAGER,
    QA,
)


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url: str
    roles: frozenset[str]


FRONT_AND_SUPERVISION = frozenset({AGENT, EXPERT, BACKOFFICE, LEADER, MANAGER, ADMIN})

ENTRIES = [
    Entry(_("Agent workbench"), "/workbench/", frozenset({AGENT, EXPERT, LEADER, ADMIN})),
    Entry(_("Back office"), "/backoffice/", frozenset({BACKOFFICE, ADMIN})),
    Entry(_("Department orders"), "/department/", frozenset({HANDLER, EXPERT})),
    Entry(_("Complaints to handle"), "/tickets/leaders/", frozenset({LEADER, MANAGER})),
    Entry(_("Dashboard"), "/dashboard/", frozenset({LEADER, MANAGER, ADMIN})),
    Entry(_("Wallboard"), "/wallboard/", frozenset({LEADER, MANAGER, ADMIN})),
    Entry(_("Reports"), "/reports/", frozenset({LEADER, MANAGER, ADMIN})),
    Entry(
        _("Work orders"),
        "/tickets/",
        FRONT_AND_SUPERVISION | {QA},
    ),
    Entry(
        _("Contacts"),
        "/contacts/",
        FRONT_AND_SUPERVISION | {QA},
    ),
    Entry(
        _("Customers"),
        "/customers/",
        frozenset({AGENT, EXPERT, BACKOFFICE, LEADER, MANAGER, ADMIN}),
    ),
    Entry(
        _("Knowledge"),
        "/knowledge/",
        FRONT_AND_SUPERVISION | {QA, HANDLER, EDITOR},
    ),
    Entry(
        pgettext_lazy("navigation", "Workforce"),
        "/workforce/",
        frozenset({AGENT, EXPERT, BACKOFFICE, LEADER, MANAGER, ADMIN}),
    ),
    Entry(
        _("Quality"),
        "/quality/",
        frozenset({AGENT, EXPERT, BACKOFFICE, LEADER, MANAGER, QA}),
    ),
    Entry(
        _("Satisfaction"),
        "/satisfaction/",
        FRONT_AND_SUPERVISION | {QA, HANDLER, EDITOR},
    ),
    Entry(
        _("Supervision"),
        "/supervision/",
        frozenset({LEADER, MANAGER, QA, ADMIN, AGENT, EXPERT, BACKOFFICE, HANDLER, EDITOR}),
    ),
    # Repeats and escalation risk (issue 21 point 4), for those who read the reports.
    # Incidents, repeats, escalation risk, call-reason suggestions and spike rules are the
    # insights pages' tabs; the front line sees only the incidents.
    Entry(_("Insights"), "/insights/incidents/", frozenset({LEADER, MANAGER, ADMIN})),
    Entry(
        _("Major incidents"),
        "/insights/incidents/",
        frozenset({AGENT, EXPERT, BACKOFFICE, HANDLER}),
    ),
    Entry(_("Review desk"), "/knowledge/review/", frozenset({EDITOR, ADMIN})),
    Entry(_("Data import"), "/imports/", frozenset({ADMIN})),
]

# The page a role's day starts on; anyone else starts on the work-order list.
HOME = {
    AGENT: "/workbench/",
    EXPERT: "/workbench/",
    BACKOFFICE: "/backoffice/",
    HANDLER: "/department/",
    LEADER: "/dashboard/",
    MANAGER: "/dashboard/",
    EDITOR: "/knowledge/",
    QA: "/quality/queue/",
}


def entries_for(role: str | None) -> list[Entry]:
    return [entry for entry in ENTRIES if role in entry.roles]


def home_for(role: str | None) -> str:
    return HOME.get(role or "", "/tickets/")
